import { isQuestion } from '../domain/understanding/answers';
import { sealCaseField } from '../domain/case-seals';
import { wordsOf } from '../domain/understanding/tokens';
import type { Understanding } from '../domain/understanding/understand';
import { matchOption } from '../domain/option-match';
import { evidenceIdOf, type Attachment } from '../domain/chat';
import { draftLifetimeMs } from './draft-lifetime';
import { slotKey, TurnSlot, type ChatSlots, type SlotValue } from './chat-slot';
import { answerOf, emergencyMessage, OFFER_OWNER, OFFER_PREFIX, offerFor, offerMessage, type Offer } from './understood';
import { CommandTable, type CommandSpec } from './command-table';
import { advance, isFlowState, prompt, startState, type EngineContext } from './engine';
import type { Feature, FeatureContext, HeldConversationHandler } from './feature';
import type { Flow } from './flow';
import { DEFAULT_FLOW, FLOWS } from '../features/reporting/flows';
import {
  CONTENT_WITHHELD,
  LIVE_LOCATION,
  type ChannelName,
  type InboundMessage,
  type Lang,
  type Option,
  type OutboundMessage,
  withoutNul,
} from './messages';
import type {
  CaseIntake,
  CaseSubmission,
  ChatLocks,
  ConversationState,
  Directory,
  EvidenceKeeper,
  Guards,
  Profiles,
  Reader,
  Sealer,
  Translate,
  UserProfile,
} from './ports';

/**
 * The front door for every message from every channel: drops re-deliveries and floods, answers
 * emergencies first, routes commands, menus and flow answers, and hands confirmed drafts to the
 * case intake. Channels call `handle` and send back what it returns; nothing here knows which
 * platform it is talking to beyond the channel's name.
 *
 * Who answers is decided here, in this order, whatever order features are listed in:
 * 1. `/huy` goes to the conversation holding the chat (conversations/chat-slot.ts);
 * 2. any other command to its one owner in the command table (conversations/command-table.ts);
 *    a conversation that does not wait for commands ends first;
 * 3. a button or numbered option to the owner of its id prefix (`menu:`, `case:`, `bc:`…);
 * 4. anything else to the conversation holding the chat; with none, the menu, a group's code,
 *    the FAQ's fallback, or "not understood".
 */

export interface ConversationDeps {
  t: Translate;
  /** Each chat's one conversation slot. */
  slots: ChatSlots;
  profiles: Profiles;
  intake: CaseIntake;
  directory: Directory;
  guards: Guards;
  sealer: Sealer;
  /** The blind index stored on a case so `/xoadulieu` can find it (domain/reporter-index.ts). */
  reporterIndex: (channel: ChannelName, userId: string) => string;
  limits: { maxTextLength: number; maxAttachments: number; idleMs: number; storyJoinMs: number };
  defaultLang: Lang;
  /** A link that opens a private chat with the bot carrying `payload` (Telegram); null where the platform has none. */
  deepLink: (channel: ChannelName, payload: string) => string | null;
  newId: () => string;
  clock?: () => number;
  /** Privacy-safe events only: ids, codes and counts, never text, names or chat ids. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  /** Officer actions, broadcasts, the FAQ…: see feature.ts. Their order decides nothing. */
  features?: Feature[];
  /** One message at a time per chat across replicas; without it, only within this process's caller. */
  locks?: ChatLocks;
  /** What a resident's words mean (domain/understanding): every free text is read through it. */
  reader: Reader;
  /** Fetches and keeps media sent into a draft or an answer to an officer at once; without it they stay platform references. */
  evidence?: EvidenceKeeper;
}

// The guided flows (flows.ts); each declares its commands, menu entry and deep-link prefix (flow.ts).
const FLOW_BY_ID = new Map<string, Flow>(FLOWS.map((f) => [f.id, f]));
/** The slot owner of every tip or mediation draft: one draft per chat, whichever flow. */
const FLOW_OWNER = 'flow';
const JOIN_CODE = /^[A-Za-z0-9]{4,16}$/;
const CANCEL = ['huy', 'cancel'];
/** Options of "you have an unfinished tip: continue or start over?". */
const RESUME = 'draft:continue';
const RESTART = 'draft:restart';
/** Option prefixes the service answers itself. */
const OWN_PREFIXES = ['menu:', 'lang:', 'draft:', OFFER_PREFIX];
/** Small talk is answered when its reading is at least this sure. */
const SMALL_TALK_SURE = 0.3;
/** A message of at least this many words is a story: offered as a report even when the FAQ knows its topic. */
const OFFER_STORY_WORDS = 8;
/** `join_<code>` only joins the group; the others open their flow too. */
const DEEP_LINK_PREFIXES = new Set(['join', ...FLOWS.map((f) => f.deepLinkPrefix)]);

interface Turn {
  ctx: FeatureContext;
  slot: TurnSlot;
  key: string;
  profile: UserProfile;
  lang: Lang;
  /** The reading of the message's text, once per message; none for commands, buttons and media. */
  understood?: Understanding;
  /** Writes the slot now (before a step whose outcome must survive a crash). */
  persist(): Promise<void>;
}

export class ConversationService {
  private readonly clock: () => number;
  private readonly features: Feature[];
  private readonly commands: CommandTable;
  private readonly handlers = new Map<string, HeldConversationHandler>();
  /** Files of drafts given up during a message, by its slot, deleted once the slot is written. */
  private readonly dropped = new WeakMap<TurnSlot, Attachment[]>();
  private readonly choiceOwners: { prefix: string; feature: Feature }[] = [];
  private readonly fallbackFeature?: Feature;
  private readonly mentionFeature?: Feature;

