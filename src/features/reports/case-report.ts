import type { Lang } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import { CASE_KINDS } from '../reporting/flows';
import { median } from '../../domain/case-workflow';
import { caseColumnHeader, caseColumnRow, minutesToAcknowledge, type ReportedCase } from '../../conversations/case-columns';
import { toCsv } from '../../domain/csv';
import { AppError } from '../../domain/app-error';
import { VIETNAM_ISO_OFFSET } from '../../domain/time';

/** What a report is made of: the area, its cases of the period (its own and those below it), every area's name. */
export interface ReportInput {
  area: { code: string; name: string };
  cases: readonly ReportedCase[];
  areaNames: ReadonlyMap<string, string>;
}

/** What a report reads of a case (its columns are the dashboard export's, conversations/case-columns.ts). */
export type { ReportedCase };

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

  const rows = cases.map((c) => caseColumnRow(c, t, lang, names));

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
    csv: toCsv([caseColumnHeader(t, lang), ...rows]),
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
