import type { Telegram } from 'telegraf';
import type { InlineKeyboardButton, KeyboardButton } from 'telegraf/types';
import type { OutboundMessage } from '../../conversations/messages';
import type { ChannelSender } from '../channel-sender';
import { splitLines } from '../numbered-render';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../send-errors';

/**
 * Renders an OutboundMessage as Telegram calls: options as inline buttons (callback_data = the
 * option id), links as URL buttons, a location or contact request as a one-time reply keyboard
 * (Telegram cannot show both kinds on one message; the Back/Cancel labels then come back as text,
 * which the engine accepts). No parse_mode, ever: residents' text is shown exactly as typed.
 */
export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram' as const;

  constructor(private readonly telegram: Telegram) {}

  async send(chatId: string, m: OutboundMessage): Promise<void> {
    try {
      await this.sendUnmapped(chatId, m);
    } catch (err) {
      throw mapTelegramError(err);
    }
  }

  private async sendUnmapped(chatId: string, m: OutboundMessage): Promise<void> {
    const tg = this.telegram;
    if (m.location) {
      await tg.sendLocation(chatId, m.location.latitude, m.location.longitude);
      return;
    }
    const media = m.attachments?.[0];
    if (media) {
      const extra = { caption: m.text.slice(0, 1024) };
      if (media.kind === 'photo') await tg.sendPhoto(chatId, media.ref, extra);
      else if (media.kind === 'video') await tg.sendVideo(chatId, media.ref, extra);
      else if (media.kind === 'voice') await tg.sendVoice(chatId, media.ref, extra);
      else await tg.sendDocument(chatId, media.ref, extra);
      return;
    }
    const chunks = splitLines(m.text, 4096);
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      await tg.sendMessage(chatId, chunk, { link_preview_options: { is_disabled: true }, ...(last ? { reply_markup: keyboard(m) } : {}) });
    }
  }
}

function keyboard(m: OutboundMessage) {
  if (m.request) {
    const first: KeyboardButton = m.request.kind === 'location' ? { text: m.request.label, request_location: true } : { text: m.request.label, request_contact: true };
    return {
      keyboard: [[first], ...(m.options ?? []).map((o) => [{ text: o.label }])],
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  const rows: InlineKeyboardButton[][] = [];
  for (const l of m.links ?? []) rows.push([{ text: l.label, url: l.url }]);
  for (const o of m.options ?? []) rows.push([{ text: o.label, callback_data: o.id.slice(0, 64) }]);
  return rows.length ? { inline_keyboard: rows } : { remove_keyboard: true as const };
}

interface TelegramLikeError {
  code?: number;
  response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } };
  description?: string;
}

export function mapTelegramError(err: unknown): unknown {
  const e = err as TelegramLikeError;
  const code = e?.response?.error_code ?? e?.code;
  const description = e?.response?.description ?? '';
  if (code === 429) return new SendRateLimitedError((e.response?.parameters?.retry_after ?? 1) * 1000);
  if (code === 403) return new RecipientUnavailableError('blocked or removed');
  if (code === 400 && /chat not found|user not found|kicked|deactivated/i.test(description)) return new RecipientUnavailableError('chat not found');
  if (code === 400) return new MessageRejectedError(description.slice(0, 200));
  return err;
}