  constructor(private readonly deps: ConversationDeps) {
    this.clock = deps.clock ?? Date.now;
    this.features = deps.features ?? [];
    // Every rule about who answers what is checked here, at start-up: two claims on one command,
    // one option prefix or one conversation owner are a programming error, not a race to win.
    this.commands = new CommandTable([...this.ownCommands(), ...this.features.flatMap((f) => f.commands ?? [])]);
    const prefixes = [...OWN_PREFIXES];
    for (const f of this.features) {
      for (const prefix of f.choices?.prefixes ?? []) {
        const clash = prefixes.find((p) => p.startsWith(prefix) || prefix.startsWith(p));
        if (clash) throw new Error(`Option prefix ${prefix} of ${f.name} overlaps ${clash}`);
        prefixes.push(prefix);
        this.choiceOwners.push({ prefix, feature: f });
      }
      for (const [owner, handler] of Object.entries(f.conversations ?? {})) {
        if (owner === FLOW_OWNER || this.handlers.has(owner)) throw new Error(`Conversation owner ${owner} of ${f.name} is taken`);
        this.handlers.set(owner, handler);
      }
    }
    const only = (what: 'fallback' | 'groupMention') => {
      const claimed = this.features.filter((f) => f[what]);
      if (claimed.length > 1) throw new Error(`Only one feature may answer as ${what}: ${claimed.map((f) => f.name).join(', ')}`);
      return claimed[0];
    };
    this.fallbackFeature = only('fallback');
    this.mentionFeature = only('groupMention');
  }

  /** Everything the bot answers to this message, in order. Never throws: a failure becomes a polite reply. */
  async handle(received: InboundMessage): Promise<OutboundMessage[]> {
    const msg = withoutNul(received);
    let lang: Lang = langFromHint(msg.languageHint) ?? this.deps.defaultLang;
    try {
      // Handled already (a redelivery, a second replica's copy): nothing more to do. Only an update
      // handled to the end counts: one whose process died midway comes back from the inbox and
      // is handled now (what it had done by then is idempotent: see markHandled below).
      // Residents chatting among themselves in a group are none of the bot's business: it reads
      // nothing of it, and a lively chat must not count towards the flood limit (which would
      // have the bot tell the group to slow down).
      if (msg.chatType === 'group' && !addressesBot(msg)) return [];
      // Asked together: one round trip to Redis instead of three, on every update (the stage
      // profile, scripts/bench/stage-profile.ts). A redelivered copy counts towards the flood
      // limit too, which only a storm of redeliveries within ten seconds would notice.
      const [handled, profile, flood] = await Promise.all([
        this.deps.guards.handled(msg.channel, msg.updateId),
        this.deps.profiles.get(msg.channel, msg.userId),
        this.deps.guards.flood(msg.channel, msg.userId),
      ]);
      if (handled) return [];
      lang = profile.lang ?? lang;
      if (flood === 'drop') return [];
      if (flood === 'warn') {
        this.deps.log('flood.throttled', { channel: msg.channel });
        return [{ text: this.deps.t(lang, 'guard.flood') }];
      }
      // Adding the bot is never throttled: the group must be registered.
      if (msg.chatType === 'group' && !msg.botAddedToGroup) {
        const crowd = await this.deps.guards.groupFlood(msg.channel, msg.chatId);
        if (crowd === 'drop') return [];
        if (crowd === 'warn') {
          this.deps.log('flood.group_throttled', { channel: msg.channel });
          return [{ text: this.deps.t(lang, 'guard.groupFlood') }];
        }
      }
      // Files are fetched before the chat's lock is taken: a download may take longer than the lock
      // lives (ChatLock), and the lock would then let the chat's next message in beside this one.
      const kept = msg.chatType === 'private' ? await this.keepEvidenceFirst(msg, lang) : undefined;
      let marked: Promise<void> = Promise.resolve();
      const work = async (): Promise<OutboundMessage[] | null> => {
        // Asked again under the chat's lock: a copy of this update that waited for the lock while
        // another process handled it must not be applied to the chat a second time. The chat's slot
        // is read in the same round trip (it is read under the lock either way).
        const [done, stored] = await Promise.all([
          this.deps.guards.handled(msg.channel, msg.updateId),
          msg.chatType === 'private' ? this.deps.slots.load(slotKey(msg.channel, msg.chatId)) : Promise.resolve(null),
        ]);
        if (done) return null;
        const said =
          msg.chatType === 'group' ? await this.inGroup(msg, lang) : await this.inPrivate(kept?.msg ?? msg, stored, profile, lang, kept);
        // Marked once its effects are written (the slot saved, a case queued) and before any reply
        // goes out: a crash from here on loses the replies (the draft is saved, the resident's
        // next message goes on from it) but never applies the message to the chat twice. Sent,
        // not awaited, here: the lock's release then follows it in the same round trip, and Redis
        // runs one connection's commands in order (the guards and the lock share it: app/bot.ts),
        // so the mark is in before another copy of the update can take the lock and ask.
        marked = this.deps.guards.markHandled(msg.channel, msg.updateId);
        marked.catch(() => undefined);
        return said;
      };
      const replies = this.deps.locks ? await this.deps.locks.run(slotKey(msg.channel, msg.chatId), work) : await work();
      await marked;
      if (replies === null) return [];
      // Written in the language of the last word on it (a /lang switch answers in the new one).
      const said = replies.map((r) => ({ lang: replyLang(r, lang, msg), ...r }));
      return msg.chatType === 'private' ? await this.introduced(msg, profile, lang, said) : said;
    } catch (err) {
      this.deps.log('conversation.error', { channel: msg.channel, error: err instanceof Error ? err.name : 'unknown' });
      return [{ text: this.deps.t(lang, 'errors.temporary') }];
    }
  }

  // ───────────── groups ─────────────

  /**
   * Changes a chat's slot from outside any message (the web dashboard's actions), under that
   * chat's lock, as a feature's `updateChat` does for another chat.
   */
  updateChat(channel: ChannelName, chatId: string, change: (slot: TurnSlot) => void): Promise<void> {
    return this.deps.slots.update(slotKey(channel, chatId), change);
  }

