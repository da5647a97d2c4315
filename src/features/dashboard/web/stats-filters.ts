import { weekOf } from '../../../domain/case-statistics';
import { VIETNAM_OFFSET_MS } from '../../../domain/time';
import type { Lang } from '../../../conversations/messages';
import type { WholeFilter } from '../ports';
import { parseListQuery, toCaseFilter } from './filters';

/** The statistics' filters as the URL holds them: a period (always), an area, a category. */
export interface StatsQuery {
  /** Vietnam's days, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  area?: string;
  category?: string;
  lang?: Lang;
}

/** Weeks the page shows when the URL names no period: this one and the eleven before it. */
const DEFAULT_WEEKS = 12;
const DAY_MS = 86_400_000;

/** The list's own parsing (what is malformed is dropped), then the default period for what is missing. */
export function parseStatsQuery(raw: Record<string, unknown>, now: Date): StatsQuery {
  const q = parseListQuery(raw);
  const today = new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
  const from = new Date(Date.parse(weekOf(now)) - (DEFAULT_WEEKS - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
  return { from: q.from ?? from, to: q.to ?? today, area: q.area, category: q.category, lang: q.lang };
}

/** The store's filter: every status, the period's instants, the list's translation of the rest. */
export function statsFilter(q: StatsQuery): WholeFilter & { from: Date; to: Date } {
  const { offset, limit, ...filter } = toCaseFilter({ ...q, status: 'all', page: 1 }, 1);
  const { from, to } = filter;
  // parseStatsQuery always names both days, so both bounds are there.
  if (!from || !to) throw new Error('a statistics period needs both days');
  return { ...filter, from, to };
}
