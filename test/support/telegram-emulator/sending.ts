/**
 * The methods that put messages in chats (sendMessage, sendPhoto, …, sendMediaGroup) and change
 * them (editMessageText, editMessageReplyMarkup): where Telegram has the most rules a bot breaks
 * (text lengths, parse_mode, reply targets, keyboards, edits that change nothing, rate limits).
 */
import type { Message } from 'telegraf/types';
import { nowSeconds, type ChatState, type ReplyMessage } from './chats';
import { badRequest, notModified } from './faults';
import { plainText } from './formatting';
import { bool, json, num, str } from './params';
import type { EmulatorState } from './state';
import type { Params, ReplyMarkup, SendMethod, SentMessage } from './types';

type AlbumMedia = 'photo' | 'video' | 'document';
const isAlbumMedia = (v: unknown): v is AlbumMedia => v === 'photo' || v === 'video' || v === 'document';

export function sendOne(emu: EmulatorState, method: Exclude<SendMethod, 'sendMediaGroup'>, p: Params): Message {
  const chat = emu.chats.writable(p);
  const parseMode = str(p, 'parse_mode');
  const markup = parseReplyMarkup(p);
  const reply = replyTarget(chat, p);
  const record: Omit<SentMessage, 'message_id' | 'at'> = { method, chat_id: String(chat.id) };
  if (parseMode !== undefined) record.parse_mode = parseMode;
  if (markup) record.reply_markup = markup;
  if (reply.id !== undefined) record.reply_to_message_id = reply.id;

  let content: Record<string, unknown>;
  if (method === 'sendMessage') {
    const text = str(p, 'text');
    if (!text || text.trim() === '') throw badRequest('message text is empty');
    const plain = plainText(text, parseMode);
    if (plain.length > 4096) throw badRequest('message is too long');
    record.text = text;
    content = { text: plain };
  } else if (method === 'sendLocation') {
    const latitude = num(p, 'latitude');
    const longitude = num(p, 'longitude');
    if (latitude === undefined || longitude === undefined || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      throw badRequest('wrong latitude or longitude');
    }
    record.latitude = latitude;
    record.longitude = longitude;
    content = { location: { latitude, longitude } };
  } else {
    const field = ({ sendPhoto: 'photo', sendVideo: 'video', sendVoice: 'voice', sendDocument: 'document' } as const)[method];
    const file = str(p, field);
    if (!file) throw badRequest(`there is no ${field} in the request`);
    record[field] = file;
    content = { [field]: mediaObject(field, file) };
    const caption = str(p, 'caption');
    if (caption !== undefined) {
      const plain = plainText(caption, parseMode);
      if (plain.length > 1024) throw badRequest('message caption is too long');
      record.caption = caption;
      content.caption = plain;
    }
  }
  emu.limits?.take(chat, emu.stats.limited);
  return store(emu, chat, record, content, reply.message);
}

export function sendMediaGroup(emu: EmulatorState, p: Params): Message[] {
  const chat = emu.chats.writable(p);
  const media = json(p, 'media');
  if (!Array.isArray(media) || media.length < 2) throw badRequest('wrong number of media items');
  if (media.length > 10) throw badRequest('too much messages to send as an album');
  const reply = replyTarget(chat, p);
  const items = (media as Array<Record<string, unknown>>).map((item) => {
    const type = item.type;
    if (!isAlbumMedia(type)) throw badRequest('unsupported media type in album');
    let file = typeof item.media === 'string' ? item.media : '';
    // Uploaded parts are referenced as attach://<part name>; the part became a file_id while parsing.
    if (file.startsWith('attach://')) file = str(p, file.slice('attach://'.length)) ?? '';
    if (!file) throw badRequest('there is no media in the album item');
    const parseMode = typeof item.parse_mode === 'string' ? item.parse_mode : undefined;
    const caption = typeof item.caption === 'string' ? item.caption : undefined;
    const plain = caption !== undefined ? plainText(caption, parseMode) : undefined;
    if (plain !== undefined && plain.length > 1024) throw badRequest('message caption is too long');
    return { type, file, caption, plain, parseMode };
  });
  emu.limits?.take(chat, emu.stats.limited);
  const media_group_id = String(13_000_000_000_000 + emu.nextMediaGroupId++);
  return items.map((item) => {
    const record: Omit<SentMessage, 'message_id' | 'at'> = {
      method: 'sendMediaGroup',
      chat_id: String(chat.id),
      [item.type]: item.file,
      media_group_id,
      ...(item.caption !== undefined ? { caption: item.caption } : {}),
      ...(item.parseMode !== undefined ? { parse_mode: item.parseMode } : {}),
      ...(reply.id !== undefined ? { reply_to_message_id: reply.id } : {}),
    };
    const content: Record<string, unknown> = {
      [item.type]: mediaObject(item.type, item.file),
      media_group_id,
      ...(item.plain !== undefined ? { caption: item.plain } : {}),
    };
    return store(emu, chat, record, content, reply.message);
  });
}

