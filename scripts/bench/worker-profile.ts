/**
 * Diagnostic: where the worker's time goes. BENCH_PROFILE_N tips (default 300) are queued as the
 * bot would queue them, then one in-process worker stores them and sends their alerts to the
 * Telegram emulator while every mongoose query is timed. Prints the operations by total time.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import mongoose from 'mongoose';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, testSettings } from '../../test/support/app-harness';
import { tipSubmission } from '../../test/support/submissions';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { round, until } from './kit';

const N = Number(process.env.BENCH_PROFILE_N ?? 300);

async function main(): Promise<void> {
  const emu = new TelegramEmulator();
  await emu.start();
  const env = {
    ...testSettings(),
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_RATE_PER_SECOND: '100000',
    LOG_LEVEL: 'warn',
  };
  const seeder = await startApp(env, { roles: 'none' });
  const intake = new QueueCaseIntake(seeder.rt.queueRedis, seeder.rt.refCodes, { attempts: 3, backoffMs: 100, box: seeder.rt.box });
  for (let i = 1; i <= N; i++) await intake.submit(tipSubmission(i, { submittedAt: new Date().toISOString() }));

  const ops = new Map<string, { n: number; ms: number }>();
  const exec = mongoose.Query.prototype.exec;
  mongoose.Query.prototype.exec = async function timed(this: mongoose.Query<unknown, unknown>, ...args: unknown[]) {
    const t0 = Date.now();
    try {
      return await (exec as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } finally {
      const key = `${this.model?.modelName ?? '?'}.${(this as unknown as { op?: string }).op ?? '?'}(${Object.keys(this.getFilter?.() ?? {}).join(', ')})`;
      const o = ops.get(key) ?? { n: 0, ms: 0 };
      o.n++;
      o.ms += Date.now() - t0;
      ops.set(key, o);
    }
  } as typeof exec;

  const t0 = Date.now();
  const worker = await startApp(env, { roles: 'worker', seed: false, fresh: false });
  const tenths: number[] = [];
  await until(
    () => {
      const n = emu.sent('100000001').length;
      while (tenths.length < 10 && n >= ((tenths.length + 1) * N) / 10) tenths.push(Date.now() - t0);
      return n >= N;
    },
    Math.max(300_000, N * 1000),
    100,
  );
  const ms = Date.now() - t0;
  mongoose.Query.prototype.exec = exec;
  const top = [...ops]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 12)
    .map(([op, o]) => ({ op, calls: o.n, perAlert: round(o.n / N, 2), avgMs: round(o.ms / o.n), totalMs: o.ms }));
  const result = {
    name: 'worker-profile',
    n: N,
    ms,
    alertsPerSecond: round((N / ms) * 1000),
    // Time for each tenth of the alerts: growing slices mean per-case work that grows with the data.
    tenthsMs: tenths.map((t, i) => t - (tenths[i - 1] ?? 0)),
    top,
  };
  await worker.close();
  await intake.close();
  await seeder.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`worker profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
