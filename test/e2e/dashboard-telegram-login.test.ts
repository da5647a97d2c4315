import { createHash, createHmac } from 'node:crypto';
import { startApp, type AppHarness } from '../support/app-harness';
import { visitor } from '../support/dashboard-client';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator, type SentMessage } from '../support/telegram-emulator';

/**
 * Telegram's login button (DASHBOARD_TELEGRAM_LOGIN): `/dangnhap` on Telegram carries a login_url
 * button; the fields Telegram adds are signed here exactly as Telegram signs them (HMAC-SHA-256
 * keyed with SHA-256 of the bot token), so a forged, altered, old or replayed login is refused.
 */
describe('dashboard login with Telegram', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  const OFFICER = 100000001;
  const RESIDENT = 702;
  const text = (m: SentMessage) => m.text ?? '';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      DASHBOARD_TELEGRAM_LOGIN: 'true',
    });
    await emu.waitForCall('getUpdates');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  /** What Telegram appends to the login_url for this user, signed with `token`. */
  function signed(id: number, over: { authDate?: number; token?: string } = {}): Record<string, string> {
    const fields: Record<string, string> = {
      id: String(id),
      first_name: 'Khoa',
      auth_date: String(over.authDate ?? Math.floor(Date.now() / 1000)),
    };
    const check = Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('\n');
    const secret = createHash('sha256')
      .update(over.token ?? emu.token)
      .digest();
    return { ...fields, hash: createHmac('sha256', secret).update(check).digest('hex') };
  }

  it('offers the login button on Telegram, and logs in once with what Telegram signed', async () => {
    emu.user(OFFICER, { firstName: 'Khoa' }).sendText(OFFICER, '/dangnhap');
    const reply = await chatReader(emu, OFFICER).next((m) => text(m).includes('/dashboard/login/'));
    const rows = (reply.reply_markup as { inline_keyboard: { login_url?: { url: string } }[][] }).inline_keyboard;
    expect(rows.flat().map((b) => b.login_url?.url)).toEqual([`http://127.0.0.1:${app.port}/dashboard/telegram-login`]);

    const fields = signed(OFFICER);
    const v = visitor(app);
    // Looking at the page spends nothing.
    const page = await v.get(`/dashboard/telegram-login?${new URLSearchParams(fields)}`);
    expect(page.status).toBe(200);
    expect(v.cookie).toBeUndefined();
    const login = await v.post('/dashboard/telegram-login', fields);
    expect(login.status).toBe(303);
    expect(v.cookie).toMatch(/^__Host-tnd_session=/);
    expect((await v.get('/dashboard/cases')).status).toBe(200);
    await chatReader(emu, OFFICER).next((m) => text(m).includes('Có một lần đăng nhập mới'));
    // The same signed fields again (a replay) log nobody in.
    const replay = visitor(app);
    expect((await replay.post('/dashboard/telegram-login', fields)).status).toBe(403);
    expect(replay.cookie).toBeUndefined();
  });

  it('refuses a forged hash, an altered field, an old login and a resident', async () => {
    const forged = signed(OFFICER, { token: '123456:not-the-bot-token' });
    const altered = { ...signed(RESIDENT), id: String(OFFICER) };
    const old = signed(OFFICER, { authDate: Math.floor(Date.now() / 1000) - 11 * 60 });
    for (const fields of [forged, altered, old]) {
      const v = visitor(app);
      expect((await v.get(`/dashboard/telegram-login?${new URLSearchParams(fields)}`)).status).toBe(403);
      expect((await v.post('/dashboard/telegram-login', fields)).status).toBe(403);
      expect(v.cookie).toBeUndefined();
    }
    const resident = visitor(app);
    expect((await resident.post('/dashboard/telegram-login', signed(RESIDENT))).status).toBe(403);
    expect(resident.cookie).toBeUndefined();
  });
});
