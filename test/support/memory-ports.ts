import { loadUnderstander } from '../../src/i18n/understanding';
import { ConversationService, type ConversationDeps } from '../../src/conversations/conversation-service';
import type { ChannelName, InboundMessage, OutboundMessage } from '../../src/conversations/messages';
import { TurnSlot, type ChatSlots, type SlotValue } from '../../src/conversations/chat-slot';
import type {
  CaseIntake,
  CaseSubmission,
  ConversationState,
  Directory,
  GroupInfo,
  Guards,
  Profiles,
  UserProfile,
} from '../../src/conversations/ports';
import { QueueUnavailableError } from '../../src/conversations/ports';
import { CASE_KINDS } from '../../src/features/reporting/flows';
import { SealedBox } from '../../src/domain/sealed-box';
import { createTranslator } from '../../src/i18n/translator';

/**
 * In-memory implementations of the conversation ports, for testing flows message by message
 * without Redis or a database (the integration and e2e tests run the same flows on the real ones).
 * They are ours, not a platform's: the ports are the seam docs/design.md puts there for this.
 */
export class MemorySlots implements ChatSlots {
  readonly map = new Map<string, SlotValue>();
  constructor(private readonly clock: () => number = Date.now) {}
  async load(key: string) {
    const s = this.map.get(key);
    return s ? structuredClone(s) : null;
  }
  async save(key: string, value: SlotValue) {
    if (value.active || value.waiting) this.map.set(key, structuredClone(value));
    else this.map.delete(key);
  }
  async update(key: string, change: (slot: TurnSlot) => void) {
    const slot = new TurnSlot(await this.load(key), this.clock());
    change(slot);
    await this.save(key, slot.snapshot());
  }
  /** The chat's tip or mediation draft, wherever it is in the slot: what the tests look at. */
  readonly sessions = {
    get: async (key: string): Promise<ConversationState | null> => {
      const s = await this.load(key);
      const held = [s?.active, s?.waiting].find((h) => h?.owner === 'flow');
      return (held?.state as ConversationState | undefined) ?? null;
    },
  };
}

export class MemoryProfiles implements Profiles {
  readonly map = new Map<string, UserProfile>();
  async get(channel: ChannelName, userId: string) {
    return { ...(this.map.get(`${channel}:${userId}`) ?? {}) };
  }
  async update(channel: ChannelName, userId: string, patch: UserProfile) {
    this.map.set(`${channel}:${userId}`, { ...(this.map.get(`${channel}:${userId}`) ?? {}), ...patch });
  }
}

export class MemoryIntake implements CaseIntake {
  readonly submitted: CaseSubmission[] = [];
  down = false;
  private seq = 0;
  async nextReferenceCode(kind: 'tip' | 'mediation', at: Date) {
    if (this.down) throw new QueueUnavailableError();
    return CASE_KINDS.formatReference(kind, at, ++this.seq);
  }
  async submit(s: CaseSubmission) {
    if (this.down) throw new QueueUnavailableError();
    // Job id = case id: the same case twice is one job.
    if (!this.submitted.some((x) => x.caseId === s.caseId)) this.submitted.push(structuredClone(s));
  }
}

export class MemoryDirectory implements Directory {
  readonly groups = new Map<string, GroupInfo & { channel: ChannelName; chatId: string }>();
  constructor() {
    this.groups.set('KP1TO3', {
      channel: 'console',
      chatId: 'group-1',
      joinCode: 'KP1TO3',
      title: 'Tổ 3',
      areaCode: 'kp1-to3',
      areaName: 'Khu phố 1 – Tổ 3',
    });
  }
  async groupByJoinCode(code: string) {
    return this.groups.get(code.trim().toUpperCase()) ?? null;
  }
  async registerGroup(channel: ChannelName, chatId: string, title: string) {
    const known = [...this.groups.values()].find((g) => g.channel === channel && g.chatId === chatId);
    if (known) return known;
    const g = { channel, chatId, title, joinCode: `G${this.groups.size}AAAA`.slice(0, 6), areaCode: null };
    this.groups.set(g.joinCode, g);
    return g;
  }
  async bindGroup(_c: ChannelName, _id: string, areaCode: string, userId: string) {
    if (areaCode !== 'kp1-to3') return 'unknown-area' as const;
    return userId === 'admin' ? ('bound' as const) : ('forbidden' as const);
  }
}

