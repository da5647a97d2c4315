import { databaseOutage } from './database-outage';
import type { FaultReport } from './kit';
import { platformFaults } from './platform-faults';
import { redisRestart } from './redis-restart';

/**
 * Fault injection against the real app, with processes of the test's own that it stops and
 * starts (test/support/own-services.ts). Each scenario counts what residents were told, what was
 * stored and what the officers received (test/chaos/kit.ts); nothing told may be lost and nothing
 * may be sent twice. `bash scripts/chaos` runs the same scenarios larger and writes the counts to
 * docs/faults.md.
 */

function summary(r: FaultReport): string {
  return `${r.scenario}: ${r.residents} residents, told ${r.told} (${r.toldAfterRetry} after retrying), stored ${r.stored}, lost ${r.lost}, alerts ${r.alertsDelivered}, duplicated ${r.duplicated}, missing ${r.alertsMissing} ${JSON.stringify(r.notes)}\n`;
}

function expectNothingLostNorRepeated(r: FaultReport): void {
  expect({ lost: r.lost, duplicated: r.duplicated, alertsMissing: r.alertsMissing }).toEqual({ lost: 0, duplicated: 0, alertsMissing: 0 });
  expect(r.stored).toBe(r.toldAfterRetry + r.storedUntold);
  expect(r.alertsDelivered).toBe(r.stored);
}

describe('faults', () => {
  it('Redis restarted in the middle of a burst: every tip a resident was told "received" is stored and alerted once', async () => {
    const r = await redisRestart({ residents: 40, downMs: 1500 });
    process.stdout.write(summary(r));
    expectNothingLostNorRepeated(r);
    expect(r.toldAfterRetry).toBe(r.residents);
    expect(r.notes['ready again after the restart']).toBe('yes');
  }, 180_000);

  it('database unreachable while residents press Send: all are told, /readyz says 503, jobs retry, all land once it is back', async () => {
    // Longer than mongoose's 10 s command buffer, so the intake jobs in hand fail and are retried.
    const r = await databaseOutage({ residents: 30, downMs: 12_000 });
    process.stdout.write(summary(r));
    expectNothingLostNorRepeated(r);
    expect(r.told).toBe(r.residents);
    expect(r.notes).toMatchObject({
      '/readyz before': 200,
      '/readyz while down': 503,
      '/readyz after restart': 200,
      'job.failed_for_good': 0,
    });
    expect(r.notes['job.retrying']).toBeGreaterThan(0);
  }, 180_000);

  it('Telegram answering 429 with retry_after, 500 and hanging while alerts go out: each alert arrives exactly once', async () => {
    const r = await platformFaults({ residents: 50 });
    process.stdout.write(summary(r));
    expectNothingLostNorRepeated(r);
    expect(r.told).toBe(r.residents);
    expect(r.notes['429 answered (forced + limits)']).toBeGreaterThanOrEqual(10);
    expect(r.notes['job.failed_for_good']).toBe(0);
  }, 180_000);
});
