/**
 * A local HTTP server that speaks the subset of the Telegram Bot API the bot uses.
 *
 * Why it exists: the tests drive the real telegraf client (its HTTP client, long polling, webhook
 * handling and error mapping) instead of mocking it, so the bugs that only show up on the wire
 * (a 429 with `retry_after`, a 403 after a resident blocks the bot, a 409 when two replicas poll, a
 * webhook secret that does not match, HTML a user typed that breaks `parse_mode`) show up in tests.
 *
 * How to use it:
 *
 * ```ts
 * const emu = new TelegramEmulator();
 * await emu.start();
 * const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
 * const launched = bot.launch();              // resolves only when polling stops: do not await
 * await emu.waitForCall('getUpdates');        // polling is running, bot.stop() is now allowed
 * emu.user(42, { firstName: 'Lan' }).sendText(42, '/start');
 * const hello = await emu.waitFor((m) => m.chat_id === '42');
 * bot.stop(); await launched; await emu.stop();
 * ```
 *
 * Where it is stricter than nothing and as strict as Telegram: wrong token (401), unknown method
 * (404), blocked chats (403), rate limits when enabled (429 + `retry_after`), a second poller or an
 * active webhook (409), `parse_mode` text Telegram would refuse (400 "can't parse entities"),
 * `callback_data` over 64 bytes, edits that change nothing ("message is not modified"), answering a
 * callback query twice. Where it is simpler: one bot, chats are private or supergroups, webhook
 * deliveries are sequential and not retried, files are never stored (uploads get a made-up file_id).
 *
 * Where things are, by concern (this file only re-exports, so importers keep one path):
 * - server.ts: the HTTP server and TelegramEmulator, a thin face over the shared state (state.ts);
 * - delivery.ts: the update queue, long polling and webhook deliveries;
 * - methods.ts, sending.ts: the Bot API methods; chats.ts: chats, users, members, privacy mode;
 * - updates.ts: updates a test pushes (EmulatedUser); faults.ts: refusals, `failNext`, rate limits;
 * - formatting.ts: `parse_mode`; params.ts, wire.ts: request bodies, parameters and answers;
 * - types.ts: the public types.
 */
export { TelegramEmulator } from './server';
export type {
  ApiRequest,
  CallbackAnswer,
  CallbackQueryWithData,
  EmulatedUser,
  EmulatorLimits,
  EmulatorStats,
  FaultAnswer,
  Params,
  ReplyMarkup,
  SendMethod,
  SentMessage,
  TelegramEmulatorOptions,
  UploadedFile,
  WebhookDelivery,
} from './types';
