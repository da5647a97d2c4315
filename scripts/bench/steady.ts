/**
 * Steady load: tips offered at fixed rates (BENCH_STEADY_RATES, default 5,20,50,100,150,200 a
 * second), each for BENCH_STEADY_SECONDS (default 20), rather than one burst. The bot (`--role bot`,
 * webhook mode) and the worker (`--role worker`) run as their own compiled processes; before each
 * step the step's residents fill their drafts (7 updates each) and the step starts only once the
 * bot and the worker are idle, so the measured window holds "Send" updates and nothing else. The
 * "Send" updates are POSTed open-loop, on a fixed schedule whatever the answers (a queue behind a
 * slow pipeline shows as latency, as it would for residents). Latency: from POSTing "Send" to the
 * officer's alert reaching the Telegram emulator (which runs in this process, on the same clock).
 * The steps stop after the first rate the pipeline does not sustain (fewer than 95 % of the
 * offered tips a second alerted).
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { startApp, testSettings } from '../../test/support/app-harness';
import { inboxDrained } from '../../test/support/inbox';
import { refCodeIn } from '../../test/support/telegram-driver';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { lanes, latencySummary, procMemory, round, sleep, stopChild, until } from './kit';
import { startRole } from './processes';
import { postUpdate, pressUpdate, tipDraftUpdates } from './webhook-feed';

const RATES = (process.env.BENCH_STEADY_RATES ?? '5,20,50,100,150,200').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const OFFICER = '100000001';
/** A rate is sustained when at least this share of it is alerted a second, over the step. */
const SUSTAINED = 0.95;

async function main(): Promise<void> {
  const emu = new TelegramEmulator();
  await emu.start();
  const env = {
    ...testSettings(),
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    // One officer gets every alert: Telegram's one-message-a-second per chat would pace them, not us.
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_RATE_PER_SECOND: '100000',
    FLOOD_MESSAGES_PER_10S: '1000000',
    LOG_LEVEL: 'warn',
  };
  const seeder = await startApp(env, { roles: 'none' });
  const bot = await startRole('bot', env);
  const worker = await startRole('worker', env);
  const steps = [];
  let nextResident = 4_000_000;
  for (const rate of RATES) {
    const count = Math.max(1, Math.round(rate * SECONDS));
    const residents = Array.from({ length: count }, () => nextResident++);
    process.stderr.write(`steady: ${rate}/s for ${SECONDS} s: ${count} drafts first…\n`);
    await lanes(count, CONCURRENCY, async (i) => {
      for (const u of tipDraftUpdates(residents[i])) await postUpdate(bot.port, u);
    });
    await inboxDrained(seeder.rt.queueRedis, 'telegram', 300_000);
    const alertsBefore = emu.sent(OFFICER).length;
    await sleep(1000);

    const sendAt = new Map<string, number>();
    const posts: Promise<boolean>[] = [];
    const t0 = performance.now();
    const wall0 = Date.now();
    for (let i = 0; i < count; i++) {
      const due = (i * 1000) / rate;
      const wait = due - (performance.now() - t0);
      if (wait > 1) await sleep(wait);
      sendAt.set(String(residents[i]), Date.now());
      posts.push(postUpdate(bot.port, pressUpdate(residents[i], 'nav:confirm')));
    }
    const offeredMs = Date.now() - wall0;
    const accepted = (await Promise.all(posts)).filter(Boolean).length;
    const allAlerted = await until(() => emu.sent(OFFICER).length - alertsBefore >= count, 120_000 + count * 100, 50);

    const codeOf = new Map<string, string>();
    for (const id of sendAt.keys()) {
      const code = emu
        .sent(id)
        .map((m) => refCodeIn(m.text))
        .find(Boolean);
      if (code) codeOf.set(code, id);
    }
    const latencies: number[] = [];
    let lastAlert = 0;
    for (const m of emu.sent(OFFICER).slice(alertsBefore)) {
      const code = refCodeIn(m.text);
      const resident = code && codeOf.get(code);
      if (!resident) continue;
      latencies.push(m.at - sendAt.get(resident)!);
      lastAlert = Math.max(lastAlert, m.at);
    }
    const achieved = latencies.length / ((lastAlert - wall0) / 1000);
    const step = {
      offeredPerSecond: rate,
      offeredMs,
      tips: count,
      accepted,
      alerted: latencies.length,
      allAlerted,
      achievedPerSecond: round(achieved),
      sustained: allAlerted && achieved >= SUSTAINED * rate,
      latencyMs: latencySummary(latencies),
    };
    process.stderr.write(`steady: ${JSON.stringify(step)}\n`);
    steps.push(step);
    if (!step.sustained) break;
  }
  const memory = { botPeakMiB: procMemory(bot.child.pid!).peakMiB, workerPeakMiB: procMemory(worker.child.pid!).peakMiB };
  await stopChild(bot.child);
  await stopChild(worker.child);
  await seeder.close();
  await emu.stop();
  // The knee: the first rate whose p99 is more than twice the lowest rate's.
  const base = steps[0]?.latencyMs.p99 ?? NaN;
  const knee = steps.find((s) => s.latencyMs.p99 > 2 * base || !s.sustained)?.offeredPerSecond ?? null;
  const highestSustained = Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.offeredPerSecond));
  const result = { name: 'steady', seconds: SECONDS, steps, knee, highestSustained, memory };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`steady-load benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
