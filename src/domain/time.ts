import type { Lang } from './chat';

/**
 * Every time the bot shows, every reference code's month and every report's day is Vietnam's:
 * officers, residents and the reports upward all live in it, whatever zone the server runs in.
 * Vietnam keeps UTC+7 all year (no daylight saving time), so the offset is a constant too.
 */
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
/** The same offset as ISO 8601 writes it: `new Date('2026-12-01T00:00:00+07:00')` is local midnight. */
export const VIETNAM_ISO_OFFSET = '+07:00';

const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

/** A short date and time in the reader's language, as alerts and case cards show it ("00:30 1/12/26"). */
export function formatTime(at: Date, lang: Lang, timeZone = VIETNAM_TIME_ZONE): string {
  return formatter(LOCALE[lang], { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(at));
}

/** "19:00 20/12/2026" in Vietnam's time, whatever the language: how a schedule is shown back. */
export function formatVietnamTime(at: Date, lang: Lang): string {
  const get = localParts(
    at,
    { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hour12: false },
    VIETNAM_TIME_ZONE,
    LOCALE[lang],
  );
  return `${get('hour')}:${get('minute')} ${get('day')}/${get('month')}/${get('year')}`;
}

/**
 * The parts of a local date and time, for the forms no locale writes (YYMM in reference codes,
 * 'YYYY-MM-DD HH:mm' in reports): `get('month')`, '00' for a part not asked for.
 */
export function localParts(
  at: Date,
  parts: Intl.DateTimeFormatOptions,
  timeZone = VIETNAM_TIME_ZONE,
  locale = 'en-GB',
): (type: Intl.DateTimeFormatPartTypes) => string {
  const formatted = formatter(locale, { ...parts, timeZone }).formatToParts(new Date(at));
  return (type) => formatted.find((p) => p.type === type)?.value ?? '00';
}

/**
 * One formatter per locale and options, kept: building an Intl.DateTimeFormat costs about 0.3 ms
 * (it loads the locale's data), formatting with one costs microseconds, and an export formats
 * three dates a case (measured: 100,000 cases spent most of their time building formatters).
 * The forms asked for are a handful, fixed in the code, so the cache stays small.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}
