import { CONTENT_WITHHELD, type Attachment, type InboundMessage } from '../../conversations/messages';
import { parseCommand } from '../../conversations/parse-command';

/**
 * Zalo update → InboundMessage. Updates come from the network (webhook bodies anyone can POST,
 * poll answers of an API that changes without notice), so nothing about their shape is trusted:
 * every field is checked, strings are bounded, and anything odd becomes `unsupported` rather than
 * an exception. Only an update without a usable chat or sender is dropped (null): there is no one
 * to answer.
 */

/** Platform ids are ~20 hex chars; anything far longer is not an id we could ever answer. */
const MAX_ID_LENGTH = 128;
const MAX_NAME_LENGTH = 128;
/** Zalo caps sent text at 2000 chars; the margin keeps odd long inputs whole without unbounded memory. */
const MAX_TEXT_LENGTH = 8000;
const MAX_URL_LENGTH = 2048;
const MAX_EVENT_NAME_LENGTH = 64;

type Json = Record<string, unknown>;

export interface ZaloNormaliseOptions {
  /** The bot's own id (getMe), so its own messages echoed back as updates are dropped. */
  botId?: string;
}

export function normaliseZaloUpdate(raw: unknown, options: ZaloNormaliseOptions = {}): InboundMessage | null {
  const update = unwrap(raw);
  if (!update) return null;
  const message = update.message;
  if (!isRecord(message)) return null;
  const chat = isRecord(message.chat) ? message.chat : undefined;
  const from = isRecord(message.from) ? message.from : undefined;
  const chatId = idOf(chat?.id);
  const userId = idOf(from?.id);
  if (chatId === undefined || userId === undefined) return null;
  if (fromTheBot(message, from, userId, options.botId)) return null;

  const inbound: InboundMessage = {
    channel: 'zalo',
    updateId: updateIdOf(message, chatId),
    chatId,
    chatType: chatTypeOf(chat?.chat_type, chatId, userId),
    userId,
  };
  // In a group Zalo delivers only what @mentions the bot or replies to it: all of it is addressed
  // to the bot, as Telegram's mentionsBot means.
  if (inbound.chatType === 'group') inbound.mentionsBot = true;
  const userName = boundedText(from?.display_name, MAX_NAME_LENGTH) ?? boundedText(from?.first_name, MAX_NAME_LENGTH);
  if (userName !== undefined && userName.trim() !== '') inbound.userName = userName.trim();

  const event = eventOf(update, message);
  switch (event) {
    case 'message.text.received':
      setText(inbound, message.text);
      break;
    case 'message.image.received': {
      // Live payloads carry `photo_url`; the docs show `photo`.
      const photo = urlOf(message.photo_url) ?? urlOf(message.photo);
      if (photo !== undefined) inbound.attachments = [{ kind: 'photo', ref: photo } satisfies Attachment];
      setText(inbound, message.caption);
      if (photo === undefined && inbound.text === undefined) inbound.unsupported = 'image';
      break;
    }
    case 'message.voice.received': {
      const voice = urlOf(message.voice_url);
      if (voice !== undefined) inbound.attachments = [{ kind: 'voice', ref: voice } satisfies Attachment];
      else inbound.unsupported = 'voice';
      break;
    }
    case 'message.sticker.received':
      inbound.unsupported = 'sticker';
      break;
    case 'message.unsupported.received':
      // No content at all: what protected accounts (children's, for one) always send. Asking again
      // cannot help, so the conversation answers this one differently.
      inbound.unsupported = CONTENT_WITHHELD;
      break;
    default:
      inbound.unsupported = event ?? 'unknown';
  }
  if (inbound.unsupported === undefined && inbound.text === undefined && inbound.attachments === undefined) {
    inbound.unsupported = 'empty';
  }
  return inbound;
}

/**
 * The update's id for the inbox's dedup (src/channels/inbox), read before anything else is
 * checked: Zalo's message id, in either body form. Undefined when there is none.
 */
export function zaloUpdateKey(raw: unknown): string | undefined {
  const message = unwrap(raw)?.message;
  if (!isRecord(message)) return undefined;
  const id = idOf(message.message_id);
  return id === undefined ? undefined : `zalo:${id}`;
}

