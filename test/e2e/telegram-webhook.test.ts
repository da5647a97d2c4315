import { startApp, type AppHarness } from '../support/app-harness';
import { TelegramEmulator } from '../support/telegram-emulator';

/** Webhook mode: only requests carrying Telegram's secret header are processed. */
describe('Telegram webhook', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  const SECRET = 'test-secret-0123456789abcdef';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HTTP_MAX_BODY_BYTES: '20000',
    });
  });
  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  const update = (id: number, text: string) => ({
    update_id: id,
    message: { message_id: id, date: 1, chat: { id: 601, type: 'private' }, from: { id: 601, is_bot: false, first_name: 'A' }, text },
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('registered the webhook with the secret', async () => {
    const call = await emu.waitForCall('setWebhook');
    expect(call.params).toMatchObject({ url: 'https://bot.example.vn/telegram/webhook', secret_token: SECRET });
  });

  it('refuses a forged request with 401 and processes nothing', async () => {
    expect((await post(update(1, '/start'))).status).toBe(401);
    expect((await post(update(2, '/start'), { 'X-Telegram-Bot-Api-Secret-Token': 'wrong-secret-0123456789abcd' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.sent(601)).toEqual([]);
  });

  it('processes a genuine update once, even when Telegram retries it', async () => {
    const headers = { 'X-Telegram-Bot-Api-Secret-Token': SECRET };
    expect((await post(update(3, '/start'), headers)).status).toBe(200);
    expect((await post(update(3, '/start'), headers)).status).toBe(200);
    await emu.waitFor((m) => m.chat_id === '601' && (m.text ?? '').includes('Xin chào'));
    expect(emu.sent(601)).toHaveLength(1);
  });

  it('refuses oversized and malformed bodies', async () => {
    const headers = { 'X-Telegram-Bot-Api-Secret-Token': SECRET };
    expect((await post(update(4, 'x'.repeat(30_000)), headers)).status).toBe(413);
    expect((await post('{not json', headers)).status).toBe(400);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, redis: 'up', database: 'up', accepting: 'up', receiving: 'up', workers: 'up' });
  });
});