export class MemoryGuards implements Guards {
  private readonly seen = new Set<string>();
  private readonly counts = new Map<string, number>();
  constructor(private readonly limits = { flood: 1000, cases: 1000 }) {}
  async handled(channel: ChannelName, updateId: string) {
    return this.seen.has(`${channel}:${updateId}`);
  }
  async markHandled(channel: ChannelName, updateId: string) {
    this.seen.add(`${channel}:${updateId}`);
  }
  async flood(channel: ChannelName, userId: string) {
    return this.throttle(`f:${channel}:${userId}`);
  }
  async groupFlood(channel: ChannelName, chatId: string) {
    return this.throttle(`g:${channel}:${chatId}`);
  }
  private throttle(k: string) {
    const n = this.bump(k);
    return n <= this.limits.flood ? ('ok' as const) : n === this.limits.flood + 1 ? ('warn' as const) : ('drop' as const);
  }
  async takeCaseAllowance(channel: ChannelName, userId: string) {
    return this.bump(`c:${channel}:${userId}`) <= this.limits.cases;
  }
  private bump(k: string) {
    const n = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, n);
    return n;
  }
}

export const TEST_BOX = new SealedBox(Buffer.alloc(32, 3));

/** The bot's reader, learned from the project's corpus once for all tests of a file. */
export const TEST_READER = loadUnderstander();

/** A conversation service over memory ports, plus a tiny "person" that types into it. */
export function memoryBot(overrides: Partial<ConversationDeps> = {}) {
  let now = Date.UTC(2026, 10, 21, 3, 0, 0);
  const slots = new MemorySlots(() => now);
  const sessions = slots.sessions;
  const profiles = new MemoryProfiles();
  const intake = new MemoryIntake();
  const directory = new MemoryDirectory();
  let ids = 0;
  const events: string[] = [];
  const service = new ConversationService({
    t: createTranslator(),
    reader: TEST_READER,
    slots,
    profiles,
    intake,
    directory,
    guards: new MemoryGuards(),
    sealer: TEST_BOX,
    reporterIndex: (channel, userId) => `idx-${channel}-${userId}`,
    // Story joining off: this person types faster than anyone (see the story test, which turns it on).
    limits: { maxTextLength: 3000, maxAttachments: 3, idleMs: 30 * 60_000, storyJoinMs: 0 },
    defaultLang: 'vi',
    deepLink: (channel, payload) => (channel === 'telegram' ? `https://t.me/test_bot?start=${payload}` : null),
    newId: () => `case-${String(++ids).padStart(8, '0')}`,
    clock: () => now,
    log: (event) => events.push(event),
    ...overrides,
  });
  let update = 0;
  const person = (userId = 'u1', channel: ChannelName = 'console') => {
    const send = (m: Partial<InboundMessage>): Promise<OutboundMessage[]> =>
      service.handle({ channel, updateId: String(++update), chatId: userId, userId, chatType: 'private', ...m });
    return {
      send,
      say: (text: string) => {
        const c = /^\/(\w+)(?:\s+(.*))?$/.exec(text);
        return send(c ? { text, command: { name: c[1].toLowerCase(), args: c[2] ?? '' } } : { text });
      },
      tap: (choice: string) => send({ choice }),
    };
  };
  return { service, slots, sessions, profiles, intake, directory, events, person, advanceClock: (ms: number) => (now += ms) };
}

/** The last reply's text and its options' ids: what the person sees last. */
export function last(replies: OutboundMessage[]): OutboundMessage {
  const r = replies[replies.length - 1];
  if (!r) throw new Error('no reply');
  return r;
}
export const ids = (m: OutboundMessage) => (m.options ?? []).map((o) => o.id);
export const allText = (replies: OutboundMessage[]) => replies.map((r) => r.text).join('\n---\n');
