import { localParts, VIETNAM_TIME_ZONE } from './time';

/**
 * Reference codes are read over the phone, so they are short and unambiguous: the kind's prefix
 * (TB = tin báo, HG = hòa giải; each flow declares its kind's), the year and month, and a sequence
 * number of that kind in that month: TB-2611-0042. The sequence comes from an atomic counter
 * (Redis INCR), so replicas never hand out the same code; it grows past four digits if a month
 * ever needs it.
 */
export function formatReferenceCode(prefix: string, at: Date, sequence: number, timeZone = VIETNAM_TIME_ZONE): string {
  return `${prefix}-${yearMonth(at, timeZone)}-${String(sequence).padStart(4, '0')}`;
}

/** YYMM in Vietnam's time zone: a tip sent at 00:30 on 1 December local time is December's. */
export function yearMonth(at: Date, timeZone = VIETNAM_TIME_ZONE): string {
  const get = localParts(at, { year: '2-digit', month: '2-digit' }, timeZone);
  return `${get('year')}${get('month')}`;
}

/** A code of one of these prefixes, as it is given out, queued and stored. */
export function referenceCodePattern(prefixes: readonly string[]): RegExp {
  return new RegExp(`^(${prefixes.join('|')})-\\d{4}-\\d{4,}$`);
}

/**
 * Accepts what a person types ("tb 2611 42" is not accepted, "tb-2611-0042" and "TB26110042" are)
 * and canonicalises it: the dashes put back, then the code checked like any other.
 */
export function parseReferenceCode(input: string, pattern: RegExp): string | null {
  const code = input
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/^([A-Z]+)-?(\d{4})-?/, '$1-$2-');
  return pattern.test(code) ? code : null;
}
