import { CASE_STATUSES, type CaseStatus } from '../../../domain/case-workflow';
import type { Lang } from '../../../conversations/messages';
import { CASE_KINDS } from '../../reporting/flows';
import type { CaseFilter } from '../ports';

/** The list's filters exactly as the URL holds them, so a view can be bookmarked or sent. */
export interface ListQuery {
  status: 'open' | 'all' | CaseStatus;
  category?: string;
  area?: string;
  /** Days as the date inputs give them, YYYY-MM-DD, in Vietnam's time (UTC+7, no summer time). */
  from?: string;
  to?: string;
  /** Part of a reference code. */
  q?: string;
  page: number;
  lang?: Lang;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AREA = /^[a-z0-9-]{1,64}$/;
const REF_TEXT = /^[A-Za-z0-9-]{1,20}$/;
const OPEN: CaseStatus[] = ['new', 'acknowledged'];
const CATEGORIES = new Set(CASE_KINDS.all.flatMap((k) => k.categories));

type Raw = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** What the query string asks for; anything malformed is dropped (the filter falls back to its default). */
export function parseListQuery(raw: Raw): ListQuery {
  const status = str(raw.status);
  const q: ListQuery = {
    status: status === 'all' || (CASE_STATUSES as readonly string[]).includes(status) ? (status as ListQuery['status']) : 'open',
    page: Math.min(10_000, Math.max(1, Math.floor(Number(str(raw.page))) || 1)),
  };
  const category = str(raw.category);
  if (CATEGORIES.has(category)) q.category = category;
  const area = str(raw.area);
  if (AREA.test(area)) q.area = area;
  const from = str(raw.from);
  if (DAY.test(from) && !Number.isNaN(dayStart(from).getTime())) q.from = from;
  const to = str(raw.to);
  if (DAY.test(to) && !Number.isNaN(dayStart(to).getTime())) q.to = to;
  const text = str(raw.q);
  if (REF_TEXT.test(text)) q.q = text.toUpperCase();
  const lang = str(raw.lang);
  if (lang === 'vi' || lang === 'en') q.lang = lang;
  return q;
}

/** Midnight of a day in Vietnam. */
function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

/** The store's filter of the URL's filters, without paging: the map (and whatever else shows all of them). */
export function toUnpagedFilter(q: ListQuery): Omit<CaseFilter, 'offset' | 'limit'> {
  return {
    statuses: q.status === 'open' ? OPEN : q.status === 'all' ? [...CASE_STATUSES] : [q.status],
    category: q.category,
    areaCode: q.area,
    from: q.from ? dayStart(q.from) : undefined,
    // `to` is the last day included.
    to: q.to ? new Date(dayStart(q.to).getTime() + 86_400_000) : undefined,
    refText: q.q,
  };
}

/** The store's filter for one page of the list. */
export function toCaseFilter(q: ListQuery, pageSize: number): CaseFilter {
  return { ...toUnpagedFilter(q), offset: (q.page - 1) * pageSize, limit: pageSize };
}

/** The list's address for these filters (defaults left out), with `over` changed. */
export function listHref(q: ListQuery, over: Partial<ListQuery> = {}): string {
  return withFilters('/dashboard/cases', { ...q, ...over });
}

/** The map's address (and its data's, `path`) for the same filters: every case, so no page. */
export function mapHref(q: ListQuery, path = '/dashboard/map'): string {
  return withFilters(path, { ...q, page: 1 });
}

/** `path` with the filters in its query string, defaults left out. */
function withFilters(path: string, all: ListQuery): string {
  const params = new URLSearchParams();
  if (all.status !== 'open') params.set('status', all.status);
  for (const key of ['category', 'area', 'from', 'to', 'q', 'lang'] as const) {
    const v = all[key];
    if (v) params.set(key, v);
  }
  if (all.page > 1) params.set('page', String(all.page));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
