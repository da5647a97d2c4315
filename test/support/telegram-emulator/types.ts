/**
 * The emulator's public types: what tests pass in (options, faults) and what they read back (sent
 * messages, requests, webhook deliveries, the users they drive). index.ts re-exports all of them.
 */
import type {
  CallbackQuery,
  ForceReply,
  InlineKeyboardMarkup,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
} from 'telegraf/types';

export interface EmulatorLimits {
  /** Telegram asks for about one message per second into one chat. Default 1 when limits are on. */
  perChatPerSecond?: number;
  /** And no more than 20 messages per minute into one group. Default 20 when limits are on. */
  perGroupPerMinute?: number;
  /** And about 30 messages per second overall. Default 30 when limits are on. */
  globalPerSecond?: number;
}

export interface TelegramEmulatorOptions {
  /** Default '123456:TEST-TOKEN'; the bot id is the number before the colon, as with real tokens. */
  token?: string;
  /** Default 'totuquan_test_bot'. */
  botUsername?: string;
  /** Off (false) unless given; `{}` turns them on with Telegram's published numbers. */
  limits?: EmulatorLimits | false;
  /**
   * Group privacy mode, as Telegram has it on by default: in groups where the bot is not an admin
   * it only receives commands, mentions of it, replies to its messages and service messages.
   * Off by default here so that tests see every message unless they ask for realism.
   */
  privacyMode?: boolean;
  /**
   * When true, sending into a private chat whose user never wrote to the bot answers
   * 403 "bot can't initiate conversation with a user", as Telegram does. Off by default.
   */
  requireStart?: boolean;
}

/** What `failNext` makes the next calls of a method answer. 'timeout' never answers. */
/**
 * What a faulty call answers instead: a Bot API error; 'timeout' (never answered); 'html' (a
 * captive portal's or proxy's HTML page with status 200, which is not JSON); 'cut-off' (a JSON
 * answer whose connection drops half-way through the declared length).
 */
export type FaultAnswer = { status: number; description?: string; retryAfter?: number } | 'timeout' | 'html' | 'cut-off';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

export type SendMethod = 'sendMessage' | 'sendPhoto' | 'sendVideo' | 'sendVoice' | 'sendDocument' | 'sendLocation' | 'sendMediaGroup';

/** One message the bot sent (or, in `edited`, one edit it made), as the tests want to read it. */
export interface SentMessage {
  method: SendMethod | 'editMessageText' | 'editMessageReplyMarkup';
  /** Always a string, so `emu.sent(-100123)` and `emu.sent('-100123')` mean the same chat. */
  chat_id: string;
  message_id: number;
  /** As the bot sent it, markup included (the Message returned to the bot has it stripped). */
  text?: string;
  caption?: string;
  /** A file_id or URL as sent, or the made-up file_id of an upload (see `uploads`). */
  photo?: string;
  video?: string;
  voice?: string;
  document?: string;
  latitude?: number;
  longitude?: number;
  reply_markup?: ReplyMarkup;
  parse_mode?: string;
  reply_to_message_id?: number;
  media_group_id?: string;
  at: number;
}

/** Every API call the emulator answered (or refused), with its parameters as parsed. */
export interface ApiRequest {
  method: string;
  params: Params;
  at: number;
}

export interface WebhookDelivery {
  update_id: number;
  /** HTTP status the webhook answered; 0 when the request failed (see `error`). */
  status: number;
  error?: string;
  /** Method the webhook answered with in its body (telegraf's "webhook reply"); it was executed. */
  replyMethod?: string;
  at: number;
}

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
  file_id: string;
  /** The uploaded bytes, so a test can compare them with what the bot should have sent. */
  data: Buffer;
}

/** A file Telegram holds: what getFile describes and `/file/bot<token>/<file_path>` serves. */
export interface HostedFile {
  bytes: Buffer;
  file_path: string;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  at: number;
}

export interface EmulatorStats {
  /** 429 answers given, from limits and from `failNext`. */
  tooManyRequests: number;
  /** Group messages a user sent that privacy mode kept from the bot. */
  hiddenByPrivacy: number;
  /** The 429s of the limits, by the limit that was exhausted (a send over two counts for each). */
  limited: { perChat: number; perGroup: number; global: number };
}

/** A Telegram user as a test drives them. Every method returns the update it pushed. */
export interface EmulatedUser {
  readonly id: number;
  readonly from: User;
  /** Commands (`/start`, `/help@bot`) and @mentions get `entities` as Telegram adds them. */
  sendText(chatId: number, text: string, opts?: { replyTo?: SentMessage | number }): Update.MessageUpdate<Message.TextMessage>;
  /** Throws when the message has no inline button with that callback_data (any more). */
  pressButton(message: SentMessage, callbackData: string): Update.CallbackQueryUpdate<CallbackQueryWithData>;
  sendLocation(chatId: number, latitude: number, longitude: number): Update.MessageUpdate<Message.LocationMessage>;
  /** The user's own contact, as a "share my phone number" keyboard button sends it. */
  sendContact(chatId: number, phone: string): Update.MessageUpdate<Message.ContactMessage>;
  /** The largest size carries `fileId` itself; smaller sizes get suffixed ids. */
  sendPhoto(chatId: number, fileId: string, caption?: string): Update.MessageUpdate<Message.PhotoMessage>;
  sendVoice(chatId: number, fileId: string): Update.MessageUpdate<Message.VoiceMessage>;
  sendVideo(chatId: number, fileId: string): Update.MessageUpdate<Message.VideoMessage>;
  sendSticker(chatId: number, fileId: string): Update.MessageUpdate<Message.StickerMessage>;
  /** A live location: the first message, then `move` sends each new position as an `edited_message`. */
  shareLiveLocation(
    chatId: number,
    latitude: number,
    longitude: number,
    livePeriod?: number,
  ): { started: Update.MessageUpdate<Message.LocationMessage>; move(latitude: number, longitude: number): Update };
  /** The user edits a message they sent: it comes again as `edited_message`. */
  editText(sent: Update.MessageUpdate<Message.TextMessage>, text: string): Update;
  /** Pushes the `my_chat_member` update and then the `new_chat_members` message, in that order. */
  addBotToGroup(groupId: number, title: string): [Update.MyChatMemberUpdate, Update.MessageUpdate<Message.NewChatMembersMessage>];
}

export type CallbackQueryWithData = CallbackQuery.DataQuery;

/** Parameters of one API call after parsing JSON, urlencoded or multipart bodies. */
export type Params = Record<string, unknown>;
