import { detectEmergency } from '../domain/emergency';
import { matchOption } from '../domain/option-match';
import { advance, isFlowState, prompt, startState, type EngineContext } from './engine';
import type { Feature, FeatureContext } from './feature';
import type { Flow } from './flow';
import { mediationFlow } from './mediation-flow';
import type { ChannelName, InboundMessage, Lang, Option, OutboundMessage } from './messages';
import type { CaseIntake, CaseSubmission, ChatLocks, ConversationState, Directory, Guards, Profiles, Sealer, SessionStore, Translate, UserProfile } from './ports';
import { tipFlow } from './tip-flow';

/**
 * The front door for every message from every channel: drops re-deliveries and floods, answers
 * emergencies first, routes commands, menus and flow answers, and hands confirmed drafts to the
 * case intake. Channels call `handle` and send back what it returns; nothing here knows which
 * platform it is talking to beyond the channel's name.
 */

export interface ConversationDeps {
  t: Translate;
  sessions: SessionStore;
  profiles: Profiles;
  intake: CaseIntake;
  directory: Directory;
  guards: Guards;
  sealer: Sealer;
  limits: { maxTextLength: number; maxAttachments: number; idleMs: number };
  defaultLang: Lang;
  /** A link that opens a private chat with the bot carrying `payload` (Telegram); null where the platform has none. */
  deepLink: (channel: ChannelName, payload: string) => string | null;
  newId: () => string;
  clock?: () => number;
  /** Privacy-safe events only: ids, codes and counts, never text, names or chat ids. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  /** Officer actions, broadcasts, the FAQ…: see feature.ts. */
  features?: Feature[];
  /** One message at a time per chat across replicas; without it, only within this process's caller. */
  locks?: ChatLocks;
}

const FLOWS: Record<ConversationState['flow'], Flow> = { tip: tipFlow, mediation: mediationFlow };
const JOIN_CODE = /^[A-Za-z0-9]{4,16}$/;

export class ConversationService {
  private readonly clock: () => number;