  private async inGroup(msg: InboundMessage, lang: Lang): Promise<OutboundMessage[]> {
    const { t, directory } = this.deps;
    if (msg.botAddedToGroup) {
      const group = await directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
      this.deps.log('group.registered', { channel: msg.channel });
      return [
        {
          text: `${t(lang, 'group.welcome')}\n\n${this.groupAreaLine(group.areaCode, group.areaName, lang)}`,
          links: this.groupLinks(msg.channel, group.joinCode, lang),
        },
        this.groupJoinHint(msg.channel, group.joinCode, lang),
      ].filter(isMessage);
    }
    // Zalo tells nobody the bot was added (no join event): the first message addressed to it
    // registers the group, so its join code exists before anyone asks, and broadcasts can reach it.
    // Without a title: a group already known keeps its name (commands that show it update it).
    await directory.registerGroup(msg.channel, msg.chatId, '');
    // Nothing is held for a group: conversations happen in private chats only.
    const slot = new TurnSlot(null, this.clock());
    const ctx = this.featureContext(msg, lang, {}, slot, null);
    // Privacy mode: in a group the bot answers its own commands only, and never collects a tip there.
    if (msg.command) return (await this.commands.find(msg.command.name, msg.command.args, 'group')?.run(ctx)) ?? [];
    if (msg.choice !== undefined) return (await this.choiceOwner(msg.choice)?.choices?.run(ctx)) ?? [];
    if (msg.mentionsBot && msg.text) {
      // Addressed to the bot in a group: an emergency gets the numbers there at once; a report gets
      // only the way to the private chat, never a word about it in front of the neighbours.
      const u = this.deps.reader.understand(msg.text);
      if (u.emergency.length) return [emergencyMessage(u.emergency, t, lang), ...(await this.groupHowTo(msg, lang))];
      if (offerFor(u, msg.text, FLOWS)) return this.groupHowTo(msg, lang);
      return (await this.mentionFeature?.groupMention?.(ctx)) ?? [];
    }
    return [];
  }

