import { chatKey } from '../domain/chat';
import type { ChannelName } from './messages';

/**
 * One slot per chat holds the conversation that chat is in: a tip or mediation draft, a broadcast
 * being written, an officer's half-typed note or numbered pick, or a tipster's pending answer to an
 * officer's question. The conversation service loads it once per message, lends it to the owner of
 * the active conversation and writes it back once; nobody else keeps chat state. A second
 * conversation may wait behind the active one (a tip draft waits while its author answers an
 * officer), and comes back when the active one ends.
 */

/** Who holds a conversation: a flow's id, or a feature's. */
export type ConversationOwner = string;

export interface HeldConversation<S = unknown> {
  owner: ConversationOwner;
  state: S;
  /** Epoch ms after which the conversation is gone (each kind has its own lifetime). */
  expiresAt: number;
}

export interface SlotValue {
  active?: HeldConversation;
  waiting?: HeldConversation;
}

/** A conversation `hold` pushed out of a full slot, and where it was: `putBack` restores it. */
export interface PushedOut {
  held: HeldConversation;
  was: 'active' | 'waiting';
}

/** Where slots live (Redis in production, memory in flow tests). */
export interface ChatSlots {
  load(key: string): Promise<SlotValue | null>;
  /** Writes the slot back; an empty slot is deleted. */
  save(key: string, value: SlotValue): Promise<void>;
  /**
   * Changes another chat's slot (an officer's question opening a relay in the tipster's chat),
   * serialised with that chat's own messages so neither write loses the other.
   */
  update(key: string, change: (slot: TurnSlot) => void): Promise<void>;
}

/** A chat's slot is found by its chat key (domain/chat.ts). */
export const slotKey = (channel: ChannelName, chatId: string): string => chatKey(channel, chatId);

/**
 * Conversations that give way rather than wait: an officer's numbered pick or half-typed note is
 * dropped when something else takes the chat, as it was only the answer to the last message.
 */
const TRANSIENT = new Set<ConversationOwner>(['desk']);
/** Residents' drafts: never dropped to make room, whatever else takes the chat. */
const PRECIOUS = new Set<ConversationOwner>(['flow']);

/** The slot as one message's handling sees and changes it; written back once at the end. */
export class TurnSlot {
  private value: SlotValue;
  private changed = false;

  constructor(
    value: SlotValue | null,
    private readonly now: number,
  ) {
    this.value = { ...(value ?? {}) };
    // Gone conversations are dropped as they are read, the waiting one moving up.
    if (this.value.waiting && this.value.waiting.expiresAt <= now) this.drop('waiting');
    if (this.value.active && this.value.active.expiresAt <= now) {
      this.drop('active');
      this.promote();
    }
  }

  /** Who holds the chat now, if anyone. */
  get activeOwner(): ConversationOwner | undefined {
    return this.value.active?.owner;
  }

  get waitingOwner(): ConversationOwner | undefined {
    return this.value.waiting?.owner;
  }

  /** The owner's state if it holds the chat (or, with `orWaiting`, waits in it). */
  get<S>(owner: ConversationOwner, orWaiting = false): S | null {
    if (this.value.active?.owner === owner) return this.value.active.state as S;
    if (orWaiting && this.value.waiting?.owner === owner) return this.value.waiting.state as S;
    return null;
  }

  /**
   * The owner takes the chat (or keeps it, with new state). Whoever held it before waits, unless it
   * gives way (TRANSIENT) or a resident's draft already waits (PRECIOUS ones are kept over others).
   * Answers the conversation that lost its place in a full slot, if one did.
   */
  hold<S>(owner: ConversationOwner, state: S, lifetimeMs: number): PushedOut | undefined {
    const held: HeldConversation = { owner, state, expiresAt: this.now + lifetimeMs };
    const current = this.value.active;
    let pushed: PushedOut | undefined;
    if (this.value.waiting?.owner === owner) this.drop('waiting');
    if (current && current.owner !== owner && !TRANSIENT.has(current.owner)) {
      if (!this.value.waiting) this.value.waiting = current;
      else if (PRECIOUS.has(current.owner) && !PRECIOUS.has(this.value.waiting.owner)) {
        pushed = { held: this.value.waiting, was: 'waiting' };
        this.value.waiting = current;
      } else pushed = { held: current, was: 'active' };
    }
    this.value.active = held;
    this.changed = true;
    return pushed;
  }

  /** The owner is done: its conversation ends (wherever it is) and a waiting one comes back. */
  release(owner: ConversationOwner): void {
    if (this.value.waiting?.owner === owner) this.drop('waiting');
    if (this.value.active?.owner !== owner) return;
    this.drop('active');
    this.promote();
  }

  /**
   * A conversation a short question pushed out of the slot (`hold`'s answer) comes back where it
   * was, if it has not expired meanwhile and its place is free: asking "are you sure?" loses nothing.
   */
  putBack(pushed: PushedOut | undefined): void {
    if (!pushed || pushed.held.expiresAt <= this.now || this.value.waiting) return;
    if (this.value.active?.owner === pushed.held.owner) return;
    if (pushed.was === 'active' || !this.value.active) {
      if (this.value.active) this.value.waiting = this.value.active;
      this.value.active = pushed.held;
    } else {
      this.value.waiting = pushed.held;
    }
    this.changed = true;
  }

  /** Everything in the slot ends. */
  clear(): void {
    if (this.value.active || this.value.waiting) this.changed = true;
    this.value = {};
  }

  get dirty(): boolean {
    return this.changed;
  }

  snapshot(): SlotValue {
    return { ...this.value };
  }

  private drop(which: keyof SlotValue): void {
    if (!this.value[which]) return;
    delete this.value[which];
    this.changed = true;
  }

  private promote(): void {
    if (this.value.active || !this.value.waiting) return;
    this.value.active = this.value.waiting;
    delete this.value.waiting;
    this.changed = true;
  }
}
