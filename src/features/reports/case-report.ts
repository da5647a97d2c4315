import type { Lang } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import { CASE_KINDS } from '../reporting/flows';
import { median } from '../../domain/case-workflow';
import type { CaseRecord } from '../../domain/case-record';
import { toCsv } from '../../domain/csv';
import { AppError } from '../../domain/app-error';
import { localParts, VIETNAM_ISO_OFFSET } from '../../domain/time';

/** What a report is made of: the area, its cases of the period (its own and those below it), every area's name. */
export interface ReportInput {
  area: { code: string; name: string };
  cases: readonly ReportedCase[];
  areaNames: ReadonlyMap<string, string>;
}

/** What a report reads of a case: never the resident's words, contact or chat. */
export type ReportedCase = Pick<
  CaseRecord,
  'refCode' | 'kind' | 'category' | 'areaCode' | 'status' | 'outcome' | 'submittedAt' | 'acknowledgedAt' | 'resolvedAt' | 'assignedTo'
>;

/**
 * The report an area sends upward for a period (scripts/report): one CSV row per case, and the
 * counts asked for above the ward: tips by category, disputes mediated successfully, and the
 * median time from a case's arrival to its acknowledgement. No resident's words, contact or chat
 * is in it: categories, areas, states and times only.
 */

export interface ReportPeriod {
  areaCode: string;
  /** Local calendar days (Vietnam's, domain/time.ts), both included: 'YYYY-MM-DD'. */
  from: string;
  to: string;
  lang?: Lang;
}

export interface ReportSummary {
  areaCode: string;
  areaName: string;
  from: string;
  to: string;
  total: number;
  tips: number;
  tipsByCategory: { category: string; label: string; count: number }[];
  mediations: number;
  mediatedSuccessfully: number;
  acknowledged: number;
  resolved: number;
  /** Null when no case of the period was acknowledged. */
  medianMinutesToAcknowledge: number | null;
}

export interface CaseReport {
  /** UTF-8 with a byte order mark, CRLF line ends. */
  csv: string;
  summary: ReportSummary;
}

export class ReportError extends AppError {}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** [from 00:00, the day after `to` 00:00) in Vietnam's time, as instants. */
export function periodBounds(from: string, to: string): { start: Date; end: Date } {
  for (const day of [from, to]) {
    if (!DAY.test(day)) throw new ReportError(`${day}: dates must be written YYYY-MM-DD`);
    const [y, m, d] = day.split('-').map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    // Date would quietly turn 2026-11-31 into 1 December.
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      throw new ReportError(`${day} is not a calendar date`);
  }
  const start = new Date(`${from}T00:00:00${VIETNAM_ISO_OFFSET}`);
  const end = new Date(new Date(`${to}T00:00:00${VIETNAM_ISO_OFFSET}`).getTime() + 86_400_000);
  if (end <= start) throw new ReportError('the period ends before it starts');
  return { start, end };
}

/** The CSV and the counts, from cases already chosen (adapters/load-case-report.ts chooses them). */
export function composeCaseReport({ area, cases, areaNames: names }: ReportInput, t: Translate, period: ReportPeriod): CaseReport {
  const lang = period.lang ?? 'vi';

  const col = (k: string) => t(lang, `officer.report.column.${k}`);
  const header = [
    'refCode',
    'kind',
    'category',
    'areaCode',
    'areaName',
    'status',
    'outcome',
    'submittedAt',
    'acknowledgedAt',
    'minutesToAcknowledge',
    'resolvedAt',
    'assignedTo',
  ].map(col);
  const rows = cases.map((c) => [
    c.refCode,
    t(lang, `officer.kind.${c.kind}`),
    t(lang, `categories.${c.kind}.${c.category}`),
    c.areaCode ?? '',
    c.areaCode ? (names.get(c.areaCode) ?? '') : '',
    t(lang, `officer.report.status.${c.status}`),
    c.outcome ? t(lang, `officer.outcome.${c.outcome}`) : '',
    localTime(c.submittedAt),
    c.acknowledgedAt ? localTime(c.acknowledgedAt) : '',
    minutesToAcknowledge(c) ?? '',
    c.resolvedAt ? localTime(c.resolvedAt) : '',
    c.assignedTo ?? '',
  ]);

  const tips = cases.filter((c) => c.kind === 'tip');
  const mediations = cases.filter((c) => c.kind === 'mediation');
  const waits = cases.map(minutesToAcknowledge).filter((m): m is number => m !== null);
  const tipsByCategory = CASE_KINDS.get('tip')
    .categories.map((category) => ({
      category,
      label: t(lang, `categories.tip.${category}`),
      count: tips.filter((c) => c.category === category).length,
    }))
    .filter((r) => r.count > 0);
  const middle = median(waits);
  return {
    csv: toCsv([header, ...rows]),
    summary: {
      areaCode: area.code,
      areaName: area.name,
      from: period.from,
      to: period.to,
      total: cases.length,
      tips: tips.length,
      tipsByCategory,
      mediations: mediations.length,
      mediatedSuccessfully: mediations.filter((c) => c.outcome === 'mediated_success').length,
      acknowledged: waits.length,
      resolved: cases.filter((c) => c.status === 'resolved').length,
      medianMinutesToAcknowledge: middle === null ? null : Math.round(middle * 10) / 10,
    },
  };
}

/** The summary as lines of text, for the operator's terminal and the report upward. */
export function summaryText(s: ReportSummary, t: Translate, lang: Lang = 'vi'): string {
  const k = (key: string, params?: Record<string, unknown>) => t(lang, `officer.report.summary.${key}`, params);
  const lines = [
    k('title', { area: `${s.areaName} (${s.areaCode})`, from: s.from, to: s.to }),
    k('total', { n: s.total }),
    k('tips', { n: s.tips }),
    ...s.tipsByCategory.map((r) => `  • ${r.label}: ${r.count}`),
    k('mediations', { n: s.mediations, success: s.mediatedSuccessfully }),
    k('acknowledged', { n: s.acknowledged, resolved: s.resolved }),
    s.medianMinutesToAcknowledge === null ? k('noMedian') : k('median', { minutes: s.medianMinutesToAcknowledge }),
  ];
  return lines.join('\n');
}

function minutesToAcknowledge(c: ReportedCase): number | null {
  if (!c.acknowledgedAt) return null;
  return Math.max(0, Math.round((new Date(c.acknowledgedAt).getTime() - new Date(c.submittedAt).getTime()) / 6_000) / 10);
}

/** 'YYYY-MM-DD HH:mm' in Vietnam's time: sorts as text, and spreadsheets read it as a date. */
function localTime(at: Date): string {
  const get = localParts(at, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
