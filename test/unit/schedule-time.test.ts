import { formatVietnamTime, parseScheduleTime } from '../../src/domain/schedule-time';

/** Times as group heads type them, read in Vietnam's time (UTC+7) against a fixed "now". */
describe('parseScheduleTime', () => {
  // 22/11/2026 10:00 in Vietnam.
  const now = new Date('2026-11-22T03:00:00Z');
  const at = (text: string) => {
    const r = parseScheduleTime(text, now);
    return r.ok ? formatVietnamTime(r.at, 'vi') : r.reason;
  };

  it.each([
    ['20/12 19:00', '19:00 20/12/2026'],
    ['20/12/2026 19:00', '19:00 20/12/2026'],
    ['19h30 20/12', '19:30 20/12/2026'],
    ['19:30 ngày 20/12', '19:30 20/12/2026'],
    ['lúc 7 giờ tối 25/11', '19:00 25/11/2026'],
    ['20-12-26 8h', '08:00 20/12/2026'],
    ['2026-12-20 08:15', '08:15 20/12/2026'],
    ['mai 8h', '08:00 23/11/2026'],
    ['ngày mai 8 giờ sáng', '08:00 23/11/2026'],
    ['tomorrow 7pm', '19:00 23/11/2026'],
    ['hôm nay 21:15', '21:15 22/11/2026'],
    ['today 9pm', '21:00 22/11/2026'],
    ['19:00', '19:00 22/11/2026'],
    ['9h', '09:00 23/11/2026'],
    ['5/1 7:00', '07:00 05/01/2027'],
    ['1/12 7 giờ 30', '07:30 01/12/2026'],
  ])('“%s” → %s', (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it.each([
    ['hôm nay 8h', 'past'],
    ['22/11/2026 9:00', 'past'],
    ['20/12/2027 19:00', 'too-far'],
    ['31/2 19:00', 'format'],
    ['20/12', 'format'],
    ['25:00', 'format'],
    ['sometime soon', 'format'],
    ['20/12 19:00 nếu rảnh', 'format'],
  ])('“%s” → %s', (text, reason) => {
    expect(at(text)).toBe(reason);
  });

  it('gives the exact instant in UTC', () => {
    const r = parseScheduleTime('20/12 19:00', now);
    expect(r.ok && r.at.toISOString()).toBe('2026-12-20T12:00:00.000Z');
  });
});