  private async groupHowTo(msg: InboundMessage, lang: Lang): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const group = await this.deps.directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
    const links = this.groupLinks(msg.channel, group.joinCode, lang);
    if (links) return [{ text: t(lang, 'group.howTo'), links }];
    // No deep links (Zalo, console): one message with the code and how to reach the bot privately,
    // one message because on Zalo each costs a share of the monthly quota.
    return [{ text: [t(lang, 'group.howToByCode'), ...this.codeLines(msg.channel, group.joinCode, lang)].join('\n') }];
  }

  /** Where there are no deep links: the group's join code and, on Zalo, how to reach the bot privately. */
  private codeLines(channel: ChannelName, joinCode: string, lang: Lang): string[] {
    if (this.deps.deepLink(channel, 'x')) return [];
    const lines = [this.deps.t(lang, 'group.joinCodeHint', { code: joinCode })];
    if (channel === 'zalo') lines.push(this.deps.t(lang, 'group.reachPrivately.zalo'));
    return lines;
  }

  private async bindArea(msg: InboundMessage, lang: Lang): Promise<OutboundMessage[]> {
    const { t, directory } = this.deps;
    const code = (msg.command?.args ?? '').trim().toLowerCase();
    if (!code) return [{ text: t(lang, 'group.areaUsage') }];
    const group = await directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
    const outcome = await directory.bindGroup(msg.channel, msg.chatId, code, msg.userId);
    this.deps.log('group.bind', { channel: msg.channel, outcome });
    const lines = [t(lang, `group.bind.${outcome}`, { area: code })];
    // Without deep links the officer shares the code next (a pinned message): it comes with the answer.
    if (outcome === 'bound') lines.push(...this.codeLines(msg.channel, group.joinCode, lang));
    return [{ text: lines.join('\n') }];
  }

  // ───────────── private chats ─────────────

  /** A private chat's message, with the chat's slot as read under its lock (`stored`). */
  private async inPrivate(
    msg: InboundMessage,
    stored: SlotValue | null,
    profile: UserProfile,
    lang: Lang,
    kept?: { notes: OutboundMessage[]; refusedAll: boolean },
  ): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const slot = new TurnSlot(stored, this.clock());
    const before: OutboundMessage[] = [];

    const held = slot.get<ConversationState>(FLOW_OWNER, true);
    if (
      held &&
      (this.clock() - held.updatedAt > this.deps.limits.idleMs || !isFlowState(FLOW_BY_ID.get(held.flow) ?? DEFAULT_FLOW, held))
    ) {
      this.dropDraft(slot, held);
      before.push({ text: t(lang, 'flow.expired') });
    }
    // The numbers come first, before any question: the bot is not an emergency service.
    const understood = msg.text && !msg.command ? this.deps.reader.understand(msg.text) : undefined;
    let offerTip = false;
    if (understood?.emergency.length) {
      this.deps.log('emergency.detected', { channel: msg.channel, kinds: understood.emergency.join(',') });
      before.push(emergencyMessage(understood.emergency, t, lang));
      offerTip = !slot.activeOwner;
    }
    if (kept) {
      before.push(...kept.notes);
      // Nothing left of the message (every file refused): the notes say why, and the step is asked again.
      if (kept.refusedAll) {
        const state = slot.get<ConversationState>(FLOW_OWNER);
        if (state) before.push(prompt(this.flowOf(state), state, this.engineContext(lang)));
        if (slot.dirty) await this.turnOf(this.featureContext(msg, lang, profile, slot, state))!.persist();
        await this.discardDropped(slot);
        return before;
      }
    }
    const waited = slot.waitingOwner === FLOW_OWNER ? slot.get<ConversationState>(FLOW_OWNER, true)?.caseId : undefined;
    const turn = this.turnOf(this.featureContext(msg, lang, profile, slot, slot.get<ConversationState>(FLOW_OWNER, true)))!;
    turn.understood = understood;
    const replies = offerTip ? [{ text: t(lang, 'emergency.offerTip'), options: this.menuOptions(lang) }] : await this.route(turn);
    // A draft that waited (its author answered an officer's question) is back: show where it stopped.
    const back = slot.activeOwner === FLOW_OWNER ? slot.get<ConversationState>(FLOW_OWNER) : null;
    if (waited && back?.caseId === waited)
      replies.push({ text: t(lang, 'flow.resumed') }, prompt(this.flowOf(back), back, this.engineContext(lang)));
    if (slot.dirty) await turn.persist();
    await this.discardDropped(slot);
    return [...before, ...replies];
  }

  /**
   * Zalo requires a bot to tell people they are talking to an automated system. The welcome and
   * the greeting say so; whatever else a person's first private message gets (a story offered as a
   * report, an emergency's numbers, an answer) is preceded, once, by a line that says it, after
   * any emergency numbers.
   */
  private async introduced(msg: InboundMessage, profile: UserProfile, lang: Lang, said: OutboundMessage[]): Promise<OutboundMessage[]> {
    if (msg.channel !== 'zalo' || profile.introduced) return said;
    const { t } = this.deps;
    await this.deps.profiles.update(msg.channel, msg.userId, { introduced: true });
    // In the language the answer is in (a first message may be /lang en).
    const inLang = said[0]?.lang ?? lang;
    if (said.some((m) => m.text.includes(t(inLang, 'menu.welcome')) || m.text.includes(t(inLang, 'understood.greeting')))) return said;
    const urgent = said.findIndex((m) => !m.urgent);
    const at = urgent < 0 ? said.length : urgent;
    return [...said.slice(0, at), { text: t(inLang, 'intro.automated'), lang: inLang }, ...said.slice(at)];
  }

  /**
   * A draft given up (cancelled, started over, expired): released, and the files kept for it are
   * noted to be deleted once the slot without it is written (discardDropped). They were never sent
   * to anyone, and nothing else refers to them; what a crash leaves behind, the retention run
   * deletes after the draft's lifetime.
   */
  private dropDraft(slot: TurnSlot, draft: ConversationState | null | undefined): void {
    slot.release(FLOW_OWNER);
    const files = (draft?.draft.attachments ?? []).filter((a) => evidenceIdOf(a) !== undefined);
    if (files.length > 0) this.dropped.set(slot, [...(this.dropped.get(slot) ?? []), ...files]);
  }

  /** Deletes the files of drafts given up in this message; a failure is left to the retention run. */
  private async discardDropped(slot: TurnSlot): Promise<void> {
    const files = this.dropped.get(slot);
    if (!files || !this.deps.evidence) return;
    this.dropped.delete(slot);
    try {
      const deleted = await this.deps.evidence.discard(files);
      this.deps.log('evidence.discarded', { files: deleted });
    } catch (err) {
      this.deps.log('evidence.discard_failed', { error: err instanceof Error ? err.name : 'unknown' });
    }
  }

  /** Media are evidence in a tip or mediation draft and in conversations that say so (an answer to an officer). */
  private keepsEvidence(owner: string | undefined): boolean {
    if (!this.deps.evidence || owner === undefined) return false;
    return owner === FLOW_OWNER || this.handlers.get(owner)?.keepsEvidence === true;
  }

  /**
   * A private message with files, while the chat is in a draft or a conversation that keeps
   * evidence (read from its slot without the lock: only to decide whether to fetch): the files
   * are kept now. Undefined when there is nothing to keep.
   */
  private async keepEvidenceFirst(
    msg: InboundMessage,
    lang: Lang,
  ): Promise<{ msg: InboundMessage; notes: OutboundMessage[]; refusedAll: boolean } | undefined> {
    if (!msg.attachments?.length || !this.deps.evidence || msg.command || msg.choice !== undefined) return undefined;
    const slot = new TurnSlot(await this.deps.slots.load(slotKey(msg.channel, msg.chatId)), this.clock());
    if (!this.keepsEvidence(slot.activeOwner)) return undefined;
    const kept = await this.keepEvidence(msg, lang);
    return { ...kept, refusedAll: !kept.msg.attachments?.length && !kept.msg.text && !kept.msg.location };
  }

  /**
   * Every attachment fetched and kept now, while the platform's link still works (Zalo's expire):
   * the message goes on with `evidence:<id>` references; a file too large or unobtainable is left
   * out with a polite note, and the draft goes on.
   */
  private async keepEvidence(msg: InboundMessage, lang: Lang): Promise<{ msg: InboundMessage; notes: OutboundMessage[] }> {
    const evidence = this.deps.evidence!;
    const kept: NonNullable<InboundMessage['attachments']> = [];
    const refused = new Set<'too-large' | 'unavailable'>();
    for (const a of msg.attachments ?? []) {
      const result = await evidence.keep(msg.channel, a);
      if ('kept' in result) kept.push(result.kept);
      else refused.add(result.refused);
    }
    const notes: OutboundMessage[] = [];
    if (refused.has('too-large')) notes.push({ text: this.deps.t(lang, 'evidence.tooLarge', { max: sizeLabel(evidence.maxBytes) }) });
    if (refused.has('unavailable')) notes.push({ text: this.deps.t(lang, 'evidence.unavailable') });
    for (const r of refused) this.deps.log('evidence.refused', { channel: msg.channel, reason: r });
    return { msg: { ...msg, attachments: kept.length > 0 ? kept : undefined }, notes };
  }

  private async route(turn: Turn): Promise<OutboundMessage[]> {
    const { msg } = turn.ctx;
    if (msg.command) return this.onCommand(turn);
    if (msg.choice !== undefined) return this.onChoice(turn, msg.choice);
    return this.onMessage(turn);
  }

  private async onCommand(turn: Turn): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { slot, lang, ctx } = turn;
    const { name, args } = ctx.msg.command!;
    const active = slot.activeOwner;
    const draft = slot.get<ConversationState>(FLOW_OWNER);
    // The menu must never answer a hidden step: with a draft open, ask what to do with it first.
    if (draft && (name === 'menu' || (name === 'start' && !deepLinkOf(args)))) return this.askResume(turn, draft);
    if (!CANCEL.includes(name) && active && active !== FLOW_OWNER && !this.handlers.get(active)?.keepOnCommand) slot.release(active);
    const spec = this.commands.find(name, args, 'private');
    if (spec) return spec.run(turn.ctx);
    const state = slot.get<ConversationState>(FLOW_OWNER);
    return [
      { text: t(lang, 'errors.unknownCommand', { command: `/${name}`.slice(0, 40) }) },
      state ? prompt(this.flowOf(state), state, this.engineContext(lang)) : this.menu(lang),
    ];
  }

  private async onChoice(turn: Turn, choice: string): Promise<OutboundMessage[]> {
    const { slot } = turn;
    const active = slot.activeOwner;
    const owner = this.choiceOwner(choice);
    const own = OWN_PREFIXES.some((p) => choice.startsWith(p));
    const draft = slot.get<ConversationState>(FLOW_OWNER);
    if (choice.startsWith('draft:')) return this.answerResume(turn, draft, choice);
    if (choice.startsWith(OFFER_PREFIX)) return this.answerOffer(turn, { choice });
    if (draft && choice.startsWith('menu:'))
      return this.askResume(
        turn,
        draft,
        FLOWS.find((f) => f.menuId === choice),
      );
    if (owner || own) {
      // Pressing another part's button moves on from what was held, unless that waits for its answer.
      const mine = owner && active !== undefined && owner.conversations?.[active] !== undefined;
      if (active && active !== FLOW_OWNER && !mine && !this.handlers.get(active)?.keepOnCommand) slot.release(active);
      // The choice goes in the message: a reading of typed words ("tin tôi báo sao rồi" → the status
      // lookup) arrives here as text, and the owner reads what was chosen from the message.
      if (owner)
        return owner.choices!.run({ ...turn.ctx, msg: { ...turn.ctx.msg, choice }, draft: slot.get<ConversationState>(FLOW_OWNER, true) });
      return this.menuChoice(turn, choice);
    }
    return this.onMessage(turn);
  }

  private async onMessage(turn: Turn): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { slot, lang, ctx } = turn;
    const { msg } = ctx;
    // A conversation that lets go of the message (an officer's pick that this text is not) may
    // uncover one that waited: it gets the message next.
    for (let tries = 0; tries < 3 && slot.activeOwner; tries++) {
      const active = slot.activeOwner;
      if (active === FLOW_OWNER) return this.continueFlow(turn, slot.get<ConversationState>(FLOW_OWNER)!);
      if (active === OFFER_OWNER) return this.answerOffer(turn, { text: msg.text });
      const handler = this.handlers.get(active);
      if (!handler) {
        // Held by a part this version no longer has: let it go rather than be stuck.
        slot.release(active);
        continue;
      }
      const answer = await handler.continue({ ...ctx, draft: slot.get<ConversationState>(FLOW_OWNER, true) });
      if (answer) return answer;
      if (slot.activeOwner === active) break;
    }
    if (msg.choice !== undefined) return [this.menu(lang)];
    if (msg.unsupported === CONTENT_WITHHELD) return withheld(t, lang);
    if (msg.unsupported) return [{ text: t(lang, unsupportedKey(msg)) }, this.menu(lang)];
    if (msg.text) {
      const picked = matchOption(this.menuOptions(lang), msg.text);
      // A menu entry chosen by typing its number or words: the same as pressing it.
      if (picked) return this.onChoice({ ...turn, ctx: { ...ctx, msg: { ...msg, text: undefined, choice: picked.id } } }, picked.id);
      if (JOIN_CODE.test(msg.text.trim())) {
        const joined = await this.join(msg, msg.text.trim(), lang);
        if (joined) return joined;
      }
    }
    if (msg.attachments?.length || msg.location) return [{ text: t(lang, 'errors.mediaOutsideFlow') }, this.menu(lang)];
    if (msg.text && turn.understood) {
      const u = turn.understood;
      const offer = offerFor(u, msg.text, FLOWS);
      // A short question the FAQ knows ("hàng xóm lấn đất thì làm sao") is answered; a story is offered as a report.
      const faqSure = this.fallbackFeature?.answers?.(msg.text) === true;
      const faqKnows = faqSure && (isQuestion(msg.text) || wordsOf(msg.text).folded.length < OFFER_STORY_WORDS);
      if (offer && !faqKnows) {
        // A story the FAQ also knows about ("they called as police and want money"): its advice, then the offer.
        const advice = faqSure ? ((await this.fallbackFeature?.fallback?.(ctx)) ?? []).map((m) => ({ text: m.text })) : [];
        return [...advice, ...this.offer(turn, offer, u)];
      }
      if (!offer) {
        const talk = await this.smallTalk(turn, u);
        if (talk) return talk;
      }
      const answer = await this.fallbackFeature?.fallback?.({ ...ctx, readsAsReport: offer !== null });
      if (answer) return answer;
      if (offer) return this.offer(turn, offer, u);
    } else if (msg.text) {
      const answer = await this.fallbackFeature?.fallback?.(ctx);
      if (answer) return answer;
    }
    return [{ text: t(lang, 'errors.notUnderstood') }, this.menu(lang)];
  }

  /** The service's own commands, in the same table as the features'. */
  private ownCommands(): CommandSpec[] {
    const { t } = this.deps;
    const spec = (
      names: string[],
      where: CommandSpec['where'],
      run: (turn: Turn | null, ctx: FeatureContext) => Promise<OutboundMessage[]>,
    ): CommandSpec => ({
      names,
      owner: 'conversations',
      where,
      run: (ctx) => run(this.turnOf(ctx), ctx),
    });
    const flowCommands = FLOWS.map((flow) =>
      spec([...flow.commands], 'both', (turn, ctx) => (turn ? this.startFlow(flow, turn) : this.groupHowTo(ctx.msg, ctx.lang))),
    );
    return [
      spec(['start'], 'both', (turn, ctx) => (turn ? this.start(turn) : this.groupHowTo(ctx.msg, ctx.lang))),
      spec(['menu'], 'both', async (turn, ctx) => (turn ? [this.menu(ctx.lang)] : this.groupHowTo(ctx.msg, ctx.lang))),
      spec(['help'], 'both', async (turn, ctx) =>
        turn ? [{ text: t(ctx.lang, 'menu.help') }, this.menu(ctx.lang)] : this.groupHowTo(ctx.msg, ctx.lang),
      ),
      spec(['trogiup'], 'private', async (_turn, ctx) => [{ text: t(ctx.lang, 'menu.help') }, this.menu(ctx.lang)]),
      ...flowCommands,
      spec(CANCEL, 'private', (turn) => this.cancel(turn!)),
      spec(['lang', 'ngonngu'], 'private', async (turn, ctx) => {
        const wanted = ctx.msg.command!.args.trim().toLowerCase();
        if (wanted === 'vi' || wanted === 'en') return this.setLang(turn!, wanted);
        return [this.langMenu(ctx.lang)];
      }),
      spec(['thamgia', 'join'], 'private', async (_turn, ctx) => {
        const code = ctx.msg.command!.args.trim();
        if (!code) return [{ text: t(ctx.lang, 'join.usage') }];
        return (await this.join(ctx.msg, code, ctx.lang)) ?? [{ text: t(ctx.lang, 'flow.unknownJoinCode') }];
      }),
      spec(['khuvuc', 'area'], 'group', (_turn, ctx) => this.bindArea(ctx.msg, ctx.lang)),
    ];
  }

  /** The turn a private command runs in (the context carries its slot); null in a group. */
  private readonly turns = new WeakMap<TurnSlot, Turn>();
  private turnOf(ctx: FeatureContext): Turn | null {
    return this.turns.get(ctx.slot) ?? null;
  }

  private featureContext(
    msg: InboundMessage,
    lang: Lang,
    profile: UserProfile,
    slot: TurnSlot,
    draft: ConversationState | null,
  ): FeatureContext {
    const key = slotKey(msg.channel, msg.chatId);
    const ctx: FeatureContext = {
      msg,
      lang,
      profile,
      draft,
      slot,
      menu: () => this.menu(lang),
      // This chat's own slot is changed in place (it is written at the end of this message); another
      // chat's under that chat's lock.
      updateChat: async (channel, chatId, change) =>
        slotKey(channel, chatId) === key ? change(slot) : this.deps.slots.update(slotKey(channel, chatId), change),
    };
    if (msg.chatType === 'private') {
      this.turns.set(slot, {
        ctx,
        slot,
        key,
        profile,
        lang,
        persist: () => this.deps.slots.save(key, slot.snapshot()),
      });
    }
    return ctx;
  }

  private choiceOwner(choice: string): Feature | undefined {
    return this.choiceOwners.find((o) => choice.startsWith(o.prefix))?.feature;
  }

  private async start(turn: Turn): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { ctx, lang, profile } = turn;
    // Deep link from a group: tip_<joinCode> or hg_<joinCode> carries the group (and so the area).
    const link = deepLinkOf(ctx.msg.command!.args);
    if (!link) return [this.menu(lang, 'menu.welcome')];
    const group = await this.deps.directory.groupByJoinCode(link.joinCode);
    if (!group) return [{ text: t(lang, 'flow.unknownJoinCode') }, this.menu(lang)];
    await this.deps.profiles.update(ctx.msg.channel, ctx.msg.userId, { joinCode: group.joinCode });
    const joined = { text: t(lang, 'flow.joined', { group: group.title }) };
    // A group's button pressed with a draft open: the group is remembered, the draft is not replaced.
    const flow = FLOWS.find((f) => f.deepLinkPrefix === link.prefix);
    const draft = turn.slot.get<ConversationState>(FLOW_OWNER);
    if (draft) return [joined, ...this.askResume(turn, draft, flow)];
    if (!flow) return [joined, this.menu(lang)];
    return [joined, ...(await this.startFlow(flow, { ...turn, profile: { ...profile, joinCode: group.joinCode } }))];
  }

  private async cancel(turn: Turn): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { slot, lang } = turn;
    const active = slot.activeOwner;
    if (!active) return [{ text: t(lang, 'flow.nothingToCancel') }, this.menu(lang)];
    if (active !== FLOW_OWNER) {
      const handler = this.handlers.get(active);
      if (handler) return handler.cancel({ ...turn.ctx, draft: slot.get<ConversationState>(FLOW_OWNER, true) });
    }
    if (active === FLOW_OWNER) this.dropDraft(slot, slot.get<ConversationState>(FLOW_OWNER, true));
    else slot.release(active);
    return [{ text: t(lang, 'flow.cancelled') }, this.menu(lang)];
  }

  /** "You have an unfinished tip: continue it or start over?" Nothing is submitted or lost by asking. */
  private askResume(turn: Turn, draft: ConversationState, then?: Flow): OutboundMessage[] {
    const { t } = this.deps;
    const { lang, slot } = turn;
    const held = { ...draft, interrupted: true, thenFlow: then?.id };
    slot.hold(FLOW_OWNER, held, this.flowLifetime());
    return [{ text: t(lang, `draft.unfinished.${draft.flow}`), options: this.resumeOptions(lang, held) }];
  }

  private resumeOptions(lang: Lang, draft: ConversationState): Option[] {
    const { t } = this.deps;
    return [
      { id: RESUME, label: t(lang, `draft.continue.${draft.flow}`) },
      { id: draft.thenFlow ? `${RESTART}:${draft.thenFlow}` : RESTART, label: t(lang, 'draft.restart') },
    ];
  }

  /**
   * "Continue" or "start over" (`draft:restart`, or `draft:restart:<flow>` when a group's button or
   * a menu pick asked for a flow: that flow starts). A button pressed after the draft has gone
   * still does what it says: start over starts the flow, continue shows the menu.
   */
  private async answerResume(turn: Turn, draft: ConversationState | null, choice: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { lang, slot } = turn;
    if (choice === RESTART || choice.startsWith(`${RESTART}:`)) {
      const then = FLOW_BY_ID.get(choice.slice(RESTART.length + 1));
      if (draft) {
        this.dropDraft(slot, draft);
        this.deps.log('flow.cancelled', { flow: draft.flow, channel: turn.ctx.msg.channel });
      }
      const discarded = draft ? [{ text: t(lang, 'draft.discarded') }] : [];
      return then ? [...discarded, ...(await this.startFlow(then, turn))] : [...discarded, this.menu(lang)];
    }
    if (!draft) return [this.menu(lang)];
    const next = { ...draft, interrupted: false, thenFlow: undefined, updatedAt: this.clock() };
    slot.hold(FLOW_OWNER, next, this.flowLifetime());
    return [prompt(this.flowOf(next), next, this.engineContext(lang))];
  }

  private async menuChoice(turn: Turn, id: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { lang } = turn;
    const flow = FLOWS.find((f) => f.menuId === id);
    if (flow) return this.startFlow(flow, turn);
    switch (id) {
      case 'menu:join':
        return [{ text: t(lang, 'join.ask') }];
      case 'menu:lang':
        return [this.langMenu(lang)];
      case 'lang:vi':
      case 'lang:en':
        return this.setLang(turn, id.slice(5) as Lang);
      default:
        return [this.menu(lang)];
    }
  }

  private flowOf(state: ConversationState): Flow {
    return FLOW_BY_ID.get(state.flow) ?? DEFAULT_FLOW;
  }

  private flowLifetime(): number {
    return draftLifetimeMs(this.deps.limits.idleMs);
  }

  /** "You want to report *theft*, right?": the offer holds the chat until it is answered. */
  private offer(turn: Turn, offer: Offer, u: Understanding): OutboundMessage[] {
    turn.slot.hold(OFFER_OWNER, offer, this.flowLifetime());
    this.deps.log('understood.offer', { flow: offer.flow, category: offer.category, confidence: Math.round(u.confidence * 100) });
    return [offerMessage(offer, FLOW_BY_ID.get(offer.flow)!, this.deps.t, turn.lang)];
  }

  /** Greetings and thanks answered, "what can you do" shown the help, a question about a sent report led to the status lookup. */
  private async smallTalk(turn: Turn, u: Understanding): Promise<OutboundMessage[] | null> {
    const { t } = this.deps;
    const { lang } = turn;
    if (u.confidence < SMALL_TALK_SURE) return null;
    if (u.intent === 'greeting' || u.intent === 'thanks') return [{ text: t(lang, `understood.${u.intent}`) }, this.menu(lang)];
    if (u.intent === 'help') return [{ text: t(lang, 'menu.help') }, this.menu(lang)];
    const lookup = u.intent === 'status' ? this.features.find((f) => f.intents?.status)?.intents?.status : undefined;
    if (lookup) return this.onChoice(turn, lookup);
    return null;
  }

  /** The answer to "you want to report *theft*, right?": start that flow, show the menu, or read the message afresh. */
  private async answerOffer(turn: Turn, input: { choice?: string; text?: string }): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { slot, lang } = turn;
    const offer = slot.get<Offer>(OFFER_OWNER);
    const flow = offer && FLOW_BY_ID.get(offer.flow);
    if (!offer || !flow) {
      if (offer) slot.release(OFFER_OWNER);
      return [this.menu(lang)];
    }
    const answer = answerOf(offer, flow, t, lang, input);
    if (answer === 'unclear' && input.choice !== undefined) return [offerMessage(offer, flow, t, lang)];
    slot.release(OFFER_OWNER);
    if (answer === 'decline') return [{ text: t(lang, 'understood.declined') }, this.menu(lang)];
    // Anything else is a new message: read it as one (it may be the report itself, told better).
    if (answer === 'unclear') return this.onMessage(turn);
    const values: Record<string, string> = { [flow.categoryStep]: answer.accept };
    const prefilled = [flow.categoryStep];
    if (flow.storyStep) {
      values[flow.storyStep] = offer.story;
      prefilled.push(flow.storyStep);
    }
    return this.startFlow(flow, turn, { values, prefilled });
  }

  private async startFlow(
    flow: Flow,
    turn: Turn,
    opening?: { values: Record<string, string>; prefilled: string[] },
  ): Promise<OutboundMessage[]> {
    const { ctx, profile, lang, slot } = turn;
    const values: Record<string, string> = { ...opening?.values };
    if (profile.joinCode) {
      const group = await this.deps.directory.groupByJoinCode(profile.joinCode);
      if (group) Object.assign(values, { joinCode: group.joinCode, groupTitle: group.title });
    }
    const state = startState(flow, this.deps.newId(), { values, attachments: [] }, this.clock(), opening?.prefilled);
    slot.hold(FLOW_OWNER, state, this.flowLifetime());
    this.deps.log('flow.started', { flow: flow.id, channel: ctx.msg.channel });
    return [{ text: this.deps.t(lang, `${flow.id}.intro`) }, prompt(flow, state, this.engineContext(lang))];
  }

  private async continueFlow(turn: Turn, state: ConversationState): Promise<OutboundMessage[]> {
    const { ctx, lang, slot } = turn;
    const { msg } = ctx;
    const flow = this.flowOf(state);
    if (state.interrupted) {
      // Waiting for "continue or start over?": only those two answers, never a step's.
      const picked = msg.text ? matchOption(this.resumeOptions(lang, state), msg.text) : undefined;
      if (picked) return this.answerResume(turn, state, picked.id);
      return [
        { text: this.deps.t(lang, 'flow.pickOption') },
        { text: this.deps.t(lang, `draft.unfinished.${state.flow}`), options: this.resumeOptions(lang, state) },
      ];
    }
    if (msg.unsupported === CONTENT_WITHHELD) return withheld(this.deps.t, lang);
    if (msg.unsupported) return [{ text: this.deps.t(lang, unsupportedKey(msg)) }, prompt(flow, state, this.engineContext(lang))];
    const result = await advance(flow, state, msg, this.engineContext(lang));
    if (result.joinCode) await this.deps.profiles.update(msg.channel, msg.userId, { joinCode: result.joinCode });
    if (result.ended) {
      this.dropDraft(slot, state);
      this.deps.log('flow.cancelled', { flow: flow.id, channel: msg.channel });
      return [...result.replies, this.menu(lang)];
    }
    slot.hold(FLOW_OWNER, result.state, this.flowLifetime());
    if (result.submit) return [...result.replies, ...(await this.submit(flow, turn, result.state))];
    return result.replies;
  }

  /**
   * "Received" is said only after the queue has acknowledged the job. Until then the draft stays in
   * the slot, so if Redis or the queue is down the resident presses Confirm again later and
   * loses nothing; the case id and reference code are kept, so a second press is the same case.
   */
  private async submit(flow: Flow, turn: Turn, state: ConversationState): Promise<OutboundMessage[]> {
    const { t, intake, guards } = this.deps;
    const { ctx, lang, slot } = turn;
    const { msg } = ctx;
    const retry: OutboundMessage = { text: t(lang, 'submit.unavailable'), options: prompt(flow, state, this.engineContext(lang)).options };
    try {
      if (!state.refCode) {
        if (!(await guards.takeCaseAllowance(msg.channel, msg.userId))) {
          this.deps.log('case.capped', { channel: msg.channel });
          return [{ text: t(lang, 'submit.capped') }];
        }
        state.refCode = await intake.nextReferenceCode(flow.kind.id, new Date(this.clock()));
        // Written before the job is queued: a crash in between must not hand out a second code.
        slot.hold(FLOW_OWNER, state, this.flowLifetime());
        await turn.persist();
      }
      await intake.submit(this.toSubmission(flow, msg, state, lang));
    } catch (err) {
      this.deps.log('case.enqueue_failed', { caseId: state.caseId, error: err instanceof Error ? err.name : 'unknown' });
      return [retry];
    }
    slot.release(FLOW_OWNER);
    this.deps.log('case.submitted', { caseId: state.caseId, refCode: state.refCode, kind: flow.kind.id });
    return [
      {
        text: `${t(lang, `${flow.id}.received`, { code: state.refCode })}\n\n${t(lang, 'submit.safety')}\n${t(lang, 'submit.falseReport')}`,
      },
      this.menu(lang),
    ];
  }

  private toSubmission(flow: Flow, msg: InboundMessage, state: ConversationState, lang: Lang): CaseSubmission {
    const { values, location, attachments } = state.draft;
    const { joinCode, groupTitle: _title, contact, [flow.categoryStep]: category, ...fields } = values;
    const anonymous = flow.identityStep ? values[flow.identityStep] !== 'contact' : false;
    return {
      caseId: state.caseId,
      refCode: state.refCode!,
      kind: flow.kind.id,
      category,
      fields,
      location,
      attachments,
      anonymous,
      // Bound to this case and field (domain/case-seals.ts): copied into another case, neither opens.
      contactSealed: !anonymous && contact ? sealCaseField(this.deps.sealer, contact, state.caseId, 'contact') : undefined,
      replyTo: { channel: msg.channel, chatIdSealed: sealCaseField(this.deps.sealer, msg.chatId, state.caseId, 'replyTo') },
      reporterIndex: this.deps.reporterIndex(msg.channel, msg.userId),
      lang,
      joinCode: joinCode || undefined,
      submittedAt: new Date(this.clock()).toISOString(),
    };
  }

  private async join(msg: InboundMessage, code: string, lang: Lang): Promise<OutboundMessage[] | null> {
    const group = await this.deps.directory.groupByJoinCode(code);
    if (!group) return null;
    await this.deps.profiles.update(msg.channel, msg.userId, { joinCode: group.joinCode });
    return [{ text: this.deps.t(lang, 'flow.joined', { group: group.title }) }, this.menu(lang)];
  }

  private async setLang(turn: Turn, lang: Lang): Promise<OutboundMessage[]> {
    const { msg } = turn.ctx;
    await this.deps.profiles.update(msg.channel, msg.userId, { lang });
    const done = { text: this.deps.t(lang, 'lang.changed') };
    const state = turn.slot.get<ConversationState>(FLOW_OWNER);
    return [done, state ? prompt(this.flowOf(state), state, this.engineContext(lang)) : this.menu(lang)];
  }

  private menuOptions(lang: Lang): Option[] {
    const { t } = this.deps;
    const flows = FLOWS.map((f) => ({ id: f.menuId, label: t(lang, f.menuId.replace(':', '.')) }));
    const own = ['join', 'lang'].map((id) => ({ id: `menu:${id}`, label: t(lang, `menu.${id}`) }));
    const extra = this.features.flatMap((f) => f.menuItems?.(lang) ?? []);
    return [...flows, ...extra, ...own];
  }

  private menu(lang: Lang, intro = 'menu.title'): OutboundMessage {
    return { text: this.deps.t(lang, intro), options: this.menuOptions(lang) };
  }

  private langMenu(lang: Lang): OutboundMessage {
    return {
      text: this.deps.t(lang, 'lang.pick'),
      options: [
        { id: 'lang:vi', label: this.deps.t(lang, 'lang.vi') },
        { id: 'lang:en', label: this.deps.t(lang, 'lang.en') },
      ],
    };
  }

  private groupLinks(channel: ChannelName, joinCode: string, lang: Lang): OutboundMessage['links'] {
    const links = FLOWS.map((f) => ({
      label: this.deps.t(lang, `group.button.${f.id}`),
      url: this.deps.deepLink(channel, `${f.deepLinkPrefix}_${joinCode}`),
    }));
    return links.every((l): l is { label: string; url: string } => l.url !== null) ? links : undefined;
  }

  /** Where there are no deep links (Zalo, console), residents join with the code in private chat. */
  private groupJoinHint(channel: ChannelName, joinCode: string, lang: Lang): OutboundMessage | null {
    return this.deps.deepLink(channel, 'x') ? null : { text: this.deps.t(lang, 'group.joinCodeHint', { code: joinCode }) };
  }

  private groupAreaLine(areaCode: string | null, areaName: string | undefined, lang: Lang): string {
    return areaCode ? this.deps.t(lang, 'group.boundTo', { area: areaName ?? areaCode }) : this.deps.t(lang, 'group.notBound');
  }

  private engineContext(lang: Lang): EngineContext {
    const { t, directory, limits } = this.deps;
    return {
      t,
      lang,
      directory,
      maxTextLength: limits.maxTextLength,
      maxAttachments: limits.maxAttachments,
      storyJoinMs: limits.storyJoinMs,
      now: this.clock(),
      rank: (kind, text) => (kind === 'tip' || kind === 'mediation' ? this.deps.reader.rank(kind, text) : []),
    };
  }
}