/**
 * Some published samples omit `event_name`; the content then says what it is. An event name that
 * is there but not a string is left as unknown rather than guessed.
 */
function eventOf(update: Json, message: Json): string | undefined {
  const name = update.event_name;
  if (typeof name === 'string') return name.slice(0, MAX_EVENT_NAME_LENGTH);
  if (name !== undefined) return undefined;
  if (typeof message.photo === 'string' || typeof message.photo_url === 'string') return 'message.image.received';
  if (typeof message.voice_url === 'string') return 'message.voice.received';
  if (typeof message.text === 'string') return 'message.text.received';
  return undefined;
}

function setText(inbound: InboundMessage, raw: unknown): void {
  const bounded = boundedText(raw, MAX_TEXT_LENGTH);
  if (bounded === undefined || bounded.trim() === '') return;
  const text = inbound.chatType === 'group' ? withoutLeadingMention(bounded) : bounded;
  inbound.text = text;
  const command = parseCommand(text);
  if (command) inbound.command = command;
}

/**
 * The docs show webhook bodies wrapped as `{ ok: true, result: { event_name, message } }`; live
 * captures (and getUpdates' result, once the client unwrapped it) are flat. Both are read.
 */
function unwrap(raw: unknown): Json | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.ok === true && isRecord(raw.result) && raw.message === undefined) return raw.result;
  return raw;
}

/** The bot's own messages may come back as updates; answering them would make it talk to itself. */
function fromTheBot(message: Json, from: Json | undefined, userId: string, botId: string | undefined): boolean {
  const sender = isRecord(message.sender) ? message.sender : undefined;
  return from?.is_bot === true || sender?.is_bot === true || (botId !== undefined && userId === botId);
}

/**
 * "@Bot Tổ tự quản /baotin" → "/baotin". Zalo puts the mention first and names the bot by its
 * display name, which has several words, so only a command after it shows where the mention ends;
 * other text is kept whole (it is addressed to the bot all the same).
 */
function withoutLeadingMention(text: string): string {
  const m = /^\s*@[^\n/]{1,128}?\s(\/[\p{L}\p{N}_][\s\S]*)$/u.exec(text);
  return m ? m[1] : text;
}

/** Zalo answers and reads with the same id; numbers are accepted because some samples show them. */
function idOf(raw: unknown): string | undefined {
  let id: string | undefined;
  if (typeof raw === 'string') id = raw.trim();
  else if (typeof raw === 'number' && Number.isSafeInteger(raw)) id = String(raw);
  if (id === undefined || id === '' || id.length > MAX_ID_LENGTH) return undefined;
  return id;
}

/**
 * Without a message id there is nothing stable to dedup on; the send time is the next best thing,
 * and failing that a random id, because losing a resident's message is worse than seeing it twice.
 */
function updateIdOf(message: Json, chatId: string): string {
  const messageId = idOf(message.message_id);
  if (messageId !== undefined) return `zalo:${messageId}`;
  const date = message.date;
  if (typeof date === 'number' && Number.isFinite(date)) return `zalo:${chatId}:${date}`;
  return `zalo:${chatId}:${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/**
 * An unknown chat type is judged by the ids: in a private chat the chat is the sender. Guessing
 * "private" blindly would let a group message be treated as a confidential one-to-one tip.
 */
function chatTypeOf(raw: unknown, chatId: string, userId: string): 'private' | 'group' {
  if (raw === 'GROUP') return 'group';
  if (raw === 'PRIVATE') return 'private';
  return chatId === userId ? 'private' : 'group';
}

function boundedText(raw: unknown, max: number): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let end = Math.min(raw.length, max);
  // Cutting between the halves of a surrogate pair would leave half an emoji behind.
  if (end < raw.length && /[\uD800-\uDBFF]/.test(raw.charAt(end - 1))) end--;
  return raw.slice(0, end).normalize('NFC');
}

function urlOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const url = raw.trim();
  if (url.length > MAX_URL_LENGTH || !/^https?:\/\/\S+$/i.test(url)) return undefined;
  return url;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
