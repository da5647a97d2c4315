import type { Telegram } from 'telegraf';
import type { InlineKeyboardButton, KeyboardButton } from 'telegraf/types';
import type { OutboundMessage } from '../../conversations/messages';
import type { ChannelSender } from '../channel-sender';
import { splitLines } from '../numbered-render';
import { callTelegram } from './errors';

/**
 * Renders an OutboundMessage as Telegram calls: options as inline buttons (callback_data = the
 * option id), links as URL buttons, a location or contact request as a one-time reply keyboard
 * (Telegram cannot show both kinds on one message; the Back/Cancel labels then come back as text,
 * which the engine accepts). No parse_mode, ever: residents' text is shown exactly as typed.
 */
export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram' as const;

  /**
   * @param timeoutMs how long one call may take: telegraf's own limit is 500 s, and a hung call
   *   would hold an outbox slot for minutes; past this it fails and the queue retries it.
   */
  constructor(
    private readonly telegram: Telegram,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Throws only our errors (./errors.ts): never telegraf's, whose messages can quote the token's URL. */
  async send(chatId: string, m: OutboundMessage): Promise<void> {
    if (m.location) {
      await this.call('sendLocation', { chat_id: chatId, latitude: m.location.latitude, longitude: m.location.longitude });
      return;
    }
    const media = m.attachments?.[0];
    if (media) {
      const caption = m.text.slice(0, 1024);
      if (media.kind === 'photo') await this.call('sendPhoto', { chat_id: chatId, photo: media.ref, caption });
      else if (media.kind === 'video') await this.call('sendVideo', { chat_id: chatId, video: media.ref, caption });
      else if (media.kind === 'voice') await this.call('sendVoice', { chat_id: chatId, voice: media.ref, caption });
      else await this.call('sendDocument', { chat_id: chatId, document: media.ref, caption });
      return;
    }
    const chunks = splitLines(m.text, 4096);
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      await this.call('sendMessage', {
        chat_id: chatId,
        text: chunk,
        link_preview_options: { is_disabled: true },
        ...(last ? { reply_markup: keyboard(m) } : {}),
      });
    }
  }

  /** A Bot API call through telegraf's client with our time limit (its signal type is a polyfill's, hence the cast). */
  private call<M extends 'sendMessage' | 'sendLocation' | 'sendPhoto' | 'sendVideo' | 'sendVoice' | 'sendDocument'>(
    method: M,
    payload: Parameters<Telegram['callApi']>[1] & object,
  ): Promise<unknown> {
    return callTelegram(method, () =>
      this.telegram.callApi(method, payload as never, { signal: AbortSignal.timeout(this.timeoutMs) as never }),
    );
  }
}

function keyboard(m: OutboundMessage) {
  if (m.request) {
    const first: KeyboardButton =
      m.request.kind === 'location' ? { text: m.request.label, request_location: true } : { text: m.request.label, request_contact: true };
    return {
      keyboard: [[first], ...(m.options ?? []).map((o) => [{ text: o.label }])],
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  const rows: InlineKeyboardButton[][] = [];
  for (const l of m.links ?? []) rows.push([l.login ? { text: l.label, login_url: { url: l.url } } : { text: l.label, url: l.url }]);
  for (const o of m.options ?? []) rows.push([{ text: o.label, callback_data: o.id.slice(0, 64) }]);
  return rows.length ? { inline_keyboard: rows } : { remove_keyboard: true as const };
}
