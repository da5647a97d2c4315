import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { inLanes, logCounts, settle, toldCodes, waitUntil, type FaultReport } from './kit';

/**
 * Telegram misbehaves while the officers' alerts go out: its rate limits answer 429 with
 * retry_after (the emulator's limits are on, tighter than the bot's own pacing), then a run of
 * forced 429s, a run of 500s, and calls that hang until the connection drops (what a client
 * timeout gives). The residents' conversations run first on an emulator of their own, so every
 * fault lands on an alert. Each alert must arrive exactly once.
 */
export async function platformFaults(opts: {
  residents: number;
  concurrency?: number;
  forced429?: number;
  forced500?: number;
  hung?: number;
}): Promise<FaultReport> {
  const started = Date.now();
  const forced429 = opts.forced429 ?? 10;
  const forced500 = opts.forced500 ?? 10;
  const hung = opts.hung ?? 6;
  const residentsEmu = new TelegramEmulator();
  const officersEmu = new TelegramEmulator({ limits: { perChatPerSecond: 25, globalPerSecond: 30 } });
  await Promise.all([residentsEmu.start(), officersEmu.start()]);
  const base = {
    ...testSettings(),
    FLOOD_MESSAGES_PER_10S: '1000',
    CASES_PER_USER_PER_HOUR: '100',
    JOB_BACKOFF_MS: '200',
    LOG_LEVEL: 'warn',
  };
  let bot: AppHarness | undefined;
  let worker: AppHarness | undefined;
  try {
    bot = await startApp({ ...base, TELEGRAM_BOT_TOKEN: residentsEmu.token, TELEGRAM_API_ROOT: residentsEmu.apiRoot }, { roles: 'bot' });
    const driver = new TelegramDriver(bot.bot!.telegram!, 1);
    const residents = Array.from({ length: opts.residents }, (_, i) => 840_000 + i);
    await inLanes(residents, opts.concurrency ?? 16, (resident) => driver.tip(resident));
    const told = toldCodes(residentsEmu, residents);

    // Faults queued before the worker starts, one kind after another as each is used up.
    officersEmu.failNext('sendMessage', forced429, { status: 429, retryAfter: 1 });
    const calls = () => officersEmu.calls.sendMessage ?? 0;
    worker = await startApp(
      {
        ...base,
        TELEGRAM_BOT_TOKEN: officersEmu.token,
        TELEGRAM_API_ROOT: officersEmu.apiRoot,
        TELEGRAM_CHAT_INTERVAL_MS: '0',
        TELEGRAM_RATE_PER_SECOND: '100',
      },
      { roles: 'worker', seed: false, fresh: false },
    );
    await waitUntil(() => calls() >= forced429, 30_000, 50);
    officersEmu.failNext('sendMessage', forced500, { status: 500, description: 'Internal Server Error' });
    await waitUntil(() => calls() >= forced429 + forced500, 30_000, 50);
    officersEmu.failNext('sendMessage', hung, 'timeout');
    await waitUntil(() => officersEmu.hangingCalls >= Math.min(hung, 8), 30_000, 50);
    const dropped = officersEmu.dropHanging();

    const counts = await settle(worker, new Set(told.values()), officersEmu, 120_000);
    return {
      scenario: 'Telegram answering 429, 500 and hanging',
      fault: `alerts sent into Telegram limits of 25/s per chat and 30/s overall (the bot allowed 100/s), plus ${forced429} forced 429 (retry_after 1 s), ${forced500} forced 500 and ${dropped} calls hung until their connection dropped`,
      residents: opts.residents,
      told: told.size,
      toldAfterRetry: told.size,
      ...counts,
      notes: {
        '429 answered (forced + limits)': officersEmu.stats.tooManyRequests,
        'sendMessage calls': calls(),
        'alerts sent': officersEmu.sent('100000001').length,
        ...logCounts(worker, ['outbox.rate_limited', 'job.retrying', 'job.failed_for_good']),
      },
      ms: Date.now() - started,
    };
  } finally {
    await worker?.close().catch(() => undefined);
    await bot?.close().catch(() => undefined);
    await Promise.all([residentsEmu.stop(), officersEmu.stop()]);
  }
}
