/**
 * Benchmark 1, the pipeline: BENCH_N complete tips (default 10,000) through the bot's real update
 * handling (TelegramChannel.handleUpdate with Telegram-shaped updates, all 8 conversation steps),
 * the `cases` queue, a worker process (`dist/main.js --role worker`, compiled), the database and the outbox,
 * to the officer's alert on the Telegram emulator. Latency: from handing the confirming update
 * ("Send") to the bot, to the emulator recording the alert. In the same run, the ceilings: empty
 * BullMQ jobs added and processed on the same Redis, and raw inserts into the same database.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { startApp, testSettings } from '../../test/support/app-harness';
import { refCodeIn, TelegramDriver } from '../../test/support/telegram-driver';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { freePort } from '../../test/support/own-services';
import { bullmqCeiling, insertCeiling } from './ceilings';
import { lanes, latencySummary, procMemory, round, spawnCompiled, stopChild, until, waitHttp } from './kit';

const N = Number(process.env.BENCH_N ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const OFFICER = '100000001';

async function main(): Promise<void> {
  const settings = testSettings();
  const emu = new TelegramEmulator();
  await emu.start();
  const port = await freePort();
  const env = {
    ...settings,
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_RATE_PER_SECOND: '100000',
    FLOOD_MESSAGES_PER_10S: '1000000',
    CASES_PER_USER_PER_HOUR: '1000000',
    LOG_LEVEL: 'warn',
  };

  process.stderr.write(`pipeline: ceilings with ${N} empty BullMQ jobs and ${N} raw inserts…\n`);
  const bullmq = await bullmqCeiling(settings.REDIS_URL, N, CONCURRENCY);
  const inserts = await insertCeiling(settings.MONGODB_URI, N);

  const bot = await startApp(env, { roles: 'bot' });
  const worker = spawnCompiled('app', ['--role', 'worker'], { ...env, HTTP_PORT: String(port) }, 'worker');
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  const driver = new TelegramDriver(bot.bot!.telegram!, 1);
  const confirmAt = new Map<string, number>();

  process.stderr.write(`pipeline: ${N} tips, ${CONCURRENCY} residents at a time…\n`);
  const t0 = Date.now();
  await lanes(N, CONCURRENCY, async (i) => {
    const resident = 1_000_000 + i;
    await driver.tipDraft(resident);
    confirmAt.set(String(resident), Date.now());
    await driver.press(resident, 'nav:confirm');
  });
  const botDone = Date.now();
  const allAlerted = await until(() => emu.sent(OFFICER).length >= N, Math.max(300_000, N * 300), 500);
  const workerMemory = procMemory(worker.pid!);
  await stopChild(worker);

  // One pass over what the emulator recorded: each resident's code, each code's alert.
  const codeOf = new Map<string, string>();
  const alertAt = new Map<string, number[]>();
  for (const m of emu.sent()) {
    const code = refCodeIn(m.text);
    if (!code) continue;
    if (m.chat_id === OFFICER) alertAt.set(code, [...(alertAt.get(code) ?? []), m.at]);
    else if (confirmAt.has(m.chat_id)) codeOf.set(m.chat_id, code);
  }
  const latencies: number[] = [];
  for (const [resident, code] of codeOf) {
    const at = alertAt.get(code)?.[0];
    if (at !== undefined) latencies.push(at - confirmAt.get(resident)!);
  }
  const lastAlert = Math.max(...[...alertAt.values()].map((a) => a[0]));
  const pipelineMs = lastAlert - t0;
  const tipsPerSecond = round((N / pipelineMs) * 1000);
  const result = {
    name: 'pipeline',
    n: N,
    concurrency: CONCURRENCY,
    told: codeOf.size,
    alerted: alertAt.size,
    duplicated: [...alertAt.values()].filter((a) => a.length > 1).length,
    allAlerted,
    updates: N * 8,
    botMs: botDone - t0,
    conversationsPerSecond: round((N / (botDone - t0)) * 1000),
    updatesPerSecond: round(((N * 8) / (botDone - t0)) * 1000),
    pipelineMs,
    tipsPerSecond,
    latencyMs: latencySummary(latencies),
    ceilings: { bullmq, inserts },
    ratios: { toBullmqJobs: round(tipsPerSecond / bullmq.jobsPerSecond, 3), toInserts: round(tipsPerSecond / inserts.insertsPerSecond, 3) },
    memory: { botProcessPeakMiB: Math.round(process.resourceUsage().maxRSS / 1024), workerProcessPeakMiB: workerMemory.peakMiB },
  };
  await bot.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`pipeline benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
