import { median } from './case-workflow';
import { VIETNAM_OFFSET_MS } from './time';

/**
 * The dashboard's statistics of a set of cases (whatever the list's filters select): counts the
 * database groups, and what it cannot group on FerretDB (weeks, waiting times), worked out here
 * from the three timestamps of each case.
 */
export interface CaseStatistics {
  total: number;
  byCategory: { kind: string; category: string; count: number }[];
  byStatus: { status: string; count: number }[];
  byArea: { areaCode: string | null; areaName: string | null; count: number }[];
  /** Every week of the period, Monday first (Vietnam's days), with no gaps: 'YYYY-MM-DD' of its Monday. */
  byWeek: { week: string; count: number }[];
  /** Mediation requests closed, by outcome. */
  mediationOutcomes: { outcome: string; count: number }[];
  /** From arrival to the first acknowledgement, and to the close, in minutes. */
  toAcknowledge: Durations;
  toResolve: Durations;
}

export interface Durations {
  /** How many cases the figures are made of. */
  count: number;
  median: number | null;
  p90: number | null;
}

const DAY_MS = 86_400_000;

/** The Monday (Vietnam's calendar) of the week `at` falls in, as 'YYYY-MM-DD'. */
export function weekOf(at: Date): string {
  const day = Math.floor((at.getTime() + VIETNAM_OFFSET_MS) / DAY_MS);
  // 1 January 1970 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}

/** The Mondays of every week from the one holding `from` to the one holding the instant before `to`. */
export function weeksBetween(from: Date, to: Date): string[] {
  const weeks: string[] = [];
  const last = weekOf(new Date(to.getTime() - 1));
  for (let w = weekOf(from); w <= last; w = new Date(Date.parse(w) + 7 * DAY_MS).toISOString().slice(0, 10)) weeks.push(w);
  return weeks;
}

/**
 * The p-th percentile by nearest rank (the smallest value with at least p% of the values at or
 * below it), so it is always a time some case really waited; null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** Median and 90th percentile of waiting times given in milliseconds, in minutes to a tenth. */
export function durations(waitsMs: readonly number[]): Durations {
  const minutes = waitsMs.map((ms) => Math.max(0, ms) / 60_000);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { count: minutes.length, median: round(median(minutes)), p90: round(percentile(minutes, 90)) };
}
