import { startApp, type AppHarness } from '../support/app-harness';
import { OwnService } from '../support/own-services';
import { TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { inLanes, logCounts, settle, sleep, toldCodes, waitUntil, type FaultReport } from './kit';

/**
 * Redis goes away in the middle of a burst of tips and comes back on the same port with the same
 * append-only file. Residents go through the bot's real update handling (TelegramChannel
 * .handleUpdate); whoever was not told "received" presses Send once more, and if their draft is
 * gone, starts the tip again, as the bot's answers ask them to. Every code a resident was told
 * must end as a stored case, alerted once.
 */
export async function redisRestart(opts: {
  residents: number;
  downMs: number;
  concurrency?: number;
  signal?: 'SIGTERM' | 'SIGKILL';
}): Promise<FaultReport> {
  const started = Date.now();
  const signal = opts.signal ?? 'SIGTERM';
  const redis = await OwnService.redis();
  const emu = new TelegramEmulator();
  await emu.start();
  let app: AppHarness | undefined;
  try {
    app = await startApp(
      {
        REDIS_URL: `${redis.url}/0`,
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_CHAT_INTERVAL_MS: '0',
        TELEGRAM_RATE_PER_SECOND: '500',
        FLOOD_MESSAGES_PER_10S: '1000',
        CASES_PER_USER_PER_HOUR: '100',
        JOB_BACKOFF_MS: '200',
        // An intake job that was running when Redis went away is taken up again once its lock lapses.
        WORKER_LOCK_MS: '5000',
        LOG_LEVEL: 'warn',
      },
      { roles: 'all' },
    );
    const driver = new TelegramDriver(app.bot!.telegram!, 1);
    const residents = Array.from({ length: opts.residents }, (_, i) => 820_000 + i);
    let restart: Promise<void> | undefined;
    let done = 0;
    let downAt = 0;
    await inLanes(residents, opts.concurrency ?? 16, async (resident) => {
      await driver.tip(resident);
      // A third of the tips are through: Redis goes away under the rest.
      if (++done >= opts.residents / 3 && !restart) {
        downAt = done;
        restart = (async () => {
          await redis.stop(signal);
          await sleep(opts.downMs);
          await redis.start();
        })();
      }
    });
    await restart;
    // Residents try again once the bot is back: /readyz says when (both its Redis connections reconnect on their own).
    const t1 = Date.now();
    const ready = await waitUntil(async () => (await fetch(`http://127.0.0.1:${app!.port}/readyz`)).status === 200, 30_000);
    const readyAfterMs = Date.now() - t1;

    const firstTry = toldCodes(emu, residents);
    const untold = residents.filter((r) => !firstTry.has(r));
    // The bot said "try again" to these: Send once more (same draft, same code), else the whole tip
    // again from the group's button, starting over whatever is left of the draft.
    await inLanes(untold, opts.concurrency ?? 16, async (resident) => {
      await driver.press(resident, 'nav:confirm');
      if (!toldCodes(emu, [resident]).has(resident)) await driver.tip(resident, { startOver: true });
    });
    const t2 = Date.now();
    const told = toldCodes(emu, residents);
    const counts = await settle(app, new Set(told.values()), emu, 90_000);
    const t3 = Date.now();
    return {
      scenario: 'Redis restart mid-burst',
      fault: `redis-server stopped (${signal}) after ${downAt} of ${opts.residents} tips were through, down ${opts.downMs} ms, restarted on the same port and append-only file`,
      residents: opts.residents,
      told: firstTry.size,
      toldAfterRetry: told.size,
      ...counts,
      notes: {
        'residents asked to try again': untold.length,
        'ms until /readyz 200 after the restart': readyAfterMs,
        'ms for the retries': t2 - t1 - readyAfterMs,
        'ms until all stored and alerted': t3 - t2,
        'ready again after the restart': ready ? 'yes' : 'no (30 s)',
        ...logCounts(app, ['job.retrying', 'job.failed_for_good']),
      },
      ms: Date.now() - started,
    };
  } finally {
    await app?.close().catch(() => undefined);
    await emu.stop();
    await redis.destroy();
  }
}
