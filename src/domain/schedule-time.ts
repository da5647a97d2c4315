import { fold } from './text';
import { VIETNAM_OFFSET_MS } from './time';

// Schedules are shown back with it; it lives with the other time formats.
export { formatVietnamTime } from './time';

/**
 * A date and time as group heads and officers type it, in Vietnam's time (time.ts: UTC+7 all year):
 * "20/12 19:00", "19h30 20/12", "20-12-2026 7:00", "mai 8h", "ngày mai 8 giờ sáng", "hôm nay 21:15",
 * "tomorrow 7pm", or a time alone (today, or tomorrow if that time has passed). A date without a
 * year is the next such date.
 */

export type ScheduleParse = { ok: true; at: Date } | { ok: false; reason: 'format' | 'past' | 'too-far' };

export interface ScheduleLimits {
  /** The latest time that may be chosen, from now (default 90 days). */
  maxAheadMs?: number;
}

export function parseScheduleTime(text: string, now: Date, limits: ScheduleLimits = {}): ScheduleParse {
  const maxAheadMs = limits.maxAheadMs ?? 90 * 86_400_000;
  // Keep ':' '/' '-' '.' that fold would turn into spaces: they separate hours and dates.
  let s = fold(text.replace(/(\d)\s*[:hg]\s*(\d{2})/gi, '$1h$2').replace(/(\d)[/.-](\d)/g, '$1s$2'));
  const local = new Date(now.getTime() + VIETNAM_OFFSET_MS);
  let day: { y?: number; m: number; d: number } | undefined;

  const relative: [RegExp, number][] = [
    [/\b(hom nay|today)\b/, 0],
    [/\b(ngay mai|mai|tomorrow)\b/, 1],
    [/\b(ngay kia|ngay mot|mot)\b/, 2],
  ];
  for (const [re, plus] of relative) {
    if (re.test(s)) {
      const base = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + plus));
      day = { y: base.getUTCFullYear(), m: base.getUTCMonth() + 1, d: base.getUTCDate() };
      s = s.replace(re, ' ');
      break;
    }
  }
  const iso = /\b(\d{4})s(\d{1,2})s(\d{1,2})\b/.exec(s);
  const dmy = /\b(\d{1,2})s(\d{1,2})(?:s(\d{2,4}))?\b/.exec(s);
  if (!day && iso) {
    day = { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) };
    s = s.replace(iso[0], ' ');
  } else if (!day && dmy) {
    const y = dmy[3] === undefined ? undefined : Number(dmy[3].length === 2 ? `20${dmy[3]}` : dmy[3]);
    day = { y, m: Number(dmy[2]), d: Number(dmy[1]) };
    s = s.replace(dmy[0], ' ');
  }

  // "19h30", "19h", "7 gio", "7 pm", "7:30 am" (':' became 'h' above).
  const time = /\b(\d{1,2})(?:h(\d{2})?|\s*gio(?:\s*(\d{1,2}))?|\s*(?=am\b|pm\b))?\s*(am|pm|sang|trua|chieu|toi|dem)?\b/.exec(
    s.replace(/\s+/g, ' ').trim(),
  );
  if (!time || (time[2] === undefined && time[3] === undefined && !/h|gio|am|pm|sang|trua|chieu|toi|dem/.test(time[0])))
    return { ok: false, reason: 'format' };
  let hour = Number(time[1]);
  const minute = Number(time[2] ?? time[3] ?? 0);
  const part = time[4];
  if (part === 'pm' || part === 'chieu' || part === 'toi' || (part === 'trua' && hour < 11)) hour = hour < 12 ? hour + 12 : hour;
  if ((part === 'am' || part === 'dem') && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return { ok: false, reason: 'format' };
  // Nothing else may be left: "20/12 19:00 abc" is not a time we should guess at.
  const rest = s
    .replace(time[0], ' ')
    .replace(/\b(luc|vao|ngay|at|on|the|gio)\b/g, ' ')
    .trim();
  if (rest !== '') return { ok: false, reason: 'format' };

  let at: Date;
  if (day) {
    const y = day.y ?? local.getUTCFullYear();
    at = vietnamTime(y, day.m, day.d, hour, minute);
    if (!sameVietnamDate(at, y, day.m, day.d)) return { ok: false, reason: 'format' };
    // "20/12" typed on 25/12 means next year's.
    if (day.y === undefined && at.getTime() <= now.getTime() - 86_400_000) at = vietnamTime(y + 1, day.m, day.d, hour, minute);
  } else {
    at = vietnamTime(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), hour, minute);
    if (at.getTime() <= now.getTime()) at = new Date(at.getTime() + 86_400_000);
  }
  if (at.getTime() <= now.getTime()) return { ok: false, reason: 'past' };
  if (at.getTime() - now.getTime() > maxAheadMs) return { ok: false, reason: 'too-far' };
  return { ok: true, at };
}

function vietnamTime(y: number, m: number, d: number, hour: number, minute: number): Date {
  return new Date(Date.UTC(y, m - 1, d, hour, minute) - VIETNAM_OFFSET_MS);
}

function sameVietnamDate(at: Date, y: number, m: number, d: number): boolean {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MS);
  return local.getUTCFullYear() === y && local.getUTCMonth() + 1 === m && local.getUTCDate() === d;
}
