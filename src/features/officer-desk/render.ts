import type { CaseOutcome, CaseStatus } from '../../domain/case-workflow';
import { CASE_KINDS } from '../reporting/flows';
import type { CaseKind } from '../../domain/case-kinds';
import { formatTime } from '../../domain/time';
import { areaLabel, caseFacts, caseMedia } from '../../conversations/case-view';
import type { ChannelName, Lang, Option, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { CaseStats, DeskCase } from './ports';

/**
 * Everything the officer desk writes, as pure functions of a case and the locale: case cards,
 * action buttons (Telegram) or command hints (Zalo, console), the resident's status, lists,
 * statistics, escalation and hotspot alerts. Used by the feature and by the workers alike.
 */

/** Platforms that show options as buttons; elsewhere they are numbered lines typed back. */
export const BUTTON_CHANNELS: ReadonlySet<ChannelName> = new Set<ChannelName>(['telegram']);

/** Callback data: `case:<verb>:<caseId>[:<arg>]` (<= 64 bytes: case ids are 16 characters). */
export const CASE_VERBS = ['ack', 'note', 'ask', 'done', 'move', 'view', 'out', 'to'] as const;
export type CaseVerb = (typeof CASE_VERBS)[number];

export const caseCallback = (verb: CaseVerb, caseId: string, arg?: string | number): string =>
  `case:${verb}:${caseId}${arg === undefined ? '' : `:${arg}`}`;

export function parseCaseCallback(data: string): { verb: CaseVerb; caseId: string; arg?: string } | null {
  const m = /^case:([a-z]+):([A-Za-z0-9_-]{8,64})(?::([A-Za-z0-9_-]{1,32}))?$/.exec(data);
  if (!m || !(CASE_VERBS as readonly string[]).includes(m[1])) return null;
  return { verb: m[1] as CaseVerb, caseId: m[2], ...(m[3] === undefined ? {} : { arg: m[3] }) };
}

export interface RenderContext {
  t: Translate;
  lang: Lang;
  timeZone?: string;
}

export function categoryLabel(t: Translate, lang: Lang, kind: CaseKind, category: string): string {
  return t(lang, `categories.${kind}.${category}`);
}

export function statusLabel(t: Translate, lang: Lang, status: CaseStatus): string {
  return t(lang, `officer.statusLabel.${status}`);
}

export function outcomeLabel(t: Translate, lang: Lang, outcome: CaseOutcome): string {
  return t(lang, `officer.outcome.${outcome}`);
}

/** The buttons for what can still be done to the case. */
export function actionOptions(c: Pick<DeskCase, 'caseId' | 'status'>, ctx: RenderContext): Option[] {
  const { t, lang } = ctx;
  if (c.status === 'resolved') return [];
  const verbs: CaseVerb[] = c.status === 'new' ? ['ack', 'note', 'ask', 'done', 'move'] : ['note', 'ask', 'done', 'move'];
  return verbs.map((verb) => ({ id: caseCallback(verb, c.caseId), label: t(lang, `officer.button.${verb}`) }));
}

/** The same actions as commands to type, for platforms without buttons. */
export function commandHint(refCode: string, ctx: RenderContext): string {
  return ctx.t(ctx.lang, 'officer.commandHint', { code: refCode });
}

/**
 * The actions added to a message that is not an answer in the officer's conversation (an alert,
 * a relayed answer, an escalation): buttons on Telegram, the commands spelled out elsewhere (a
 * numbered list could not be typed back: the officer's chat is not waiting for that answer).
 */
export function withCaseActions(
  m: OutboundMessage,
  channel: ChannelName,
  c: Pick<DeskCase, 'caseId' | 'refCode' | 'status'>,
  ctx: RenderContext,
): OutboundMessage {
  if (c.status === 'resolved') return m;
  if (BUTTON_CHANNELS.has(channel)) return { ...m, options: [...(m.options ?? []), ...actionOptions(c, ctx)] };
  return { ...m, text: `${m.text}\n\n${commandHint(c.refCode, ctx)}` };
}

/** Adds the actions to the first part of a case alert (renderAlert), as the outbox sends it. */
export function withAlertActions(
  parts: OutboundMessage[],
  channel: ChannelName,
  c: Pick<DeskCase, 'caseId' | 'refCode' | 'status'>,
  ctx: RenderContext,
): OutboundMessage[] {
  if (parts.length === 0) return parts;
  return [withCaseActions(parts[0], channel, c, ctx), ...parts.slice(1)];
}

const HISTORY_SHOWN = 6;
const NOTED_ACTIONS = new Set(['note', 'question', 'answer', 'reassigned', 'escalated']);

/** The case as staff see it: state, who has it, and the latest notes and questions. */
export function caseCard(c: DeskCase, ctx: RenderContext & { assigneeName?: string }): string {
  const { t, lang } = ctx;
  const lines = [
    `📋 ${c.refCode} · ${categoryLabel(t, lang, c.kind, c.category)}`,
    `${t(lang, 'alert.area')}: ${areaLabel(c.areaName, c.areaCode) ?? t(lang, 'alert.noArea')}`,
    `${t(lang, 'alert.received')}: ${formatTime(c.submittedAt, lang, ctx.timeZone)}`,
  ];
  return [...lines, ...caseState(c, ctx)].join('\n');
}

/**
 * `/xem`: everything the alert said (what, where, when, the contact if the tipster gave it), then
 * where the case stands, with the pin and media after it as the alert sends them. The lines are
 * the alert's (conversations/case-view.ts) under a title that does not call an old case new.
 */
export function caseView(c: DeskCase, ctx: RenderContext & { assigneeName?: string; contact?: string }): OutboundMessage[] {
  const { t, lang } = ctx;
  const view = { ...ctx, areaName: areaLabel(c.areaName, c.areaCode) };
  const lines = [`📋 ${c.refCode} · ${t(lang, `officer.kind.${c.kind}`)}`, ...caseFacts(c, view), '', ...caseState(c, ctx)];
  return [{ text: lines.join('\n') }, ...caseMedia(c, view)];
}

/** Where the case stands: its status, outcome and who has it, then the latest notes and questions. */
function caseState(c: DeskCase, ctx: RenderContext & { assigneeName?: string }): string[] {
  const { t, lang } = ctx;
  const time = (at: Date) => formatTime(at, lang, ctx.timeZone);
  const lines: string[] = [];
  let state = statusLabel(t, lang, c.status);
  if (c.status === 'acknowledged' && c.acknowledgedAt) state += ` — ${time(c.acknowledgedAt)} (${c.acknowledgedBy ?? '?'})`;
  if (c.status === 'resolved' && c.resolvedAt) state += ` — ${time(c.resolvedAt)}`;
  lines.push(`${t(lang, 'officer.card.status')}: ${state}`);
  if (c.outcome) lines.push(`${t(lang, 'officer.card.outcome')}: ${outcomeLabel(t, lang, c.outcome)}`);
  if (c.assignedTo)
    lines.push(`${t(lang, 'officer.card.assignee')}: ${ctx.assigneeName ? `${ctx.assigneeName} (${c.assignedTo})` : c.assignedTo}`);
  const noted = c.history.filter((h) => NOTED_ACTIONS.has(h.action));
  if (noted.length > 0) {
    lines.push('', t(lang, 'officer.card.history'));
    if (noted.length > HISTORY_SHOWN) lines.push(t(lang, 'officer.card.earlier', { n: noted.length - HISTORY_SHOWN }));
    for (const h of noted.slice(-HISTORY_SHOWN)) {
      const who = h.by === 'resident' ? t(lang, 'officer.card.tipster') : h.by === 'system' ? t(lang, 'officer.card.system') : h.by;
      lines.push(`• ${time(h.at)} ${who} — ${t(lang, `officer.card.action.${h.action}`)}${h.note ? `: ${h.note}` : ''}`);
    }
  }
  return lines;
}

/** What the resident may know of their own case: the milestones and the public outcome, nothing internal. */
export function residentStatus(c: DeskCase, ctx: RenderContext): string {
  const { t, lang } = ctx;
  const time = (at: Date) => formatTime(at, lang, ctx.timeZone);
  const lines = [
    t(lang, `officer.resident.title.${c.kind}`, { code: c.refCode, category: categoryLabel(t, lang, c.kind, c.category) }),
    `${t(lang, 'officer.resident.sentAt')}: ${time(c.submittedAt)}`,
    `${t(lang, 'officer.card.status')}: ${t(lang, `officer.resident.state.${c.status}`)}`,
  ];
  if (c.acknowledgedAt) lines.push(`${t(lang, 'officer.resident.acknowledgedAt')}: ${time(c.acknowledgedAt)}`);
  if (c.resolvedAt) lines.push(`${t(lang, 'officer.resident.resolvedAt')}: ${time(c.resolvedAt)}`);
  if (c.outcome) lines.push(`${t(lang, 'officer.card.outcome')}: ${outcomeLabel(t, lang, c.outcome)}`);
  return lines.join('\n');
}

export function outcomeOptions(c: Pick<DeskCase, 'caseId' | 'kind'>, ctx: RenderContext): Option[] {
  return CASE_KINDS.get(c.kind).outcomes.map((o) => ({ id: caseCallback('out', c.caseId, o), label: outcomeLabel(ctx.t, ctx.lang, o) }));
}

/** One line of a list: code, category, state, age and area. */
export function listLine(c: DeskCase, ctx: RenderContext): string {
  const { t, lang } = ctx;
  return `${c.refCode} · ${categoryLabel(t, lang, c.kind, c.category)} · ${statusLabel(t, lang, c.status)} · ${formatTime(c.submittedAt, lang, ctx.timeZone)}${c.areaCode ? ` · ${c.areaCode}` : ''}`;
}

export function statsText(s: CaseStats, heading: string, ctx: RenderContext): string {
  const { t, lang } = ctx;
  const lines = [heading, `${t(lang, 'officer.stats.total')}: ${s.total}`];
  if (s.total === 0) return lines.join('\n');
  lines.push('', t(lang, 'officer.stats.byCategory'));
  for (const r of s.byCategory)
    lines.push(`• ${t(lang, `officer.kind.${r.kind}`)} · ${categoryLabel(t, lang, r.kind, r.category)}: ${r.count}`);
  lines.push('', t(lang, 'officer.stats.byStatus'));
  lines.push(s.byStatus.map((r) => `${statusLabel(t, lang, r.status)}: ${r.count}`).join(' · '));
  lines.push('', t(lang, 'officer.stats.byArea'));
  for (const r of s.byArea)
    lines.push(`• ${r.areaCode ? `${r.areaName ?? r.areaCode} (${r.areaCode})` : t(lang, 'alert.noArea')}: ${r.count}`);
  return lines.join('\n');
}

/** To a supervisor: a new case nobody has acknowledged in time. */
export function escalationText(c: DeskCase, level: number, waitedMinutes: number, ctx: RenderContext): string {
  const { t, lang } = ctx;
  return [t(lang, 'officer.escalation.title', { code: c.refCode, level, minutes: waitedMinutes }), '', caseCard(c, ctx)].join('\n');
}

/** To a supervisor: many cases of one kind in one area within the window. */
export function hotspotText(cases: DeskCase[], windowDays: number, ctx: RenderContext): string {
  const { t, lang } = ctx;
  const first = cases[0];
  const lines = [
    t(lang, 'officer.hotspot.title', {
      n: cases.length,
      days: windowDays,
      category: categoryLabel(t, lang, first.kind, first.category),
      area: first.areaName ? `${first.areaName} (${first.areaCode})` : (first.areaCode ?? ''),
    }),
    '',
    ...cases.map((c) => `• ${listLine(c, ctx)}`),
    '',
    t(lang, 'officer.hotspot.advice'),
  ];
  return lines.join('\n');
}