  constructor(private readonly deps: ConversationDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Everything the bot answers to this message, in order. Never throws: a failure becomes a polite reply. */
  async handle(msg: InboundMessage): Promise<OutboundMessage[]> {
    let lang: Lang = langFromHint(msg.languageHint) ?? this.deps.defaultLang;
    try {
      if (!(await this.deps.guards.firstDelivery(msg.channel, msg.updateId))) return [];
      // Residents chatting among themselves in a group are none of the bot's business: it reads
      // nothing of it, and a lively chat must not count towards the flood limit (which would
      // have the bot tell the group to slow down).
      if (msg.chatType === 'group' && !addressesBot(msg)) return [];
      const profile = await this.deps.profiles.get(msg.channel, msg.userId);
      lang = profile.lang ?? lang;
      const flood = await this.deps.guards.flood(msg.channel, msg.userId);
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
      const work = () => (msg.chatType === 'group' ? this.inGroup(msg, lang) : this.inPrivate(msg, profile, lang));
      const replies = this.deps.locks ? await this.deps.locks.run(`${msg.channel}:${msg.chatId}`, work) : await work();
      // Written in the language of the last word on it (a /lang switch answers in the new one).
      return replies.map((r) => ({ lang: replyLang(r, lang, msg), ...r }));
    } catch (err) {
      this.deps.log('conversation.error', { channel: msg.channel, error: err instanceof Error ? err.name : 'unknown' });
      return [{ text: this.deps.t(lang, 'errors.temporary') }];
    }
  }

  private async inGroup(msg: InboundMessage, lang: Lang): Promise<OutboundMessage[]> {
    const { t, directory } = this.deps;
    if (msg.botAddedToGroup) {
      const group = await directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
      this.deps.log('group.registered', { channel: msg.channel });
      return [{ text: `${t(lang, 'group.welcome')}\n\n${this.groupAreaLine(group.areaCode, group.areaName, lang)}`, links: this.groupLinks(msg.channel, group.joinCode, lang) }, this.groupJoinHint(msg.channel, group.joinCode, lang)].filter(isMessage);
    }
    const featured = await this.runFeatures({ msg, lang, profile: {}, draft: null, menu: () => this.menu(lang) });
    if (featured) return featured;
    // Privacy mode: in a group the bot answers its own commands only, and never collects a tip there.
    if (!msg.command) return [];
    switch (msg.command.name) {
      case 'start':
      case 'menu':
      case 'help':
      case 'baotin':
      case 'tip':
      case 'hoagiai':
      case 'mediation': {
        const group = await directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
        return [{ text: t(lang, 'group.howTo'), links: this.groupLinks(msg.channel, group.joinCode, lang) }, this.groupJoinHint(msg.channel, group.joinCode, lang)].filter(isMessage);
      }
      case 'khuvuc':
      case 'area': {
        const code = msg.command.args.trim().toLowerCase();
        if (!code) return [{ text: t(lang, 'group.areaUsage') }];
        await directory.registerGroup(msg.channel, msg.chatId, msg.groupTitle ?? '');
        const outcome = await directory.bindGroup(msg.channel, msg.chatId, code, msg.userId);
        this.deps.log('group.bind', { channel: msg.channel, outcome });
        return [{ text: t(lang, `group.bind.${outcome}`, { area: code }) }];
      }
      default:
        return [];
    }
  }

  private async inPrivate(msg: InboundMessage, profile: UserProfile, lang: Lang): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const key = `${msg.channel}:${msg.chatId}`;
    let state = await this.deps.sessions.get(key);
    const before: OutboundMessage[] = [];

    if (state && (this.clock() - state.updatedAt > this.deps.limits.idleMs || !isFlowState(FLOWS[state.flow] ?? tipFlow, state))) {
      await this.deps.sessions.delete(key);
      state = null;
      before.push({ text: t(lang, 'flow.expired') });
    }
    // The numbers come first, before any question: the bot is not an emergency service.
    let offerTip = false;
    if (msg.text && !msg.command && detectEmergency(msg.text).length > 0) {
      this.deps.log('emergency.detected', { channel: msg.channel });
      before.push({ text: t(lang, 'emergency.numbers') });
      offerTip = !state;
    }

    const ctx: FeatureContext = { msg, lang, profile, draft: state, menu: () => this.menu(lang) };
    // A feature may be waiting for exactly this text (a tipster answering an officer's question: "they robbed…").
    const featured = await this.runFeatures(ctx);
    if (featured) return [...before, ...featured];
    if (offerTip) return [...before, { text: t(lang, 'emergency.offerTip'), options: this.menuOptions(lang) }];

    if (msg.command) return [...before, ...(await this.command(msg, key, state, profile, lang))];
    if (msg.choice?.startsWith('menu:') || msg.choice?.startsWith('lang:')) return [...before, ...(await this.menuChoice(msg, msg.choice, key, state, profile, lang))];

    if (state) return [...before, ...(await this.continueFlow(msg, key, state, lang))];

    if (msg.unsupported) return [...before, { text: t(lang, 'errors.unsupported') }, this.menu(lang)];
    if (msg.text) {
      const picked = matchOption(this.menuOptions(lang), msg.text);
      if (picked && !picked.id.startsWith('menu:')) {
        // A feature's menu entry chosen by typing its number or words: hand it over as a button press.
        const pressed = await this.runFeatures({ ...ctx, msg: { ...msg, text: undefined, choice: picked.id } });
        if (pressed) return [...before, ...pressed];
      }
      if (picked) return [...before, ...(await this.menuChoice(msg, picked.id, key, state, profile, lang))];
      if (JOIN_CODE.test(msg.text.trim())) {
        const joined = await this.join(msg, msg.text.trim(), lang);
        if (joined) return [...before, ...joined];
      }
    }
    if (msg.attachments?.length || msg.location) return [...before, { text: t(lang, 'errors.mediaOutsideFlow') }, this.menu(lang)];
    if (msg.text) {
      for (const f of this.deps.features ?? []) {
        const answer = await f.fallback?.(ctx);
        if (answer) return [...before, ...answer];
      }
    }
    return [...before, { text: t(lang, 'errors.notUnderstood') }, this.menu(lang)];
  }

  private async runFeatures(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    for (const f of this.deps.features ?? []) {
      const answer = await f.handle(ctx);
      if (answer) return answer;
    }
    return null;
  }

