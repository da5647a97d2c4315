import { matchOption } from '../../domain/option-match';
import { formatVietnamTime, parseScheduleTime } from '../../domain/schedule-time';
import { normalise, truncate } from '../../domain/text';
import type { CommandSpec } from '../../conversations/command-table';
import type { Feature, FeatureContext, HeldConversationHandler } from '../../conversations/feature';
import type { Lang, Option, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import {
  BroadcastUnavailableError,
  groupKey,
  type AudienceChoice,
  type BroadcastAudience,
  type BroadcastDesk,
  type BroadcastDraft,
  type Reach,
} from './ports';
import { ADVISORY_IDS, broadcastParts, composeBroadcastText } from './render';

/**
 * `/thongbao` (`/broadcast`): a group admin, an area officer or a supervisor sends an advisory to
 * the groups they may reach. In a private chat: pick the audience → pick a ready advisory or write
 * one (text, optional photo) → see it exactly as residents will → send now, schedule it for a
 * date and time, or cancel. `/thongbao` also shows how far running broadcasts got and lists the
 * scheduled ones, which can be cancelled until they start. In a group, `/thongbao` tells an admin
 * to continue in private (and remembers them as the group's admin).
 *
 * Who may reach which groups is decided by BroadcastAudience from the directory and the platform,
 * looked up again when the sender confirms: options offered earlier grant nothing by themselves.
 */

export interface BroadcastFeatureDeps {
  t: Translate;
  audience: BroadcastAudience;
  desk: BroadcastDesk;
  newId: () => string;
  /** An unfinished broadcast is forgotten after this long without a message. */
  idleMs: number;
  /** Longest advisory body accepted (the header and footer are added to it). */
  maxBodyLength: number;
  clock?: () => number;
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
}

export const BROADCAST_COMMANDS = ['thongbao', 'broadcast'];
const MAX_AREA_CHOICES = 10;
const MAX_GROUP_CHOICES = 15;
const MIN_BODY_LENGTH = 10;

type Ctx = FeatureContext;
/** The broadcast being written: its slot owner (conversations/chat-slot.ts). */
const OWNER = 'broadcast';

export class BroadcastFeature implements Feature {
  readonly name = 'broadcast';
  private readonly clock: () => number;

  constructor(private readonly deps: BroadcastFeatureDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  readonly commands: CommandSpec[] = [{ names: BROADCAST_COMMANDS, owner: this.name, where: 'both', run: (ctx) => this.command(ctx) }];

  readonly choices = { prefixes: ['bc:'], run: (ctx: FeatureContext) => this.choice(ctx) };

  readonly conversations: Record<string, HeldConversationHandler> = {
    [OWNER]: {
      continue: (ctx) => this.continue(ctx),
      cancel: async (ctx) => {
        const draft = this.draft(ctx);
        ctx.slot.release(OWNER);
        // Leaving the list of scheduled broadcasts cancels none of them: say so.
        return [{ text: this.deps.t(ctx.lang, draft?.step === 'list' ? 'broadcast.listClosed' : 'broadcast.cancelled') }, ctx.menu()];
      },
    },
  };

  private async command(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const { msg, lang } = ctx;
    if (msg.chatType === 'group') {
      const admin = await this.deps.audience.noteGroupAdmin(msg.channel, msg.chatId, msg.userId, msg.groupTitle ?? '');
      this.deps.log('broadcast.group_command', { channel: msg.channel, admin });
      return [{ text: this.deps.t(lang, admin ? 'broadcast.group.admin' : 'broadcast.group.notAdmin') }];
    }
    return this.start(ctx);
  }

  private async choice(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const { msg, lang } = ctx;
    if (msg.chatType === 'group') return [];
    const draft = this.draft(ctx);
    if (!draft) {
      // The list's buttons work on their own; any other is a button of a broadcast that ended or expired.
      if (msg.choice === 'bc:list') return this.listScheduled(ctx, null);
      if (msg.choice?.startsWith('bc:x:')) return this.cancelScheduled(ctx, null, msg.choice.slice(5));
      return [{ text: this.deps.t(lang, 'broadcast.expired') }, ctx.menu()];
    }
    return this.choose(ctx, draft, msg.choice!);
  }

  private async continue(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    const { msg, lang } = ctx;
    const draft = this.draft(ctx);
    if (!draft) {
      ctx.slot.release(OWNER);
      return null;
    }
    if (msg.unsupported) return [{ text: this.deps.t(lang, 'errors.unsupported') }, this.prompt(ctx, draft)];
    if (draft.step === 'compose') return this.compose(ctx, draft);
    if (draft.step === 'schedule' && msg.text) return this.schedule(ctx, draft, msg.text);
    // Zalo and the console have no buttons: a number or an option's words picks it.
    const typed = msg.text ? matchOption(this.prompt(ctx, draft).options ?? [], msg.text) : undefined;
    if (typed) return this.choose(ctx, draft, typed.id);
    return [{ text: this.deps.t(lang, 'flow.pickOption') }, this.prompt(ctx, draft)];
  }

  // ── steps ──

  private async start(c: Ctx): Promise<OutboundMessage[]> {
    const { t, desk } = this.deps;
    const { msg, lang } = c;
    const reach = await this.deps.audience.reachOf({ channel: msg.channel, userId: msg.userId, joinCode: c.profile.joinCode });
    if (!reach) {
      this.deps.log('broadcast.refused', { channel: msg.channel });
      return [{ text: t(lang, 'broadcast.notAllowed') }, c.menu()];
    }
    const sender = { channel: msg.channel, userId: msg.userId };
    const [running, scheduled] = await Promise.all([desk.running(sender), desk.scheduled(sender)]);
    const before: OutboundMessage[] = running.length
      ? [
          {
            text: [
              t(lang, 'broadcast.progressTitle'),
              ...running.map((r) =>
                t(lang, 'broadcast.progress', {
                  label: r.audienceLabel,
                  done: r.sent + r.failed + r.skipped,
                  total: r.groups,
                  sent: r.sent,
                  failed: r.failed,
                  skipped: r.skipped,
                }),
              ),
            ].join('\n'),
          },
        ]
      : [];
    if (reach.groups.length === 0) {
      c.slot.release(OWNER);
      return [
        ...before,
        { text: t(lang, 'broadcast.noGroups'), options: scheduled.length ? [this.listOption(lang, scheduled.length)] : undefined },
      ];
    }
    const draft: BroadcastDraft = {
      version: 1,
      broadcastId: this.deps.newId(),
      step: 'audience',
      choices: this.audienceChoices(reach, lang),
      scheduledCount: scheduled.length,
      updatedAt: this.clock(),
    };
    this.save(c, draft);
    this.deps.log('broadcast.started', { channel: msg.channel, role: reach.role, groups: reach.groups.length });
    return [...before, this.prompt(c, draft)];
  }

  private async choose(c: Ctx, draft: BroadcastDraft, choice: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { lang } = c;
    if (choice === 'bc:cancel') {
      c.slot.release(OWNER);
      return [{ text: t(lang, draft.step === 'list' ? 'broadcast.listClosed' : 'broadcast.cancelled') }, c.menu()];
    }
    const offered = (this.prompt(c, draft).options ?? []).map((o) => o.id);
    if (!offered.includes(choice)) return [{ text: t(lang, 'flow.staleButton') }, this.prompt(c, draft)];
    const [, action, arg] = choice.split(':');
    switch (action) {
      case 'aud':
        return this.moveTo(c, { ...draft, picked: Number(arg) }, 'content');
      case 'lib':
        return this.moveTo(c, { ...draft, advisoryId: arg, text: t(lang, `broadcast.library.${arg}.text`), photo: undefined }, 'preview');
      case 'write':
        return this.moveTo(c, { ...draft, advisoryId: undefined, text: undefined, photo: undefined }, 'compose');
      case 'edit':
        return this.moveTo(c, draft, 'content');
      case 'when':
        return this.moveTo(c, draft, 'schedule');
      case 'send':
        return this.submit(c, draft);
      case 'list':
        return this.listScheduled(c, draft);
      case 'x':
        return this.cancelScheduled(c, draft, arg);
      case 'back': {
        const previous: Record<BroadcastDraft['step'], BroadcastDraft['step']> = {
          audience: 'audience',
          content: 'audience',
          compose: 'content',
          preview: 'content',
          schedule: 'preview',
          list: 'audience',
        };
        return this.moveTo(c, draft, previous[draft.step]);
      }
      default:
        return [{ text: t(lang, 'flow.staleButton') }, this.prompt(c, draft)];
    }
  }

  /** The sender's own words: text, or a photo with its caption (a photo alone waits for the text). */
  private async compose(c: Ctx, draft: BroadcastDraft): Promise<OutboundMessage[]> {
    const { t, maxBodyLength } = this.deps;
    const { msg, lang } = c;
    const photo = msg.attachments?.find((a) => a.kind === 'photo');
    if (msg.attachments?.length && !photo) return [{ text: t(lang, 'broadcast.photoOnly') }, this.prompt(c, draft)];
    const next: BroadcastDraft = { ...draft, photo: photo?.ref ?? draft.photo };
    const text = msg.text === undefined ? undefined : normalise(msg.text);
    if (text) {
      const length = Array.from(text).length;
      if (length > maxBodyLength) return [{ text: t(lang, 'broadcast.tooLong', { length, max: maxBodyLength }) }, this.prompt(c, draft)];
      if (length < MIN_BODY_LENGTH) return [{ text: t(lang, 'broadcast.tooShort') }, this.prompt(c, draft)];
      next.text = text;
    }
    if (!next.text) {
      if (!photo) return [{ text: t(lang, 'broadcast.needText') }, this.prompt(c, draft)];
      this.save(c, next);
      return [{ text: t(lang, 'broadcast.photoKept') }, this.prompt(c, next)];
    }
    return this.moveTo(c, next, 'preview');
  }

  private async schedule(c: Ctx, draft: BroadcastDraft, typed: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const parsed = parseScheduleTime(typed, new Date(this.clock()));
    if (!parsed.ok) return [{ text: t(c.lang, `broadcast.when.${parsed.reason}`) }, this.prompt(c, draft)];
    return this.submit(c, draft, parsed.at);
  }

  /**
   * Confirmed: who may be reached is looked up again now (an admin removed since, an officer
   * moved), the choice resolved to groups, and the broadcast stored and queued. On failure the
   * draft stays, with the same id, so pressing Send again later is the same broadcast.
   */
  private async submit(c: Ctx, draft: BroadcastDraft, scheduledFor?: Date): Promise<OutboundMessage[]> {
    const { t, desk } = this.deps;
    const { msg, lang } = c;
    const reach = await this.deps.audience.reachOf({ channel: msg.channel, userId: msg.userId, joinCode: c.profile.joinCode });
    const choice = draft.picked === undefined ? undefined : draft.choices[draft.picked];
    if (!reach || !choice || !draft.text) {
      c.slot.release(OWNER);
      return [{ text: t(lang, 'broadcast.notAllowed') }, c.menu()];
    }
    const targets = resolveAudience(reach, choice);
    if (targets.length === 0) {
      c.slot.release(OWNER);
      return [{ text: t(lang, 'broadcast.noGroups') }, c.menu()];
    }
    try {
      await desk.submit({
        broadcastId: draft.broadcastId,
        sender: { channel: msg.channel, userId: msg.userId, chatId: msg.chatId, role: reach.role, officerId: reach.officerId, lang },
        audienceLabel: choice.name,
        targets: targets.map(({ channel, chatId, title }) => ({ channel, chatId, title })),
        text: composeBroadcastText(t, lang, reach.role, reach.senderName, draft.text),
        photo: draft.photo,
        advisoryId: draft.advisoryId,
        scheduledFor,
      });
    } catch (err) {
      this.deps.log('broadcast.submit_failed', { broadcastId: draft.broadcastId, error: err instanceof Error ? err.name : 'unknown' });
      if (!(err instanceof BroadcastUnavailableError)) throw err;
      this.save(c, { ...draft, step: 'preview' });
      return [{ text: t(lang, 'broadcast.unavailable') }, this.prompt(c, { ...draft, step: 'preview' })];
    }
    c.slot.release(OWNER);
    this.deps.log('broadcast.submitted', {
      broadcastId: draft.broadcastId,
      groups: targets.length,
      scheduled: Boolean(scheduledFor),
      role: reach.role,
    });
    if (scheduledFor)
      return [{ text: t(lang, 'broadcast.scheduledOk', { time: formatVietnamTime(scheduledFor, lang), count: targets.length }) }];
    return [{ text: t(lang, 'broadcast.sending', { count: targets.length }) }];
  }

  /** The sender's scheduled broadcasts, each with its cancel option (numbered on text channels). */
  private async listScheduled(c: Ctx, draft: BroadcastDraft | null, before: OutboundMessage[] = []): Promise<OutboundMessage[]> {
    const { t, desk } = this.deps;
    const { msg, lang } = c;
    const scheduled = await desk.scheduled({ channel: msg.channel, userId: msg.userId });
    const listed = scheduled.map((s) => ({
      broadcastId: s.broadcastId,
      time: s.scheduledFor ? formatVietnamTime(s.scheduledFor, lang) : '—',
    }));
    if (scheduled.length === 0) {
      if (!draft) return [...before, { text: t(lang, 'broadcast.noneScheduled') }];
      return [
        ...before,
        { text: t(lang, 'broadcast.noneScheduled') },
        ...(await this.moveTo(c, { ...draft, scheduledCount: 0, listed: [] }, 'audience')),
      ];
    }
    const lines = scheduled.map((s, i) =>
      t(lang, 'broadcast.scheduledLine', {
        n: i + 1,
        time: listed[i].time,
        label: s.audienceLabel,
        count: s.groups,
        snippet: snippet(s.text),
      }),
    );
    const list: OutboundMessage = { text: [t(lang, 'broadcast.scheduledTitle'), ...lines].join('\n') };
    if (!draft) return [...before, { ...list, options: listed.map((l, i) => this.cancelOption(lang, l, i)) }];
    const next: BroadcastDraft = { ...draft, step: 'list', scheduledCount: scheduled.length, listed };
    this.save(c, next);
    return [...before, list, this.prompt(c, next)];
  }

  private async cancelScheduled(c: Ctx, draft: BroadcastDraft | null, broadcastId: string): Promise<OutboundMessage[]> {
    const { msg, lang } = c;
    const outcome = await this.deps.desk.cancel({ channel: msg.channel, userId: msg.userId }, broadcastId);
    this.deps.log('broadcast.cancel', { broadcastId, outcome });
    const said: OutboundMessage = { text: this.deps.t(lang, `broadcast.cancel.${outcome}`) };
    return draft ? this.listScheduled(c, draft, [said]) : [said];
  }

  private cancelOption(lang: Lang, listed: { broadcastId: string; time: string }, i: number): Option {
    return { id: `bc:x:${listed.broadcastId}`, label: this.deps.t(lang, 'broadcast.cancelOne', { n: i + 1, time: listed.time }) };
  }

  // ── rendering ──

  private async moveTo(c: Ctx, draft: BroadcastDraft, step: BroadcastDraft['step']): Promise<OutboundMessage[]> {
    const next = { ...draft, step };
    this.save(c, next);
    if (step !== 'preview') return [this.prompt(c, next)];
    // The preview: the advisory exactly as a group will receive it, between two lines of ours.
    const reach = await this.deps.audience.reachOf({ channel: c.msg.channel, userId: c.msg.userId, joinCode: c.profile.joinCode });
    if (!reach || next.picked === undefined || !next.text) {
      c.slot.release(OWNER);
      return [{ text: this.deps.t(c.lang, 'broadcast.notAllowed') }, c.menu()];
    }
    const choice = next.choices[next.picked];
    const text = composeBroadcastText(this.deps.t, c.lang, reach.role, reach.senderName, next.text);
    return [
      { text: this.deps.t(c.lang, 'broadcast.previewTitle', { label: choice.name, count: choice.count }) },
      ...broadcastParts({ text, photo: next.photo }),
      this.prompt(c, next),
    ];
  }

  private prompt(c: Ctx, draft: BroadcastDraft): OutboundMessage {
    const { t } = this.deps;
    const { lang } = c;
    const opt = (id: string, key: string, params?: Record<string, unknown>): Option => ({ id, label: t(lang, key, params) });
    const back = opt('bc:back', 'nav.back');
    const cancel = opt('bc:cancel', 'nav.cancel');
    switch (draft.step) {
      case 'audience':
        return {
          text: t(lang, 'broadcast.pickAudience'),
          options: [
            ...draft.choices.map((ch, i) => ({ id: `bc:aud:${i}`, label: ch.label })),
            ...(draft.scheduledCount > 0 ? [this.listOption(lang, draft.scheduledCount)] : []),
            cancel,
          ],
        };
      case 'list':
        // "Close the list", not "Cancel": next to "cancel the one at 08:00" a bare "Cancel" reads as cancelling one.
        return {
          text: t(lang, 'broadcast.pickToCancel'),
          options: [...(draft.listed ?? []).map((l, i) => this.cancelOption(lang, l, i)), back, opt('bc:cancel', 'broadcast.closeList')],
        };
      case 'content':
        return {
          text: t(lang, 'broadcast.pickContent'),
          options: [
            ...ADVISORY_IDS.map((id) => opt(`bc:lib:${id}`, `broadcast.library.${id}.title`)),
            opt('bc:write', 'broadcast.write'),
            back,
            cancel,
          ],
        };
      case 'compose':
        return {
          text: t(lang, draft.photo ? 'broadcast.composeText' : 'broadcast.compose', { max: this.deps.maxBodyLength }),
          options: [back, cancel],
        };
      case 'preview':
        return {
          text: t(lang, 'broadcast.confirm'),
          options: [opt('bc:send', 'broadcast.sendNow'), opt('bc:when', 'broadcast.scheduleIt'), opt('bc:edit', 'broadcast.edit'), cancel],
        };
      case 'schedule':
        return { text: t(lang, 'broadcast.askWhen'), options: [back, cancel] };
    }
  }

  private audienceChoices(reach: Reach, lang: Lang): BroadcastDraft['choices'] {
    const { t } = this.deps;
    const choices: BroadcastDraft['choices'] = [];
    if (reach.groups.length > 1)
      choices.push({
        kind: 'all',
        label: t(lang, 'broadcast.audience.all', { count: reach.groups.length }),
        name: t(lang, 'broadcast.audience.allName'),
        count: reach.groups.length,
      });
    for (const area of reach.areas
      .filter((a) => a.groupKeys.length > 0 && a.groupKeys.length < reach.groups.length)
      .slice(0, MAX_AREA_CHOICES)) {
      choices.push({
        kind: 'area',
        code: area.code,
        label: t(lang, 'broadcast.audience.area', { name: area.name, count: area.groupKeys.length }),
        name: area.name,
        count: area.groupKeys.length,
      });
    }
    for (const g of [...reach.groups].sort((a, b) => a.title.localeCompare(b.title, 'vi')).slice(0, MAX_GROUP_CHOICES)) {
      const title = truncate(g.title || g.chatId, 60);
      choices.push({ kind: 'group', key: groupKey(g), label: t(lang, 'broadcast.audience.group', { title }), name: title, count: 1 });
    }
    return choices;
  }

  private listOption(lang: Lang, count: number): Option {
    return { id: 'bc:list', label: this.deps.t(lang, 'broadcast.listScheduled', { count }) };
  }

  private draft(c: FeatureContext): BroadcastDraft | null {
    const draft = c.slot.get<BroadcastDraft>(OWNER);
    if (!draft || draft.version !== 1 || this.clock() - draft.updatedAt > this.deps.idleMs) return null;
    return draft;
  }

  private save(c: FeatureContext, draft: BroadcastDraft): void {
    // Kept an hour past the idle limit, so a late button is answered "expired" rather than nothing.
    c.slot.hold(OWNER, { ...draft, updatedAt: this.clock() }, this.deps.idleMs + 3_600_000);
  }
}

/** The groups a picked option stands for, within what the sender may reach now. */
export function resolveAudience(reach: Reach, choice: AudienceChoice): Reach['groups'] {
  if (choice.kind === 'all') return reach.groups;
  if (choice.kind === 'group') return reach.groups.filter((g) => groupKey(g) === choice.key);
  const keys = new Set(reach.areas.find((a) => a.code === choice.code)?.groupKeys ?? []);
  return reach.groups.filter((g) => keys.has(groupKey(g)));
}

function snippet(text: string): string {
  // Skip the header line: the body is what tells broadcasts apart.
  const body = text.split('\n').slice(2).join(' ').replace(/\s+/g, ' ').trim();
  return truncate(body || text, 60);
}
