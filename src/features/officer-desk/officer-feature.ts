import {
  CASE_STATUSES,
  isCaseOutcome,
  isStaff,
  questionsStopped,
  refusalFor,
  type CaseStatus,
  type DeskAction,
  type Refusal,
} from '../../domain/case-workflow';
import { matchOption } from '../../domain/option-match';
import { CASE_KINDS } from '../reporting/flows';
import { isCourtesy } from '../../domain/courtesy';
import { stopRequest } from '../../domain/stop-questions';
import { fold, normalise, truncate } from '../../domain/text';
import type { CommandSpec } from '../../conversations/command-table';
import type { Feature, FeatureContext, HeldConversationHandler } from '../../conversations/feature';
import type { ChannelName, Lang, Option, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { CaseDesk, ChangeResult, DeskCase, DeskMessenger, DeskStaff, DeskState, Escalations, Pending, RelayTicket } from './ports';
import { CaseActions, RELAY, RELAY_STOP } from './case-actions';
import { actFromWeb, type WebAction, type WebActionOutcome } from './web-actions';
import {
  actionOptions,
  BUTTON_CHANNELS,
  caseCallback,
  caseCard,
  caseView,
  categoryLabel,
  listLine,
  outcomeLabel,
  outcomeOptions,
  parseCaseCallback,
  residentStatus,
  statsText,
  statusLabel,
  withCaseActions,
  type RenderContext,
} from './render';

/**
 * The officer desk: what officers, supervisors and mediators do with the cases they receive, the
 * resident's `/trangthai`, and the anonymous relay of questions and answers between an officer and
 * a tipster. Everything is reached the same way on every platform: buttons on Telegram
 * (`case:ack:<caseId>`…), commands (`/nhan TB-2611-0042`…) and numbered answers on Zalo and the
 * console. Every staff action checks the role and the area (domain/case-workflow `refusalFor`);
 * residents who try one are refused politely and the refusal is logged without who they are.
 */

export interface OfficerDeskDeps {
  t: Translate;
  desk: CaseDesk;
  messenger: DeskMessenger;
  state: DeskState;
  escalations: Escalations;
  /** Privacy-safe events only: ids, codes, counts and reasons. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  newId: () => string;
  clock?: () => number;
  pageSize?: number;
  timeZone?: string;
  /** Longest note, question or answer kept, in characters. */
  maxTextLength?: number;
  /** How long a tipster's answer to an officer's question is waited for. */
  relayTtlMs: number;
  /** Questions per case, and how long after the tipster's last message questions may still be asked. */
  relayBounds?: { questionsPerCase: number; idleMs: number };
}

type StaffCommand = 'ack' | 'note' | 'ask' | 'resolve' | 'reassign' | 'view' | 'list' | 'stats' | 'help';
type Command = StaffCommand | 'status';

/** Vietnamese command names first (what the README teaches), English ones as aliases. */
const COMMANDS: Record<string, Command> = {
  nhan: 'ack',
  ack: 'ack',
  ghichu: 'note',
  note: 'note',
  hoi: 'ask',
  ask: 'ask',
  xong: 'resolve',
  done: 'resolve',
  resolve: 'resolve',
  chuyen: 'reassign',
  reassign: 'reassign',
  xem: 'view',
  case: 'view',
  vuviec: 'list',
  cases: 'list',
  thongke: 'stats',
  stats: 'stats',
  canbo: 'help',
  officer: 'help',
  trangthai: 'status',
  status: 'status',
};

/**
 * `/hoi` is also the FAQ's "ask a question" (conversations/faq): it is the officer's question to a
 * tipster only when a reference code follows it; the command table sends anything else to the FAQ.
 */
const SPLIT_ON_CODE: Record<string, (args: string) => boolean> = {
  hoi: (args) => CASE_KINDS.parseReference(args.trim().split(/\s+/)[0] ?? '') !== null,
};

/** The desk's slot owners: an officer's half-done action, and a tipster's pending answer. */
const DESK = 'desk';
/** `askedBy` of a superadmin without an officer record (see DeskStaff.actingAs): no area to re-check. */
const SUPERADMIN = 'superadmin';
const PENDING_TTL_MS = 15 * 60_000;
const RELAY_YES = 'relay:yes';
const RELAY_NO = 'relay:no';

const ACTION_OF: Record<'ack' | 'note' | 'ask' | 'resolve' | 'reassign' | 'view', DeskAction> = {
  ack: 'ack',
  note: 'note',
  ask: 'ask',
  resolve: 'resolve',
  reassign: 'reassign',
  view: 'view',
};

const STATUS_MENU_ID = 'status:ask';
const LIST_PREFIX = 'desk:list:';
const OPEN: CaseStatus[] = ['new', 'acknowledged'];
const STATUS_WORDS: Record<string, CaseStatus[]> = {
  moi: ['new'],
  new: ['new'],
  tiepnhan: ['acknowledged'],
  'da tiep nhan': ['acknowledged'],
  dangxuly: ['acknowledged'],
  'dang xu ly': ['acknowledged'],
  acknowledged: ['acknowledged'],
  ack: ['acknowledged'],
  xong: ['resolved'],
  'da xong': ['resolved'],
  ketthuc: ['resolved'],
  'ket thuc': ['resolved'],
  resolved: ['resolved'],
  closed: ['resolved'],
  tatca: [...CASE_STATUSES],
  'tat ca': [...CASE_STATUSES],
  all: [...CASE_STATUSES],
};

export class OfficerDeskFeature implements Feature {
  readonly name = 'officer-desk';
  private readonly clock: () => number;
  private readonly pageSize: number;
  private readonly maxText: number;
  private readonly actions: CaseActions;

  constructor(private readonly deps: OfficerDeskDeps) {
    this.clock = deps.clock ?? Date.now;
    this.pageSize = deps.pageSize ?? 8;
    this.maxText = deps.maxTextLength ?? 2000;
    this.actions = new CaseActions(deps, this.clock);
  }

  menuItems(lang: Lang): Option[] {
    return [{ id: STATUS_MENU_ID, label: this.deps.t(lang, 'officer.statusMenu') }];
  }

  readonly commands: CommandSpec[] = (() => {
    const byCommand = new Map<Command, string[]>();
    for (const [name, command] of Object.entries(COMMANDS))
      if (!SPLIT_ON_CODE[name]) byCommand.set(command, [...(byCommand.get(command) ?? []), name]);
    const spec = (names: string[], command: Command, when?: (args: string) => boolean): CommandSpec => ({
      names,
      owner: this.name,
      where: 'both',
      when,
      run: (ctx) => this.command(ctx, command),
    });
    return [
      ...[...byCommand].map(([command, names]) => spec(names, command)),
      ...Object.entries(SPLIT_ON_CODE).map(([name, when]) => spec([name], COMMANDS[name], when)),
    ];
  })();

  readonly choices = {
    prefixes: ['case:', LIST_PREFIX, STATUS_MENU_ID, 'relay:'],
    run: (ctx: FeatureContext) => this.choice(ctx),
  };

  /** "tin tôi báo hôm qua sao rồi": a resident asking after a report gets the status lookup. */
  readonly intents = { status: STATUS_MENU_ID };

  readonly conversations: Record<string, HeldConversationHandler> = {
    [DESK]: {
      continue: (ctx) => this.continuePending(ctx),
      cancel: async (ctx) => {
        ctx.slot.release(DESK);
        return [{ text: this.t(ctx, 'officer.cancelled') }];
      },
    },
    // A question from an officer waits for its answer whatever else the tipster does meanwhile.
    [RELAY]: {
      keepOnCommand: true,
      // A photo answering an officer's question is evidence of the case like the tip's own.
      keepsEvidence: true,
      continue: (ctx) => this.relayContinue(ctx),
      cancel: async (ctx) => {
        const relay = ctx.slot.get<RelayTicket>(RELAY);
        ctx.slot.release(RELAY);
        if (!relay) return [ctx.menu()];
        this.deps.log('relay.declined', { caseId: relay.caseId });
        return [{ text: this.t(ctx, 'officer.relay.declined', { code: relay.refCode }) }];
      },
    },
  };

  private async command(ctx: FeatureContext, command: Command): Promise<OutboundMessage[]> {
    const { msg } = ctx;
    // Cases are never discussed in a group, which may include the person reported on.
    if (msg.chatType === 'group') return [{ text: this.t(ctx, 'officer.privateOnly') }];
    ctx.slot.release(DESK);
    return command === 'status' ? this.statusCommand(ctx, msg.command!.args) : this.staffCommand(ctx, command, msg.command!.args);
  }

  private async choice(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const choice = ctx.msg.choice!;
    if (ctx.msg.chatType === 'group') return [];
    if (choice.startsWith(RELAY_STOP)) return this.stopQuestions(ctx, choice.slice(RELAY_STOP.length));
    if (choice.startsWith('relay:')) return (await this.relayContinue(ctx)) ?? [{ text: this.t(ctx, 'officer.staleButton') }];
    if (choice === STATUS_MENU_ID) {
      ctx.slot.hold<Pending>(DESK, { kind: 'status' }, PENDING_TTL_MS);
      return [{ text: this.t(ctx, 'officer.statusAsk') }];
    }
    ctx.slot.release(DESK);
    return this.staffChoice(ctx, choice);
  }

  // ───────────── staff ─────────────

  private async staffCommand(ctx: FeatureContext, command: StaffCommand, args: string): Promise<OutboundMessage[]> {
    const staff = await this.deps.desk.staff(ctx.msg.channel, ctx.msg.userId);
    if (!isStaff(staff)) return this.refuse(ctx, staff ? 'inactive' : 'not_staff', command);
    switch (command) {
      case 'help':
        return [{ text: this.t(ctx, 'officer.help') }];
      case 'list': {
        const filter = this.parseListFilter(args);
        if (!filter) return [{ text: this.t(ctx, 'officer.usage.list') }];
        return this.list(ctx, staff, filter.statuses, filter.category, 0);
      }
      case 'stats':
        return this.stats(ctx, staff, args);
      default: {
        const [first = ''] = args.trim().split(/\s+/);
        const code = CASE_KINDS.parseReference(first);
        if (!code) return [{ text: this.t(ctx, `officer.usage.${command}`) }];
        const c = await this.deps.desk.byRef(code);
        if (!c) return [{ text: this.t(ctx, 'officer.notFound', { code }) }];
        const rest = args.trim().slice(first.length).trim();
        return this.act(ctx, staff, c, command, rest);
      }
    }
  }

  private async staffChoice(ctx: FeatureContext, choice: string): Promise<OutboundMessage[]> {
    const staff = await this.deps.desk.staff(ctx.msg.channel, ctx.msg.userId);
    if (!isStaff(staff)) return this.refuse(ctx, staff ? 'inactive' : 'not_staff', 'button');
    if (choice.startsWith(LIST_PREFIX)) {
      const [offset, status, category] = choice.slice(LIST_PREFIX.length).split(':');
      const statuses =
        status === 'open'
          ? OPEN
          : status === 'all'
            ? [...CASE_STATUSES]
            : (CASE_STATUSES as readonly string[]).includes(status)
              ? [status as CaseStatus]
              : OPEN;
      return this.list(ctx, staff, statuses, category && category !== '-' ? category : undefined, Math.max(0, Number(offset) || 0));
    }
    const parsed = parseCaseCallback(choice);
    if (!parsed) return [{ text: this.t(ctx, 'officer.staleButton') }];
    const c = await this.deps.desk.byId(parsed.caseId);
    if (!c) return [{ text: this.t(ctx, 'officer.staleButton') }];
    switch (parsed.verb) {
      case 'ack':
        return this.act(ctx, staff, c, 'ack', '');
      case 'note':
        return this.act(ctx, staff, c, 'note', '');
      case 'ask':
        return this.act(ctx, staff, c, 'ask', '');
      case 'done':
        return this.act(ctx, staff, c, 'resolve', '');
      case 'move':
        return this.act(ctx, staff, c, 'reassign', '');
      case 'view':
        return this.act(ctx, staff, c, 'view', '');
      case 'out':
        return this.act(ctx, staff, c, 'resolve', parsed.arg ?? '');
      case 'to':
        return this.act(ctx, staff, c, 'reassign', parsed.arg ?? '');
    }
  }

  /** One action on one case, after the role and area check. `arg` is the text, outcome or pick. */
  private async act(
    ctx: FeatureContext,
    staff: DeskStaff,
    c: DeskCase,
    command: keyof typeof ACTION_OF,
    arg: string,
  ): Promise<OutboundMessage[]> {
    const refusal = refusalFor(staff, ACTION_OF[command], { ...c, handledByMediators: CASE_KINDS.get(c.kind).handledByMediators });
    if (refusal) return this.refuse(ctx, refusal, command, c);
    switch (command) {
      case 'view':
        return this.view(ctx, c);
      case 'ack': {
        const result = await this.actions.change(ctx.updateChat, c, { action: 'ack', by: staff.actingAs });
        if (result.outcome === 'unchanged')
          return [{ text: this.t(ctx, 'officer.done.alreadyAcknowledged', { code: c.refCode }) }, await this.card(ctx, result.case)];
        return this.confirm(ctx, result, 'officer.done.acknowledged');
      }
      case 'note':
      case 'ask': {
        const bound = command === 'ask' ? this.actions.relayRefusal(c) : null;
        if (bound) return [{ text: this.t(ctx, bound.key, bound.params) }];
        const text = arg ? truncate(normalise(arg), this.maxText) : '';
        if (!text) {
          ctx.slot.hold<Pending>(DESK, { kind: 'compose', caseId: c.caseId, what: command }, PENDING_TTL_MS);
          return [{ text: this.t(ctx, `officer.compose.${command}`, { code: c.refCode }) }];
        }
        const result = await this.actions.change(ctx.updateChat, c, { action: command, by: staff.actingAs, note: text });
        if (result.outcome === 'done' && command === 'ask')
          await this.actions.sendQuestion(ctx.updateChat, staff, result.case, text, ctx.lang, {
            channel: ctx.msg.channel,
            chatId: ctx.msg.chatId,
          });
        return this.confirm(ctx, result, command === 'ask' ? 'officer.done.asked' : 'officer.done.noted');
      }
      case 'resolve': {
        if (!arg)
          return this.offer(ctx, {
            text: this.t(ctx, 'officer.pickOutcome', { code: c.refCode }),
            options: outcomeOptions(c, this.rc(ctx)),
          });
        if (!isCaseOutcome(arg) || !CASE_KINDS.get(c.kind).outcomes.includes(arg)) return [{ text: this.t(ctx, 'officer.staleButton') }];
        const result = await this.actions.change(ctx.updateChat, c, { action: 'resolve', by: staff.actingAs, outcome: arg });
        return this.confirm(ctx, result, 'officer.done.resolved', { outcome: outcomeLabel(this.deps.t, ctx.lang, arg) });
      }
      case 'reassign': {
        const colleagues = await this.deps.desk.colleagues(c);
        if (!arg) {
          if (colleagues.length === 0) return [{ text: this.t(ctx, 'officer.noColleagues', { code: c.refCode }) }];
          const options = colleagues.map((o, i) => ({
            id: caseCallback('to', c.caseId, i),
            label: `${o.name} (${o.officerId})${o.officerId === c.assignedTo ? ' ✓' : ''}`,
          }));
          return this.offer(ctx, { text: this.t(ctx, 'officer.pickOfficer', { code: c.refCode }), options });
        }
        const target = colleagues[Number(arg)];
        if (!/^\d{1,3}$/.test(arg) || !target) return [{ text: this.t(ctx, 'officer.staleButton') }];
        const result = await this.actions.change(ctx.updateChat, c, { action: 'reassign', by: staff.actingAs, to: target.officerId });
        if (result.outcome === 'done') await this.actions.handOver(staff, result, target.officerId);
        if (result.outcome === 'unchanged')
          return [{ text: this.t(ctx, 'officer.done.alreadyAssigned', { code: c.refCode, name: target.name }) }];
        return this.confirm(ctx, result, 'officer.done.reassigned', { name: target.name });
      }
    }
  }

  /**
   * An action taken on the web dashboard (src/features/dashboard): the same rules, history entries
   * and follow-up as the chat's (web-actions.ts).
   */
  actFromWeb(staff: DeskStaff, c: DeskCase, action: WebAction, updateChat: FeatureContext['updateChat']): Promise<WebActionOutcome> {
    return actFromWeb({ deps: this.deps, actions: this.actions, maxText: this.maxText }, staff, c, action, updateChat);
  }

  private async confirm(
    ctx: FeatureContext,
    result: ChangeResult,
    key: string,
    params: Record<string, unknown> = {},
  ): Promise<OutboundMessage[]> {
    if (result.outcome === 'missing') return [{ text: this.t(ctx, 'officer.staleButton') }];
    const c = result.case;
    if (result.outcome === 'closed') return [{ text: this.t(ctx, 'officer.refused.closed', { code: c.refCode }) }, await this.card(ctx, c)];
    return [{ text: this.t(ctx, key, { code: c.refCode, ...params }) }, await this.card(ctx, c)];
  }

  /** The case card with what can be done next. */
  private async card(ctx: FeatureContext, c: DeskCase): Promise<OutboundMessage> {
    return this.withActions(ctx, c, caseCard(c, { ...this.rc(ctx), assigneeName: await this.assigneeName(c) }));
  }

  /** `/xem`: the whole case as its alert showed it (the contact only if the tipster gave it), its state, then pin and media. */
  private async view(ctx: FeatureContext, c: DeskCase): Promise<OutboundMessage[]> {
    const [first, ...media] = caseView(c, {
      ...this.rc(ctx),
      assigneeName: await this.assigneeName(c),
      contact: this.deps.desk.contact(c),
    });
    return [await this.withActions(ctx, c, first.text), ...media];
  }

  private async assigneeName(c: DeskCase): Promise<string | undefined> {
    return c.assignedTo ? (await this.deps.desk.officer(c.assignedTo))?.name : undefined;
  }

  /** What can be done next: buttons, or numbered options remembered for a typed answer. */
  private async withActions(ctx: FeatureContext, c: DeskCase, text: string): Promise<OutboundMessage> {
    const options = actionOptions(c, this.rc(ctx));
    if (options.length === 0) return { text };
    return (await this.offer(ctx, { text, options }))[0];
  }

  /** Options are buttons on Telegram; elsewhere numbered, and the numbers are remembered for the reply. */
  private async offer(ctx: FeatureContext, m: OutboundMessage): Promise<OutboundMessage[]> {
    if (!BUTTON_CHANNELS.has(ctx.msg.channel) && m.options?.length)
      ctx.slot.hold<Pending>(DESK, { kind: 'pick', options: m.options }, PENDING_TTL_MS);
    return [m];
  }

  private async list(
    ctx: FeatureContext,
    staff: DeskStaff,
    statuses: CaseStatus[],
    category: string | undefined,
    offset: number,
  ): Promise<OutboundMessage[]> {
    const { items, total } = await this.deps.desk.list(staff, { statuses, category, offset, limit: this.pageSize });
    const scope = (await this.deps.desk.scopeName(staff)) ?? this.t(ctx, 'officer.everywhere');
    const statusKey = statuses.length === CASE_STATUSES.length ? 'all' : statuses.length === 1 ? statuses[0] : 'open';
    const filterLabel = [
      statusKey === 'open'
        ? this.t(ctx, 'officer.list.open')
        : statusKey === 'all'
          ? this.t(ctx, 'officer.list.all')
          : statusLabel(this.deps.t, ctx.lang, statusKey as CaseStatus),
      category ? this.categoryName(ctx.lang, category) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    if (total === 0) return [{ text: this.t(ctx, 'officer.list.empty', { filter: filterLabel, scope }) }];
    const pages = Math.ceil(total / this.pageSize);
    const page = Math.floor(offset / this.pageSize) + 1;
    const lines = [
      this.t(ctx, 'officer.list.title', { filter: filterLabel, scope, total, page, pages }),
      ...items.map((c, i) => `${offset + i + 1}. ${listLine(c, this.rc(ctx))}`),
      '',
      this.t(ctx, 'officer.list.hint'),
    ];
    const options: Option[] = items.map((c) => ({
      id: caseCallback('view', c.caseId),
      label: `${c.refCode} · ${statusLabel(this.deps.t, ctx.lang, c.status)}`,
    }));
    const cat = category ?? '-';
    if (offset > 0)
      options.push({
        id: `${LIST_PREFIX}${Math.max(0, offset - this.pageSize)}:${statusKey}:${cat}`,
        label: this.t(ctx, 'officer.list.previous'),
      });
    if (offset + this.pageSize < total)
      options.push({ id: `${LIST_PREFIX}${offset + this.pageSize}:${statusKey}:${cat}`, label: this.t(ctx, 'officer.list.next') });
    return this.offer(ctx, { text: lines.join('\n'), options });
  }

  /** `/vuviec [moi|tiepnhan|xong|tatca] [category]`: null when a word is neither. */
  private parseListFilter(args: string): { statuses: CaseStatus[]; category?: string } | null {
    let statuses = OPEN;
    const rest: string[] = [];
    const folded = fold(args);
    const two = folded.split(' ').filter(Boolean);
    for (let i = 0; i < two.length; i++) {
      const pair = `${two[i]} ${two[i + 1] ?? ''}`.trim();
      if (STATUS_WORDS[pair] && i + 1 < two.length) {
        statuses = STATUS_WORDS[pair];
        i++;
      } else if (STATUS_WORDS[two[i]]) statuses = STATUS_WORDS[two[i]];
      else rest.push(two[i]);
    }
    if (rest.length === 0) return { statuses };
    const wanted = rest.join(' ');
    const all = CASE_KINDS.all.flatMap((k) => k.categories.map((c) => [k.id, c] as const));
    const byId = all.find(([, c]) => fold(c) === wanted || c === rest.join('_'));
    if (byId) return { statuses, category: byId[1] };
    const options = all.flatMap(([kind, c]) =>
      (['vi', 'en'] as const).map((lang) => ({ id: c, label: categoryLabel(this.deps.t, lang, kind, c) })),
    );
    const picked = matchOption(options, wanted);
    return picked ? { statuses, category: picked.id } : null;
  }

  private categoryName(lang: Lang, category: string): string {
    const kind = CASE_KINDS.kindOfCategory(category)?.id ?? CASE_KINDS.ids[0];
    return categoryLabel(this.deps.t, lang, kind, category);
  }

  private async stats(ctx: FeatureContext, staff: DeskStaff, args: string): Promise<OutboundMessage[]> {
    const raw = args.trim();
    const days = raw === '' ? 30 : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 366) return [{ text: this.t(ctx, 'officer.usage.stats') }];
    const since = new Date(this.clock() - days * 86_400_000);
    const [s, scopeName] = await Promise.all([this.deps.desk.stats(staff, since), this.deps.desk.scopeName(staff)]);
    const scope = scopeName ?? this.t(ctx, 'officer.everywhere');
    this.deps.log('desk.stats', { days, total: s.total });
    return [{ text: statsText(s, this.t(ctx, 'officer.stats.title', { days, scope }), this.rc(ctx)) }];
  }

  /** A typed answer to what the officer was asked last: a note's text, a question, a number from a list. */
  private async continuePending(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    const { msg } = ctx;
    const pending = ctx.slot.get<Pending>(DESK);
    if (!pending) return null;
    if (pending.kind === 'status') {
      ctx.slot.release(DESK);
      return this.statusCommand(ctx, msg.text ?? '');
    }
    if (pending.kind === 'pick') {
      const picked = msg.text ? matchOption(pending.options, msg.text) : undefined;
      ctx.slot.release(DESK);
      if (!picked) return null;
      return this.choice({ ...ctx, msg: { ...msg, text: undefined, choice: picked.id } });
    }
    const text = msg.text ? normalise(msg.text) : '';
    if (!text) return [{ text: this.t(ctx, `officer.compose.${pending.what}Text`) }];
    ctx.slot.release(DESK);
    const staff = await this.deps.desk.staff(msg.channel, msg.userId);
    if (!isStaff(staff)) return this.refuse(ctx, staff ? 'inactive' : 'not_staff', pending.what);
    const c = await this.deps.desk.byId(pending.caseId);
    if (!c) return [{ text: this.t(ctx, 'officer.staleButton') }];
    return this.act(ctx, staff, c, pending.what, text);
  }

  private refuse(ctx: FeatureContext, reason: Refusal, action: string, c?: DeskCase): OutboundMessage[] {
    this.deps.log('desk.refused', { reason, action, channel: ctx.msg.channel, ...(c ? { caseId: c.caseId } : {}) });
    return [{ text: this.t(ctx, `officer.refused.${reason}`, { code: c?.refCode ?? '' }) }];
  }

  // ───────────── residents ─────────────

  /**
   * `/trangthai <code>`: the status and public outcome of the resident's own case. Anyone else gets
   * the same answer as for a code that does not exist, so codes cannot be probed.
   */
  private async statusCommand(ctx: FeatureContext, args: string): Promise<OutboundMessage[]> {
    const { msg } = ctx;
    if (!args.trim()) {
      ctx.slot.hold<Pending>(DESK, { kind: 'status' }, PENDING_TTL_MS);
      return [{ text: this.t(ctx, 'officer.statusAsk') }];
    }
    const code = CASE_KINDS.parseReference(args.trim().split(/\s+/)[0]);
    if (!code) return [{ text: this.t(ctx, 'officer.statusBadCode') }, ctx.menu()];
    const c = await this.deps.desk.byRef(code);
    const own = c !== null && this.deps.desk.isReporter(c, msg.channel, msg.chatId);
    this.deps.log('status.lookup', { channel: msg.channel, shown: own });
    if (!c || !own) return [{ text: this.t(ctx, 'officer.statusUnknown', { code }) }];
    return [{ text: residentStatus(c, this.rc(ctx)) }];
  }

  /**
   * The tipster's next message after an officer's question. A short courtesy ("cảm ơn anh", "ok")
   * is not taken as the answer unasked: the tipster says whether it is, so the real answer that
   * follows is not lost.
   */
  private async relayContinue(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    const { msg } = ctx;
    const relay = ctx.slot.get<RelayTicket>(RELAY);
    if (!relay) return null;
    const c = await this.deps.desk.byId(relay.caseId);
    if (!c || c.status === 'resolved' || !this.deps.desk.isReporter(c, msg.channel, msg.chatId)) {
      ctx.slot.release(RELAY);
      return null;
    }
    // The officer who asked may have been deactivated or moved since: then the question closes and
    // nothing the tipster writes reaches them. The tipster is told, so they know it was not passed on.
    if (relay.askedBy !== SUPERADMIN && !(await this.deps.desk.responsible(relay.askedBy, c.caseId))) {
      ctx.slot.release(RELAY);
      this.deps.log('relay.closed', { caseId: c.caseId, reason: 'asker_not_responsible' });
      return [{ text: this.t(ctx, 'officer.relay.askerGone', { code: relay.refCode }) }];
    }
    if (msg.choice?.startsWith(RELAY_STOP)) return this.stopQuestions(ctx, msg.choice.slice(RELAY_STOP.length));
    const onlyText = !msg.attachments?.length && !msg.location;
    const stop = onlyText && msg.text ? stopRequest(msg.text) : null;
    if (stop === 'stop') return this.stopQuestions(ctx, c.caseId);
    if (relay.held !== undefined) {
      const options = this.relayConfirmOptions(ctx, c);
      const picked = msg.choice ?? (msg.text ? matchOption(options, msg.text)?.id : undefined);
      if (picked === `${RELAY_STOP}${c.caseId}`) return this.stopQuestions(ctx, c.caseId);
      if (picked === RELAY_YES) return this.relayAnswer(ctx, relay, c, { text: relay.held, attachments: relay.heldMedia });
      if (picked === RELAY_NO) {
        ctx.slot.hold<RelayTicket>(RELAY, { ...relay, held: undefined, heldMedia: undefined }, this.deps.relayTtlMs);
        return [{ text: this.t(ctx, 'officer.relay.typeAnswer', { code: relay.refCode }) }];
      }
      if (msg.choice) return [{ text: this.t(ctx, 'officer.staleButton') }];
    } else if (msg.choice) return [{ text: this.t(ctx, 'officer.staleButton') }];
    // A voice note is the tipster's voice, which the officer may recognise: sent only once they say so.
    if (msg.attachments?.some((a) => a.kind === 'voice') && !msg.location) {
      const held = msg.text ? truncate(normalise(msg.text), this.maxText) : '';
      ctx.slot.hold<RelayTicket>(RELAY, { ...relay, held, heldMedia: msg.attachments }, this.deps.relayTtlMs);
      return [{ text: this.t(ctx, 'officer.relay.voiceConfirm', { code: relay.refCode }), options: this.relayConfirmOptions(ctx, c) }];
    }
    // A bare "dung" is "dừng" (stop) or "đúng" (right) without diacritics: the tipster says which.
    if (onlyText && msg.text && (stop === 'unsure' || isCourtesy(msg.text))) {
      ctx.slot.hold<RelayTicket>(RELAY, { ...relay, held: truncate(normalise(msg.text), this.maxText) }, this.deps.relayTtlMs);
      return [
        {
          text: this.t(ctx, stop === 'unsure' ? 'officer.relay.stop.answerOrStop' : 'officer.relay.isThisTheAnswer', {
            code: relay.refCode,
            question: '',
          }),
          options: this.relayConfirmOptions(ctx, c),
        },
      ];
    }
    return this.relayAnswer(ctx, relay, c, msg);
  }

  private relayConfirmOptions(ctx: FeatureContext, c: DeskCase): Option[] {
    return [
      { id: RELAY_YES, label: this.t(ctx, 'officer.relay.yesSendIt') },
      { id: RELAY_NO, label: this.t(ctx, 'officer.relay.noNotYet') },
      { id: `${RELAY_STOP}${c.caseId}`, label: this.t(ctx, 'officer.relay.stop.button') },
    ];
  }

  /**
   * The tipster's lasting "stop asking me about this case" (issue 14, point 10): recorded in the
   * case's history (who and when only: 'resident', nothing of theirs), the open question closed,
   * the officer who asked told, and every later /hoi on the case refused until it closes. Only the
   * case's own tipster can ask it, from the chat that sent it; a button pressed again says so.
   */
  private async stopQuestions(ctx: FeatureContext, caseId: string): Promise<OutboundMessage[]> {
    const { msg } = ctx;
    const relay = ctx.slot.get<RelayTicket>(RELAY, true);
    const c = await this.deps.desk.byId(caseId);
    if (!c || c.status === 'resolved' || !this.deps.desk.isReporter(c, msg.channel, msg.chatId))
      return [{ text: this.t(ctx, 'officer.staleButton') }];
    if (relay?.caseId === c.caseId) ctx.slot.release(RELAY);
    if (questionsStopped(c)) return [{ text: this.t(ctx, 'officer.relay.stop.already', { code: c.refCode }) }];
    await this.deps.desk.change(c.caseId, { action: 'stopQuestions', by: 'resident' });
    this.deps.log('relay.stopped', { caseId: c.caseId });
    if (relay?.caseId === c.caseId)
      await this.actions.tellAsker(relay, `n.${c.caseId}.stopped`, (lang) => [
        { text: this.deps.t(lang, 'officer.relay.stop.toOfficer', { code: c.refCode }), lang },
      ]);
    return [{ text: this.t(ctx, 'officer.relay.stop.done', { code: c.refCode }) }];
  }

  /** The tipster's answer to an officer's question goes back to that officer, and nothing about who they are. */
  private async relayAnswer(
    ctx: FeatureContext,
    relay: RelayTicket,
    c: DeskCase,
    msg: Pick<FeatureContext['msg'], 'text' | 'attachments' | 'location'>,
  ): Promise<OutboundMessage[] | null> {
    const text = msg.text ? truncate(normalise(msg.text), this.maxText) : '';
    const attachments = msg.attachments ?? [];
    if (!text && attachments.length === 0 && !msg.location) return null;
    const recorded = text || this.deps.t('vi', 'officer.relay.mediaOnly', { count: attachments.length + (msg.location ? 1 : 0) });
    const result = await this.deps.desk.change(c.caseId, { action: 'answer', by: 'resident', note: recorded });
    const current = result.outcome === 'missing' ? c : result.case;
    const render = (lang: Lang, channel: ChannelName) => {
      const rc = { t: this.deps.t, lang };
      const head = withCaseActions(
        {
          text: this.deps.t(lang, 'officer.relay.answer', {
            code: c.refCode,
            answer: text || this.deps.t(lang, 'officer.relay.mediaBelow'),
          }),
          lang,
        },
        channel,
        current,
        rc,
      );
      const media: OutboundMessage[] = attachments.map((a) => ({
        text: this.deps.t(lang, 'alert.attachmentCaption', { code: c.refCode }),
        attachments: [a],
        lang,
      }));
      if (msg.location) media.push({ text: this.deps.t(lang, 'alert.pinCaption', { code: c.refCode }), location: msg.location, lang });
      return [head, ...media];
    };
    await this.actions.tellAsker(relay, `n.${c.caseId}.a.${this.deps.newId()}`, render);
    ctx.slot.release(RELAY);
    this.deps.log('relay.answered', { caseId: c.caseId, attachments: attachments.length });
    return [{ text: this.t(ctx, 'officer.relay.forwarded', { code: c.refCode }) }];
  }

  private t(ctx: FeatureContext, key: string, params?: Record<string, unknown>): string {
    return this.deps.t(ctx.lang, key, params);
  }

  private rc(ctx: FeatureContext): RenderContext {
    return { t: this.deps.t, lang: ctx.lang, timeZone: this.deps.timeZone };
  }
}
