import { startApp, type AppHarness } from '../support/app-harness';
import { logIn } from '../support/dashboard-client';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * `--role dashboard`: the web dashboard on its own process, for scaling apart from the bot. It
 * serves the pages and takes their actions, and never takes a platform's updates: a second
 * process polling the same Telegram token would steal the bot's (Telegram's 409).
 */
describe('the dashboard role', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot }, { roles: 'dashboard' });
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it('serves the dashboard, is ready, and never polls or sets a webhook', async () => {
    const v = await logIn(app, '100000003');
    const list = await v.get('/dashboard/cases');
    expect(list.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`);
    expect(ready.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(emu.requests.map((r) => r.method).filter((m) => ['getUpdates', 'setWebhook', 'deleteWebhook'].includes(m))).toEqual([]);
  });
});
