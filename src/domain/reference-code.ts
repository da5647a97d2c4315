import type { CaseKind } from './case-kinds';

/**
 * Reference codes are read over the phone, so they are short and unambiguous: a prefix for the
 * kind (TB = tin báo, HG = hòa giải), the year and month, and a sequence number of that kind in
 * that month: TB-2611-0042. The sequence comes from an atomic counter (Redis INCR), so replicas
 * never hand out the same code; it grows past four digits if a month ever needs it.
 */
export const PREFIX: Record<CaseKind, string> = { tip: 'TB', mediation: 'HG' };

export function formatReferenceCode(kind: CaseKind, at: Date, sequence: number, timeZone = 'Asia/Ho_Chi_Minh'): string {
  return `${PREFIX[kind]}-${yearMonth(at, timeZone)}-${String(sequence).padStart(4, '0')}`;
}

/** YYMM in Vietnam's time zone: a tip sent at 00:30 on 1 December local time is December's. */
export function yearMonth(at: Date, timeZone = 'Asia/Ho_Chi_Minh'): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: '2-digit', month: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}${get('month')}`;
}

const PATTERN = /^(TB|HG)-?(\d{4})-?(\d{4,})$/;

/** Accepts what a person types ("tb 2611 42" is not accepted, "tb-2611-0042" is) and canonicalises it. */
export function parseReferenceCode(input: string): string | null {
  const m = PATTERN.exec(input.trim().toUpperCase().replace(/\s+/g, ''));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