/** `/start tip_KP1TO3`: the group button's payload (a flow's deep-link prefix, or `join`). */
function deepLinkOf(args: string): { prefix: string; joinCode: string } | null {
  const m = /^([a-z]+)_([A-Za-z0-9]{4,16})$/.exec(args.trim());
  if (!m || !DEEP_LINK_PREFIXES.has(m[1])) return null;
  return { prefix: m[1], joinCode: m[2] };
}

function langFromHint(hint: string | undefined): Lang | undefined {
  if (!hint) return undefined;
  const h = hint.toLowerCase();
  return h.startsWith('vi') ? 'vi' : h.startsWith('en') ? 'en' : undefined;
}

function replyLang(_r: OutboundMessage, lang: Lang, msg: InboundMessage): Lang {
  const switched = msg.choice?.startsWith('lang:')
    ? msg.choice.slice(5)
    : msg.command && ['lang', 'ngonngu'].includes(msg.command.name)
      ? msg.command.args.trim().toLowerCase()
      : '';
  return switched === 'vi' || switched === 'en' ? switched : lang;
}

function isMessage(m: OutboundMessage | null): m is OutboundMessage {
  return m !== null;
}

/** Content the platform withheld: the emergency numbers and why asking again cannot help. */
const withheld = (t: Translate, lang: Lang): OutboundMessage[] => [
  { text: t(lang, 'emergency.numbers'), urgent: true },
  { text: t(lang, 'errors.contentWithheld') },
];

/** A group message meant for the bot: its command, its button, a mention of it, or its arrival. */
function addressesBot(msg: InboundMessage): boolean {
  return Boolean(msg.command || msg.choice !== undefined || msg.mentionsBot || msg.botAddedToGroup);
}

/** What to say about a message the bot cannot take: a live location gets its own words (send a fixed one). */
function unsupportedKey(msg: InboundMessage): string {
  return msg.unsupported === LIVE_LOCATION ? 'errors.liveLocation' : 'errors.unsupported';
}

/** A size as people read it: whole MB from 1 MB, KB below ("10 MB", "64 KB"). */
function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${Math.max(1, Math.floor(bytes / 1024))} KB`;
}
