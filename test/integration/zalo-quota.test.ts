import { quotaMonth, ZaloQuota, type ZaloQuotaWarning } from '../../src/channels/zalo/quota';
import { startApp, type AppHarness } from '../support/app-harness';

/**
 * The quota counter against real Redis, with its clock moved: the month is Vietnam's (UTC+7), a
 * new month starts from nothing and warns again, two processes sharing Redis warn once between
 * them, and the hold after a quota 429 ends by itself.
 */

let h: AppHarness;

beforeAll(async () => {
  h = await startApp({}, { roles: 'none', seed: false });
});

afterAll(async () => {
  await h?.close();
});

describe('ZaloQuota', () => {
  it('counts by Vietnam’s calendar month', () => {
    // 16:59 UTC on 30 November is 23:59 in Hanoi; a minute later it is 1 December there.
    expect(quotaMonth(Date.UTC(2026, 10, 30, 16, 59))).toBe('2026-11');
    expect(quotaMonth(Date.UTC(2026, 10, 30, 17, 0))).toBe('2026-12');
  });

  it('warns once a month across processes, and again in the next month, which starts from nothing', async () => {
    let now = Date.UTC(2026, 10, 15, 3, 0);
    const opts = { limit: 10, warnShare: 0.5, replyBackoffMs: 60_000, now: () => now };
    // Two processes (a bot and a worker) on one Redis.
    const bot = new ZaloQuota(h.rt.redis, h.rt.log, opts);
    const worker = new ZaloQuota(h.rt.redis, h.rt.log, opts);
    const warnings: ZaloQuotaWarning[] = [];
    bot.onWarning((w) => void warnings.push(w));
    worker.onWarning((w) => void warnings.push(w));

    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? bot : worker).count()));
    expect(await bot.usage()).toEqual({ month: '2026-11', used: 8, limit: 10, repliesHeldMs: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ month: '2026-11', limit: 10 });

    now = Date.UTC(2026, 11, 1, 3, 0);
    expect(await worker.usage()).toMatchObject({ month: '2026-12', used: 0 });
    for (let i = 0; i < 5; i++) await bot.count();
    expect(warnings.map((w) => [w.month, w.used])).toEqual([
      ['2026-11', warnings[0].used],
      ['2026-12', 5],
    ]);
    // The month's counter expires on its own.
    expect(await h.rt.redis.ttl('zalo-quota:2026-12')).toBeGreaterThan(30 * 24 * 3600);
  });

  it('holds replies for the back-off after a quota 429, then lets them go', async () => {
    const quota = new ZaloQuota(h.rt.redis, h.rt.log, { limit: 10, warnShare: 0.8, replyBackoffMs: 300 });
    expect(await quota.repliesHeldMs()).toBe(0);
    await quota.spent();
    expect(await quota.repliesHeldMs()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(await quota.repliesHeldMs()).toBe(0);
  });
});
