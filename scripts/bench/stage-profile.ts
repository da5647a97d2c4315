/**
 * Diagnostic: where one tip's work goes, stage by stage. BENCH_STAGE_N tips (default 200) go
 * through the bot's real Telegram update handling and a worker in this same process, one tip at a
 * time (nothing queued behind anything), after 20 tips of warm-up. Every Redis round trip and
 * command, database command and Bot API call is counted and timed against its stage
 * (scripts/bench/probe.ts): the seven updates that fill the draft, the "Send" update, each BullMQ
 * job by queue and name (intake, alert, …). Also the time from handing "Send" to the bot to the
 * officer's alert reaching the emulator, with nothing else in flight.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { startApp, testSettings } from '../../test/support/app-harness';
import { TelegramDriver } from '../../test/support/telegram-driver';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { latencySummary, round, until } from './kit';
import { inStage, installProbes, takeTallies, type StageTally } from './probe';

const N = Number(process.env.BENCH_STAGE_N ?? 200);
const WARMUP = 20;
const OFFICER = '100000001';

async function main(): Promise<void> {
  installProbes();
  const emu = new TelegramEmulator();
  await emu.start();
  const app = await startApp(
    {
      ...testSettings(),
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      // Paced (each send claims its platform slot, as in production) but never waiting: one tip at a time.
      TELEGRAM_RATE_PER_SECOND: '500',
      FLOOD_MESSAGES_PER_10S: '1000000',
      CASES_PER_USER_PER_HOUR: '1000000',
      LOG_LEVEL: 'warn',
    },
    { roles: 'all' },
  );
  const telegram = app.bot!.telegram!;
  const driver = new TelegramDriver({ handleUpdate: (u) => inStage(stageOf(u), () => telegram.handleUpdate(u)) }, 1);
  const latencies: number[] = [];
  const tip = async (i: number) => {
    const resident = 3_000_000 + i;
    const before = emu.sent(OFFICER).length;
    await driver.tipDraft(resident);
    const t0 = Date.now();
    await driver.press(resident, 'nav:confirm');
    if (!(await until(() => emu.sent(OFFICER).length > before, 30_000, 2)))
      throw new Error(
        `tip ${i}: no alert within 30 s; the app logged:\n${app.logs.slice(-15).join('\n')}\nresident saw: ${emu
          .sent(resident)
          .map((m) => m.text)
          .join(' / ')}`,
      );
    return emu.sent(OFFICER)[before].at - t0;
  };
  for (let i = 0; i < WARMUP; i++) await tip(i);
  // Background work of the warm-up (BullMQ's delayed-job and stalled checks) settles first.
  await until(() => false, 500);
  takeTallies();
  const t0 = Date.now();
  for (let i = WARMUP; i < WARMUP + N; i++) latencies.push(await tip(i));
  const ms = Date.now() - t0;
  const stages = [...takeTallies()].map(([stage, t]) => perTip(stage, t));
  await app.close();
  await emu.stop();
  const result = { name: 'stage-profile', n: N, ms, tipsPerSecond: round((N / ms) * 1000), latencyMs: latencySummary(latencies), stages };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** The stage a bot update belongs to: the seven that fill the draft, or the one that sends it. */
function stageOf(update: unknown): string {
  const data = (update as { callback_query?: { data?: string } }).callback_query?.data;
  return data === 'nav:confirm' ? 'bot: the "Send" update' : 'bot: the 7 updates filling the draft';
}

function perTip(stage: string, t: StageTally) {
  const per = (x: number) => round(x / N, 2);
  return {
    stage,
    runsPerTip: per(t.runs),
    wallMsPerTip: per(t.wallMs),
    redisRoundTrips: per(t.redisRoundTrips),
    redisCommands: per(t.redisCommands),
    redisMs: per(t.redisMs),
    dbOps: per(t.dbOps),
    dbMs: per(t.dbMs),
    apiCalls: per(t.apiCalls),
    apiMs: per(t.apiMs),
    // What the stage sends, per tip, commonest first.
    commands: [...t.commands]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([c, n]) => `${c} ×${per(n)}`),
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`stage profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
