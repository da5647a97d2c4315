import type { CaseRecord } from '../domain/case-record';
import { localParts } from '../domain/time';
import type { Lang } from './messages';
import type { Translate } from './ports';

/**
 * The columns of every table of cases that leaves the bot: the operators' report upward
 * (scripts/report) and the dashboard's CSV and Excel exports write the same columns in the same
 * order, so a sheet from one reads like a sheet from the other. Categories, areas, states, times
 * and officer ids only: never a resident's words, contact or chat.
 */
export type ReportedCase = Pick<
  CaseRecord,
  'refCode' | 'kind' | 'category' | 'areaCode' | 'status' | 'outcome' | 'submittedAt' | 'acknowledgedAt' | 'resolvedAt' | 'assignedTo'
>;

/** What a reader of the store fetches for a row: exactly the columns' fields (a projection). */
export const REPORTED_CASE_FIELDS = [
  'refCode',
  'kind',
  'category',
  'areaCode',
  'status',
  'outcome',
  'submittedAt',
  'acknowledgedAt',
  'resolvedAt',
  'assignedTo',
] as const satisfies readonly (keyof ReportedCase)[];

const COLUMNS = [
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
] as const;

export type CaseCell = string | number;

/** The header row, in the reader's language (officer.report.column.*). */
export function caseColumnHeader(t: Translate, lang: Lang): string[] {
  return COLUMNS.map((k) => t(lang, `officer.report.column.${k}`));
}

/** One case as a row under `caseColumnHeader`; `areaNames` gives each area code its name. */
export function caseColumnRow(c: ReportedCase, t: Translate, lang: Lang, areaNames: ReadonlyMap<string, string>): CaseCell[] {
  return [
    c.refCode,
    t(lang, `officer.kind.${c.kind}`),
    t(lang, `categories.${c.kind}.${c.category}`),
    c.areaCode ?? '',
    c.areaCode ? (areaNames.get(c.areaCode) ?? '') : '',
    t(lang, `officer.report.status.${c.status}`),
    c.outcome ? t(lang, `officer.outcome.${c.outcome}`) : '',
    localTime(c.submittedAt),
    c.acknowledgedAt ? localTime(c.acknowledgedAt) : '',
    minutesToAcknowledge(c) ?? '',
    c.resolvedAt ? localTime(c.resolvedAt) : '',
    c.assignedTo ?? '',
  ];
}

/** Minutes from arrival to the first acknowledgement, to a tenth; null when not acknowledged. */
export function minutesToAcknowledge(c: Pick<ReportedCase, 'submittedAt' | 'acknowledgedAt'>): number | null {
  if (!c.acknowledgedAt) return null;
  return Math.max(0, Math.round((new Date(c.acknowledgedAt).getTime() - new Date(c.submittedAt).getTime()) / 6_000) / 10);
}

/** 'YYYY-MM-DD HH:mm' in Vietnam's time: sorts as text, and spreadsheets read it as a date. */
function localTime(at: Date): string {
  const get = localParts(at, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
