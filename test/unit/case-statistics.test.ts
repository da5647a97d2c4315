import { durations, percentile, weekOf, weeksBetween } from '../../src/domain/case-statistics';

describe('case statistics', () => {
  it('takes the 90th percentile by nearest rank: always a value some case really had', () => {
    expect(percentile([], 90)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90)).toBe(90);
    // ceil(0.9 × 11) = 10th of 11.
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([5, 1, 3], 50)).toBe(3);
  });

  it('gives median and p90 in minutes to a tenth', () => {
    const min = 60_000;
    expect(durations([10 * min, 30 * min, 20 * min, 50 * min, 40 * min, 120 * min])).toEqual({ count: 6, median: 35, p90: 120 });
    expect(durations([90_500])).toEqual({ count: 1, median: 1.5, p90: 1.5 });
    expect(durations([])).toEqual({ count: 0, median: null, p90: null });
  });

  it("counts weeks from Monday in Vietnam's time, whatever UTC's day", () => {
    // Monday 03:00 in Vietnam is Sunday 20:00 UTC.
    expect(weekOf(new Date('2026-11-23T03:00:00+07:00'))).toBe('2026-11-23');
    expect(weekOf(new Date('2026-11-22T23:59:00+07:00'))).toBe('2026-11-16');
    expect(weekOf(new Date('2026-11-29T23:59:00+07:00'))).toBe('2026-11-23');
    expect(weeksBetween(new Date('2026-11-04T00:00:00+07:00'), new Date('2026-11-30T00:00:00+07:00'))).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
    ]);
    expect(weeksBetween(new Date('2026-11-30T00:00:00+07:00'), new Date('2026-11-02T00:00:00+07:00'))).toEqual([]);
  });
});
