import { Input, type Telegram } from 'telegraf';
import type { InlineKeyboardButton, KeyboardButton } from 'telegraf/types';
import type { Attachment, OutboundMessage } from '../../conversations/messages';
import { evidenceIdOf } from '../../domain/chat';
import type { ChannelSender } from '../channel-sender';
import { uploadName, type EvidenceFiles } from '../evidence-files';
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
    /** Our copies of residents' files: an `evidence:<id>` attachment is uploaded from there (multipart). */
    private readonly evidence?: EvidenceFiles,
    /** What stands for a file no longer kept (retention deleted it), in the message's language. */
    private readonly goneText: (lang: OutboundMessage['lang']) => string = () => '(file no longer kept)',
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
      const file = await this.fileOf(media);
      if (file === null) {
        await this.call('sendMessage', { chat_id: chatId, text: [m.text, this.goneText(m.lang)].filter(Boolean).join('\n') });
        return;
      }
      if (media.kind === 'photo') await this.call('sendPhoto', { chat_id: chatId, photo: file.input, caption });
      else if (media.kind === 'video') await this.call('sendVideo', { chat_id: chatId, video: file.input, caption });
      // sendVoice plays OGG/Opus only; a Zalo voice note (AAC) goes as a file the officer can play.
      else if (media.kind === 'voice' && file.mime !== 'audio/aac')
        await this.call('sendVoice', { chat_id: chatId, voice: file.input, caption });
      else await this.call('sendDocument', { chat_id: chatId, document: file.input, caption });
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

  /**
   * What to send for an attachment: our copy's bytes as an upload (whichever platform it came
   * from, and whatever became of the platform's link), a Telegram file_id as it is (media kept
   * before the evidence store), null when our copy is gone.
   */
  private async fileOf(a: Attachment): Promise<{ input: string | ReturnType<typeof Input.fromBuffer>; mime?: string } | null> {
    const id = evidenceIdOf(a);
    if (id === undefined) return { input: a.ref };
    const file = await this.evidence?.read(id);
    if (!file) return null;
    return { input: Input.fromBuffer(file.bytes, uploadName(a.kind, file.mime)), mime: file.mime };
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
    const first: KeyboardButton = { text: m.request.label, request_contact: true };
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