/** Gives the message its id, keeps it for buttons/edits/replies, logs it, and builds the result. */
function store(
  emu: EmulatorState,
  chat: ChatState,
  record: Omit<SentMessage, 'message_id' | 'at'>,
  content: Record<string, unknown>,
  replyTo: ReplyMessage | undefined,
): Message {
  const message_id = chat.nextMessageId++;
  // Telegram echoes only inline keyboards in the returned Message; reply keyboards are not part of it.
  const inline = record.reply_markup && 'inline_keyboard' in record.reply_markup ? record.reply_markup : undefined;
  const message = {
    message_id,
    from: emu.botUser,
    chat: emu.chats.object(chat),
    date: nowSeconds(),
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...content,
    ...(inline ? { reply_markup: inline } : {}),
  } as unknown as Message; // content's shape was built per method above; the union cannot see it
  chat.messages.set(message_id, message);
  chat.botMessageIds.add(message_id);
  emu.sentLog.push({ ...record, message_id, at: Date.now() });
  emu.notify();
  return message;
}

export function editMessage(emu: EmulatorState, method: 'editMessageText' | 'editMessageReplyMarkup', p: Params): Message {
  if (p.inline_message_id !== undefined) throw badRequest('inline messages are not supported by the emulator');
  const chat = emu.chats.writable(p);
  const messageId = num(p, 'message_id');
  const current = messageId === undefined ? undefined : chat.messages.get(messageId);
  if (messageId === undefined || !current || chat.deletedIds.has(messageId) || !chat.botMessageIds.has(messageId)) {
    throw badRequest('message to edit not found');
  }
  const markup = parseReplyMarkup(p);
  if (markup && !('inline_keyboard' in markup)) throw badRequest('inline keyboard expected');
  const record: SentMessage = { method, chat_id: String(chat.id), message_id: messageId, at: Date.now() };
  if (markup) record.reply_markup = markup;
  const currentMarkup = 'reply_markup' in current ? current.reply_markup : undefined;
  const sameMarkup = JSON.stringify(currentMarkup ?? null) === JSON.stringify(markup ?? null);

  // Leaving reply_markup out of an edit removes the inline keyboard, as on Telegram.
  let next: Record<string, unknown> = { ...current, edit_date: nowSeconds() };
  delete next.reply_markup;
  if (markup) next.reply_markup = markup;
  if (method === 'editMessageText') {
    if (!('text' in current)) throw badRequest('there is no text in the message to edit');
    const text = str(p, 'text');
    if (!text || text.trim() === '') throw badRequest('message text is empty');
    const parseMode = str(p, 'parse_mode');
    const plain = plainText(text, parseMode);
    if (plain.length > 4096) throw badRequest('message is too long');
    if (plain === current.text && sameMarkup) throw notModified();
    next = { ...next, text: plain };
    record.text = text;
    if (parseMode !== undefined) record.parse_mode = parseMode;
  } else if (sameMarkup) {
    throw notModified();
  }
  const message = next as unknown as Message; // same message with new text/markup; same variant
  chat.messages.set(messageId, message);
  emu.edited.push(record);
  emu.notify();
  return message;
}

function replyTarget(chat: ChatState, p: Params): { id?: number; message?: ReplyMessage } {
  const params = json(p, 'reply_parameters') as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
  const id = params?.message_id !== undefined ? Number(params.message_id) : num(p, 'reply_to_message_id');
  if (id === undefined) return {};
  const allowWithout = params?.allow_sending_without_reply === true || bool(p, 'allow_sending_without_reply');
  const target = chat.deletedIds.has(id) ? undefined : chat.messages.get(id);
  if (!target) {
    if (allowWithout) return {};
    throw badRequest('message to be replied not found');
  }
  return { id, message: target as ReplyMessage };
}

function mediaObject(field: 'photo' | 'video' | 'voice' | 'document', fileId: string): unknown {
  const base = { file_id: fileId, file_unique_id: `u_${fileId}` };
  switch (field) {
    case 'photo':
      return [
        { ...base, file_id: `${fileId}_s`, file_unique_id: `u_${fileId}_s`, width: 90, height: 68 },
        { ...base, width: 1280, height: 960 },
      ];
    case 'video':
      return { ...base, width: 1280, height: 720, duration: 5, mime_type: 'video/mp4' };
    case 'voice':
      return { ...base, duration: 3, mime_type: 'audio/ogg' };
    case 'document':
      return { ...base, file_name: fileId.startsWith('emu-upload-') ? `${fileId}.dat` : fileId.split('/').pop() };
  }
}

/** Validates reply_markup as Telegram does where bots commonly go wrong. */
function parseReplyMarkup(p: Params): ReplyMarkup | undefined {
  const markup = json(p, 'reply_markup');
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null) throw badRequest("can't parse reply keyboard markup JSON object");
  const m = markup as Record<string, unknown>;
  if ('inline_keyboard' in m) {
    const rows = m.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of (rows as unknown[][]).flat() as Array<Record<string, unknown>>) {
      if (typeof button.text !== 'string' || button.text === '') throw badRequest('BUTTON_TEXT_INVALID');
      if (typeof button.callback_data === 'string') {
        const bytes = Buffer.byteLength(button.callback_data, 'utf8');
        if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
      } else if (typeof button.url === 'string') {
        if (!/^(https?|tg):\/\/\S+$/.test(button.url)) {
          throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
        }
      } else if (
        ![
          'switch_inline_query',
          'switch_inline_query_current_chat',
          'login_url',
          'web_app',
          'pay',
          'callback_game',
          'switch_inline_query_chosen_chat',
        ].some((k) => k in button)
      ) {
        throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      }
    }
  } else if ('keyboard' in m) {
    if (!Array.isArray(m.keyboard) || m.keyboard.some((row) => !Array.isArray(row))) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
  } else if (!('remove_keyboard' in m) && !('force_reply' in m)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  return markup as ReplyMarkup; // checked above for the parts Telegram checks
}
