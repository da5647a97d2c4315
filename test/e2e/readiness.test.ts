import { readinessChecks } from '../../src/app/readiness';
import { startApp, type AppHarness } from '../support/app-harness';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * /readyz tells the truth (issue 16): beyond Redis and the database answering, a bot that hears no
 * resident (its Telegram poll ended on a 409, as when a second process polls the same token) and a
 * worker whose BullMQ workers stopped are not ready, and neither is a process shutting down.
 */

let emu: TelegramEmulator;
let app: AppHarness | undefined;

beforeEach(async () => {
  emu = new TelegramEmulator();
  await emu.start();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await emu.stop();
});

async function readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${app!.port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/readyz', () => {
  it('is 200 with every part up, and 503 with receiving down once the Telegram poll has stopped on a 409', async () => {
    app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot });
    expect(await readyz()).toEqual({
      status: 200,
      body: { ready: true, redis: 'up', database: 'up', accepting: 'up', receiving: 'up', workers: 'up' },
    });
    // The poll in flight ends with this message; the next one is refused as Telegram refuses a
    // second poller of the same token, which ends telegraf's polling for good.
    emu.failNext('getUpdates', 1, {
      status: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    await emu.user(4401).sendText(4401, '/start');
    await eventually(async () => (await readyz()).status === 503);
    expect((await readyz()).body).toMatchObject({ ready: false, receiving: 'down', redis: 'up', database: 'up', workers: 'up' });
    expect(app.logs.some((l) => l.includes('telegram.polling_stopped'))).toBe(true);
  });

  it('is 503 with workers down once one of the worker role’s BullMQ workers has stopped', async () => {
    app = await startApp({}, { roles: 'worker' });
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, redis: 'up', database: 'up', accepting: 'up', workers: 'up' } });
    const intake = app.workers!.workers[0];
    // Closed while its blocking connection is still connecting, a BullMQ worker later reports that
    // connection's failure to nobody (an unhandled 'error' that fails the test): ready first.
    await intake.waitUntilReady();
    await intake.close();
    expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, workers: 'down', redis: 'up' } });
  });

  it('says not accepting once shutdown has begun, and not ready before the parts have started', async () => {
    app = await startApp({}, { roles: 'none' });
    const stopping = readinessChecks(app.rt, { role: 'all', stopping: () => true, channels: () => undefined, workers: () => undefined });
    expect(await stopping.accepting()).toBe(false);
    expect(await stopping.receiving()).toBe(false);
    expect(await stopping.workers()).toBe(false);
    expect(await stopping.redis()).toBe(true);
  });
});
