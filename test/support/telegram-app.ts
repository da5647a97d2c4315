import { startApp, type AppHarness } from './app-harness';
import { TelegramEmulator } from './telegram-emulator';

/**
 * The real app polling the Telegram emulator, as the officer-desk tests run it: officers' chats
 * not paced (TELEGRAM_CHAT_INTERVAL_MS 0), no hotspot alerts in the way, a flood limit no test
 * reaches. `env` adds or overrides settings. Resolves once the bot polls.
 */
export async function startTelegramApp(
  env: Record<string, string> = {},
): Promise<{ emu: TelegramEmulator; app: AppHarness; stop(): Promise<void> }> {
  const emu = new TelegramEmulator();
  await emu.start();
  const app = await startApp({
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    HOTSPOT_THRESHOLD: '1000',
    FLOOD_MESSAGES_PER_10S: '200',
    ...env,
  });
  await emu.waitForCall('getUpdates');
  return {
    emu,
    app,
    async stop() {
      await app.close();
      await emu.stop();
    },
  };
}
