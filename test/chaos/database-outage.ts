import { startApp, type AppHarness } from '../support/app-harness';
import { OwnService } from '../support/own-services';
import { TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { inLanes, logCounts, settle, sleep, toldCodes, waitUntil, type FaultReport } from './kit';

/**
 * The database goes away while residents press Send. The bot needs only Redis to accept a
 * submission, so everyone is still told "received"; the intake jobs fail and wait with back-off
 * while /readyz answers 503; when the database is back on the same port and data, every case
 * lands and every officer alert goes out once.
 */
export async function databaseOutage(opts: {
  residents: number;
  downMs: number;
  concurrency?: number;
  signal?: 'SIGTERM' | 'SIGKILL';
}): Promise<FaultReport> {
  const started = Date.now();
  const signal = opts.signal ?? 'SIGKILL';
  const db = await OwnService.ferretdb();
  const emu = new TelegramEmulator();
  await emu.start();
  let app: AppHarness | undefined;
  try {
    app = await startApp(
      {
        MONGODB_URI: `${db.url}/chaos`,
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_CHAT_INTERVAL_MS: '0',
        TELEGRAM_RATE_PER_SECOND: '500',
        FLOOD_MESSAGES_PER_10S: '1000',
        CASES_PER_USER_PER_HOUR: '100',
        JOB_BACKOFF_MS: '250',
        LOG_LEVEL: 'warn',
      },
      { roles: 'all' },
    );
    const port = app.port;
    const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    const driver = new TelegramDriver(app.bot!.telegram!, 1);
    const residents = Array.from({ length: opts.residents }, (_, i) => 830_000 + i);
    await inLanes(residents, opts.concurrency ?? 16, (resident) => driver.tipDraft(resident));
    const readyBefore = await readyz();

    const downAt = Date.now();
    await db.stop(signal);
    const readyDown = (await waitUntil(async () => (await readyz()) === 503, 15_000)) ? 503 : await readyz();
    await inLanes(residents, opts.concurrency ?? 16, (resident) => driver.press(resident, 'nav:confirm'));
    const toldWhileDown = toldCodes(emu, residents);
    const readyStillDown = await readyz();
    await sleep(Math.max(0, opts.downMs - (Date.now() - downAt)));
    await db.start();
    const backAfterMs = Date.now() - downAt;
    const readyAgain = (await waitUntil(async () => (await readyz()) === 200, 60_000)) ? 200 : await readyz();

    const counts = await settle(app, new Set(toldWhileDown.values()), emu, 120_000);
    return {
      scenario: 'Database unreachable during a burst',
      fault: `FerretDB stopped (${signal}) with ${opts.residents} drafts at "Send", all pressed while it was down, restarted on the same port and data after ${backAfterMs} ms`,
      residents: opts.residents,
      told: toldWhileDown.size,
      toldAfterRetry: toldWhileDown.size,
      ...counts,
      notes: {
        '/readyz before': readyBefore,
        '/readyz while down': readyDown,
        '/readyz after the burst, still down': readyStillDown,
        '/readyz after restart': readyAgain,
        ...logCounts(app, ['job.retrying', 'job.failed_for_good']),
      },
      ms: Date.now() - started,
    };
  } finally {
    await app?.close().catch(() => undefined);
    await emu.stop();
    await db.destroy();
  }
}
