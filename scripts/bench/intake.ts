/**
 * Intake alone: BENCH_INTAKE_N submissions (default BENCH_N, 10,000) put on the `cases` queue as
 * the bot puts them (QueueCaseIntake.submit, BENCH_CONCURRENCY in flight), stored and alerted by a
 * worker process (`dist/main.js --role worker`, compiled) into the Telegram emulator: the
 * pipeline without the bot's conversations. Compared, in the same run, with the slower of the two
 * raw ceilings (scripts/bench/ceilings.ts): empty BullMQ jobs added and processed, and raw inserts.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, testSettings } from '../../test/support/app-harness';
import { tipSubmission } from '../../test/support/submissions';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { bullmqCeiling, insertCeiling, tipCommandsCeiling } from './ceilings';
import { lanes, procMemory, round, stopChild, until } from './kit';
import { startRole } from './processes';

const N = Number(process.env.BENCH_INTAKE_N ?? process.env.BENCH_N ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const OFFICER = '100000001';

async function main(): Promise<void> {
  const emu = new TelegramEmulator();
  await emu.start();
  const settings = testSettings();
  const env = {
    ...settings,
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_RATE_PER_SECOND: '100000',
    LOG_LEVEL: 'warn',
  };
  process.stderr.write(`intake: ceilings with ${N} empty BullMQ jobs and ${N} raw inserts…\n`);
  const bullmq = await bullmqCeiling(settings.REDIS_URL, N, CONCURRENCY);
  const inserts = await insertCeiling(settings.MONGODB_URI, N);
  const tipCommands = await tipCommandsCeiling(settings.MONGODB_URI, N);

  const seeder = await startApp(env, { roles: 'none' });
  const worker = await startRole('worker', env);
  const intake = new QueueCaseIntake(seeder.rt.queueRedis, seeder.rt.refCodes, { attempts: 3, backoffMs: 100, box: seeder.rt.box });
  process.stderr.write(`intake: ${N} submissions, ${CONCURRENCY} in flight…\n`);
  const t0 = Date.now();
  await lanes(N, CONCURRENCY, (i) => intake.submit(tipSubmission(i + 1, { submittedAt: new Date().toISOString() })));
  const queuedMs = Date.now() - t0;
  const allAlerted = await until(() => emu.sent(OFFICER).length >= N, Math.max(300_000, N * 300), 100);
  const alerts = emu.sent(OFFICER);
  const ms = Math.max(...alerts.map((m) => m.at)) - t0;
  const alertsPerSecond = round((alerts.length / ms) * 1000);
  const slower = Math.min(bullmq.jobsPerSecond, inserts.insertsPerSecond);
  const result = {
    name: 'intake',
    n: N,
    concurrency: CONCURRENCY,
    alerted: alerts.length,
    allAlerted,
    queuedMs,
    ms,
    alertsPerSecond,
    ceilings: { bullmq, inserts, tipCommands },
    ratioToTipCommands: round(alertsPerSecond / tipCommands.tipsPerSecond, 3),
    ratioToSlowerCeiling: round(alertsPerSecond / slower, 3),
    slowerCeiling: bullmq.jobsPerSecond <= inserts.insertsPerSecond ? 'bullmq' : 'inserts',
    workerPeakMiB: procMemory(worker.child.pid!).peakMiB,
  };
  await stopChild(worker.child);
  await intake.close();
  await seeder.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`intake benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
