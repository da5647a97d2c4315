import { TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { startApp, type AppHarness } from '../support/app-harness';

/**
 * The bot's replies count towards Telegram's per-bot limit as the outbox's sends do: they take the
 * platform's slots (TELEGRAM_RATE_PER_SECOND), so many residents answered at once never make
 * Telegram answer 429, and a broadcast going out leaves them room (its own, lower rate).
 */
describe('replies share the platform rate', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  beforeAll(async () => {
    // The rate a little under the platform's limit, as in production (25 of Telegram's 30): the
    // sends' own timing jitters around their slots.
    emu = new TelegramEmulator({ limits: { globalPerSecond: 6, perChatPerSecond: 3, perGroupPerMinute: 20 } });
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_RATE_PER_SECOND: '5',
      FLOOD_MESSAGES_PER_10S: '200',
    });
    await emu.waitForCall('getUpdates');
  });
  afterAll(async () => {
    await app.close();
    await emu.stop();
  });

  it('answers 15 residents writing at the same moment within the rate, with no 429', async () => {
    const driver = new TelegramDriver(app.bot!.telegram!, 10_000);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 15 }, (_, i) => driver.text(7_100 + i, 'xin chào')));
    const replies = Array.from({ length: 15 }, (_, i) => emu.sent(7_100 + i).length);
    expect(replies.every((n) => n >= 1)).toBe(true);
    expect(emu.stats.limited.global).toBe(0);
    expect(emu.stats.tooManyRequests).toBe(0);
    // At 5 a second, 15 or more replies take at least two seconds.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  });
});