  private async command(msg: InboundMessage, key: string, state: ConversationState | null, profile: UserProfile, lang: Lang): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { name, args } = msg.command!;
    switch (name) {
      case 'start': {
        // Deep link from a group: tip_<joinCode> or hg_<joinCode> carries the group (and so the area).
        const m = /^(tip|hg|join)_([A-Za-z0-9]{4,16})$/.exec(args.trim());
        if (!m) return [this.menu(lang, 'menu.welcome')];
        const group = await this.deps.directory.groupByJoinCode(m[2]);
        if (!group) return [{ text: t(lang, 'flow.unknownJoinCode') }, this.menu(lang)];
        await this.deps.profiles.update(msg.channel, msg.userId, { joinCode: group.joinCode });
        const joined = { text: t(lang, 'flow.joined', { group: group.title }) };
        if (m[1] === 'join') return [joined, this.menu(lang)];
        return [joined, ...(await this.startFlow(m[1] === 'tip' ? tipFlow : mediationFlow, msg, key, { ...profile, joinCode: group.joinCode }, lang))];
      }
      case 'menu':
        return [this.menu(lang)];
      case 'help':
      case 'trogiup':
        return [{ text: t(lang, 'menu.help') }, this.menu(lang)];
      case 'baotin':
      case 'tip':
        return this.startFlow(tipFlow, msg, key, profile, lang);
      case 'hoagiai':
      case 'mediation':
        return this.startFlow(mediationFlow, msg, key, profile, lang);
      case 'huy':
      case 'cancel':
        if (!state) return [{ text: t(lang, 'flow.nothingToCancel') }, this.menu(lang)];
        await this.deps.sessions.delete(key);
        return [{ text: t(lang, 'flow.cancelled') }, this.menu(lang)];
      case 'lang':
      case 'ngonngu': {
        const wanted = args.trim().toLowerCase();
        if (wanted === 'vi' || wanted === 'en') return this.setLang(msg, wanted, state);
        return [this.langMenu(lang)];
      }
      case 'thamgia':
      case 'join': {
        const code = args.trim();
        if (!code) return [{ text: t(lang, 'join.usage') }];
        return (await this.join(msg, code, lang)) ?? [{ text: t(lang, 'flow.unknownJoinCode') }];
      }
      default:
        return [{ text: t(lang, 'errors.unknownCommand', { command: `/${name}`.slice(0, 40) }) }, state ? prompt(FLOWS[state.flow], state, this.engineContext(lang)) : this.menu(lang)];
    }
  }

  private async menuChoice(msg: InboundMessage, id: string, key: string, state: ConversationState | null, profile: UserProfile, lang: Lang): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    switch (id) {
      case 'menu:tip':
        return this.startFlow(tipFlow, msg, key, profile, lang);
      case 'menu:mediation':
        return this.startFlow(mediationFlow, msg, key, profile, lang);
      case 'menu:join':
        return [{ text: t(lang, 'join.ask') }];
      case 'menu:lang':
        return [this.langMenu(lang)];
      case 'lang:vi':
      case 'lang:en':
        return this.setLang(msg, id.slice(5) as Lang, state);
      default:
        return [this.menu(lang)];
    }
  }

  private async startFlow(flow: Flow, msg: InboundMessage, key: string, profile: UserProfile, lang: Lang): Promise<OutboundMessage[]> {
    const values: Record<string, string> = {};
    if (profile.joinCode) {
      const group = await this.deps.directory.groupByJoinCode(profile.joinCode);
      if (group) Object.assign(values, { joinCode: group.joinCode, groupTitle: group.title });
    }
    const state = startState(flow, this.deps.newId(), { values, attachments: [] }, this.clock());
    await this.deps.sessions.set(key, state);
    this.deps.log('flow.started', { flow: flow.id, channel: msg.channel });
    return [{ text: this.deps.t(lang, `${flow.id}.intro`) }, prompt(flow, state, this.engineContext(lang))];
  }

  private async continueFlow(msg: InboundMessage, key: string, state: ConversationState, lang: Lang): Promise<OutboundMessage[]> {
    const flow = FLOWS[state.flow];
    if (msg.unsupported) return [{ text: this.deps.t(lang, 'errors.unsupported') }, prompt(flow, state, this.engineContext(lang))];
    const result = await advance(flow, state, msg, this.engineContext(lang));
    if (result.joinCode) await this.deps.profiles.update(msg.channel, msg.userId, { joinCode: result.joinCode });
    if (result.ended) {
      await this.deps.sessions.delete(key);
      this.deps.log('flow.cancelled', { flow: flow.id, channel: msg.channel });
      return [...result.replies, this.menu(lang)];
    }
    await this.deps.sessions.set(key, result.state);
    if (result.submit) return [...result.replies, ...(await this.submit(flow, msg, key, result.state, lang))];
    return result.replies;
  }

  /**
   * "Received" is said only after the queue has acknowledged the job. Until then the draft stays in
   * the session, so if Redis or the queue is down the resident presses Confirm again later and
   * loses nothing; the case id and reference code are kept, so a second press is the same case.
   */
  private async submit(flow: Flow, msg: InboundMessage, key: string, state: ConversationState, lang: Lang): Promise<OutboundMessage[]> {
    const { t, intake, guards } = this.deps;
    const retry: OutboundMessage = { text: t(lang, 'submit.unavailable'), options: prompt(flow, state, this.engineContext(lang)).options };
    try {
      if (!state.refCode) {
        if (!(await guards.takeCaseAllowance(msg.channel, msg.userId))) {
          this.deps.log('case.capped', { channel: msg.channel });
          return [{ text: t(lang, 'submit.capped') }];
        }
        state.refCode = await intake.nextReferenceCode(flow.kind, new Date(this.clock()));
        await this.deps.sessions.set(key, state);
      }
      await intake.submit(this.toSubmission(flow, msg, state, lang));
    } catch (err) {
      this.deps.log('case.enqueue_failed', { caseId: state.caseId, error: err instanceof Error ? err.name : 'unknown' });
      return [retry];
    }
    await this.deps.sessions.delete(key);
    this.deps.log('case.submitted', { caseId: state.caseId, refCode: state.refCode, kind: flow.kind });
    return [{ text: `${t(lang, `${flow.id}.received`, { code: state.refCode })}\n\n${t(lang, 'submit.safety')}\n${t(lang, 'submit.falseReport')}` }, this.menu(lang)];
  }

  private toSubmission(flow: Flow, msg: InboundMessage, state: ConversationState, lang: Lang): CaseSubmission {
    const { values, location, attachments } = state.draft;
    const { joinCode, groupTitle: _title, contact, [flow.categoryStep]: category, ...fields } = values;
    const anonymous = flow.kind === 'tip' ? values.identity !== 'contact' : false;
    return {
      caseId: state.caseId,
      refCode: state.refCode!,
      kind: flow.kind,
      category,
      fields,
      location,
      attachments,
      anonymous,
      contactSealed: !anonymous && contact ? this.deps.sealer.seal(contact) : undefined,
      replyTo: { channel: msg.channel, chatIdSealed: this.deps.sealer.seal(msg.chatId) },
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

  private async setLang(msg: InboundMessage, lang: Lang, state: ConversationState | null): Promise<OutboundMessage[]> {
    await this.deps.profiles.update(msg.channel, msg.userId, { lang });
    const done = { text: this.deps.t(lang, 'lang.changed') };
    return [done, state ? prompt(FLOWS[state.flow], state, this.engineContext(lang)) : this.menu(lang)];
  }

  private menuOptions(lang: Lang): Option[] {
    const { t } = this.deps;
    const own = ['tip', 'mediation', 'join', 'lang'].map((id) => ({ id: `menu:${id}`, label: t(lang, `menu.${id}`) }));
    const extra = (this.deps.features ?? []).flatMap((f) => f.menuItems?.(lang) ?? []);
    return [...own.slice(0, 2), ...extra, ...own.slice(2)];
  }

  private menu(lang: Lang, intro = 'menu.title'): OutboundMessage {
    return { text: this.deps.t(lang, intro), options: this.menuOptions(lang) };
  }

  private langMenu(lang: Lang): OutboundMessage {
    return { text: this.deps.t(lang, 'lang.pick'), options: [{ id: 'lang:vi', label: this.deps.t(lang, 'lang.vi') }, { id: 'lang:en', label: this.deps.t(lang, 'lang.en') }] };
  }

  private groupLinks(channel: ChannelName, joinCode: string, lang: Lang): OutboundMessage['links'] {
    const tip = this.deps.deepLink(channel, `tip_${joinCode}`);
    const hg = this.deps.deepLink(channel, `hg_${joinCode}`);
    if (!tip || !hg) return undefined;
    return [
      { label: this.deps.t(lang, 'group.tipButton'), url: tip },
      { label: this.deps.t(lang, 'group.mediationButton'), url: hg },
    ];
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
    return { t, lang, directory, maxTextLength: limits.maxTextLength, maxAttachments: limits.maxAttachments, now: this.clock() };
  }
}

function langFromHint(hint: string | undefined): Lang | undefined {
  if (!hint) return undefined;
  const h = hint.toLowerCase();
  return h.startsWith('vi') ? 'vi' : h.startsWith('en') ? 'en' : undefined;
}

function replyLang(_r: OutboundMessage, lang: Lang, msg: InboundMessage): Lang {
  const switched = msg.choice?.startsWith('lang:') ? msg.choice.slice(5) : msg.command && ['lang', 'ngonngu'].includes(msg.command.name) ? msg.command.args.trim().toLowerCase() : '';
  return switched === 'vi' || switched === 'en' ? switched : lang;
}

function isMessage(m: OutboundMessage | null): m is OutboundMessage {
  return m !== null;
}

/** A group message meant for the bot: its command, its button, a mention of it, or its arrival. */
function addressesBot(msg: InboundMessage): boolean {
  return Boolean(msg.command || msg.choice !== undefined || msg.mentionsBot || msg.botAddedToGroup);
}
