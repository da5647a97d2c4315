import type { TurnSlot } from './chat-slot';
import type { CommandSpec } from './command-table';
import type { ChannelName, InboundMessage, Lang, Option, OutboundMessage } from './messages';
import type { ConversationState, UserProfile } from './ports';

/**
 * A part of the bot beyond the tip and mediation flows (officer actions, broadcasts, the FAQ…),
 * plugged into the ConversationService so that every channel gets it without a line of channel
 * code. A feature declares what it answers and the service routes to it, so no answer depends on
 * the order features are listed in:
 * - `commands`: its entries in the one command table (conversations/command-table.ts);
 * - `choices`: the button/option id prefixes it owns;
 * - `conversations`: what it holds in the chat's slot (conversations/chat-slot.ts), and how the
 *   next message continues it;
 * - `groupMention`, `fallback`, `menuItems`: the last words and the menu.
 */
export interface FeatureContext {
  msg: InboundMessage;
  lang: Lang;
  profile: UserProfile;
  /** The person's unfinished tip or mediation draft in this chat, active or waiting, if any. */
  draft: ConversationState | null;
  /** This chat's conversation slot, for this message; the service writes it back once. */
  slot: TurnSlot;
  /** Changes another chat's slot (or this one's, if it is this chat) without losing either's write. */
  updateChat(channel: ChannelName, chatId: string, change: (slot: TurnSlot) => void): Promise<void>;
  /** The main menu, as the service shows it (for a feature's "back to menu"). */
  menu(): OutboundMessage;
  /**
   * The text reads as a report the service can offer to file (domain/understanding): a fallback
   * that has no sure answer should let it go rather than say "noted" to someone reporting a crime.
   */
  readsAsReport?: boolean;
}

export interface HeldConversationHandler {
  /** Answers the next message of a conversation the feature holds; null lets the service go on. */
  continue(ctx: FeatureContext): Promise<OutboundMessage[] | null>;
  /** `/huy` while the conversation holds the chat. */
  cancel(ctx: FeatureContext): Promise<OutboundMessage[]>;
  /** Kept when another command comes (a relayed question waits for its answer); otherwise it ends. */
  keepOnCommand?: boolean;
  /**
   * Media sent while this conversation holds the chat are evidence of a case (an answer to an
   * officer's question): kept in the evidence store before `continue` sees them (ports.ts).
   */
  keepsEvidence?: boolean;
}

export interface Feature {
  readonly name: string;
  commands?: CommandSpec[];
  /** Option ids starting with one of `prefixes` are this feature's, wherever they are pressed or typed. */
  choices?: { prefixes: readonly string[]; run(ctx: FeatureContext): Promise<OutboundMessage[]> };
  /** The slot owners this feature holds (conversations/chat-slot.ts), by owner name. */
  conversations?: Record<string, HeldConversationHandler>;
  /** A group message that mentions the bot without a command (the FAQ takes it as a question). */
  groupMention?(ctx: FeatureContext): Promise<OutboundMessage[] | null>;
  /** Last chance for a private text nothing understood (e.g. the FAQ), before "not understood". */
  fallback?(ctx: FeatureContext): Promise<OutboundMessage[] | null>;
  /** Whether the fallback has a sure answer to this text (the FAQ knows the topic): asked before offering a report. */
  answers?(text: string): boolean;
  /** Entries this feature adds to the private menu; their ids must match its `choices` prefixes. */
  menuItems?(lang: Lang): Option[];
  /**
   * Free messages this feature answers by what they mean (domain/understanding), as the option id
   * they stand for: "tin tôi báo hôm qua sao rồi" is the status lookup's button.
   */
  intents?: { status?: string };
}
