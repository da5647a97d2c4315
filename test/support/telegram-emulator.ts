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
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ChatMember,
  ForceReply,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
} from 'telegraf/types';

// ───────────────────────────── public types ─────────────────────────────

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
export type FaultAnswer = { status: number; description?: string; retryAfter?: number } | 'timeout';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

export type SendMethod =
  | 'sendMessage'
  | 'sendPhoto'
  | 'sendVideo'
  | 'sendVoice'
  | 'sendDocument'
  | 'sendLocation'
  | 'sendMediaGroup';

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
  /** Pushes the `my_chat_member` update and then the `new_chat_members` message, in that order. */
  addBotToGroup(
    groupId: number,
    title: string,
  ): [Update.MyChatMemberUpdate, Update.MessageUpdate<Message.NewChatMembersMessage>];
}

export type CallbackQueryWithData = CallbackQuery.DataQuery;

/** Parameters of one API call after parsing JSON, urlencoded or multipart bodies. */
export type Params = Record<string, unknown>;

// ───────────────────────────── internals ─────────────────────────────

const DEFAULT_TOKEN = '123456:TEST-TOKEN';
const DEFAULT_BOT_ID = 123456;
const DEFAULT_USERNAME = 'totuquan_test_bot';

/** Telegram's method names are case-insensitive; this maps lower case to the canonical spelling. */
const METHODS = [
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'sendMessage',
  'sendPhoto',
  'sendVideo',
  'sendVoice',
  'sendDocument',
  'sendLocation',
  'sendMediaGroup',
  'sendChatAction',
  'answerCallbackQuery',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
  'getChat',
  'getChatMember',
  'getChatAdministrators',
  'setMyCommands',
  'deleteMyCommands',
  'getMyCommands',
  'leaveChat',
] as const;
type Method = (typeof METHODS)[number];
const METHOD_BY_LOWER = new Map<string, Method>(METHODS.map((m) => [m.toLowerCase(), m]));

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** Update types Telegram leaves out when `allowed_updates` is empty or absent. */
const OPT_IN_UPDATE_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const WEBHOOK_TIMEOUT_MS = 30_000;

type TgChat = Chat.PrivateChat | Chat.SupergroupChat;
type ReplyMessage = NonNullable<Message.CommonMessage['reply_to_message']>;
type AlbumMedia = 'photo' | 'video' | 'document';
const isAlbumMedia = (v: unknown): v is AlbumMedia => v === 'photo' || v === 'video' || v === 'document';

/** A refusal that becomes `{ok:false, error_code, description, parameters?}` on the wire. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
const tooManyRequests = (seconds: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${seconds}`, seconds);

interface ChatState {
  id: number;
  type: 'private' | 'supergroup';
  title?: string;
  nextMessageId: number;
  /** Every message in the chat, the bot's and the users'; edits replace the entry. */
  messages: Map<number, Message>;
  botMessageIds: Set<number>;
  deletedIds: Set<number>;
  blocked: boolean;
  /** Groups: false after leaveChat, true again after addBotToGroup. */
  botIsMember: boolean;
  /** Private chats: the user wrote to the bot at least once (see `requireStart`). */
  started: boolean;
  admins: number[];
  creator?: number;
}

interface Poller {
  res: http.ServerResponse;
  limit: number;
  allowed: string[];
  timer: NodeJS.Timeout;
}

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowed: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** Counts hits in a sliding window per key; answers how long to wait when the window is full. */
class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Whole seconds until one more hit fits (at least 1, as Telegram never says 0), or 0 if it fits now. */
  waitSeconds(key: string, now: number): number {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, list);
    if (list.length < this.max) return 0;
    const oldestThatMustLeave = list[list.length - this.max];
    return Math.max(1, Math.ceil((oldestThatMustLeave + this.windowMs - now) / 1000));
  }

  record(key: string, now: number): void {
    const list = this.hits.get(key) ?? [];
    list.push(now);
    this.hits.set(key, list);
  }
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const byteOffset = (s: string, index: number): number => Buffer.byteLength(s.slice(0, index), 'utf8');

// ───────────────────────────── the emulator ─────────────────────────────

export class TelegramEmulator {
  readonly token: string;
  readonly botUser: User & { is_bot: true; username: string };

  /** Calls per canonical method name, refused ones included. */
  readonly calls: Record<string, number> = {};
  readonly requests: ApiRequest[] = [];
  readonly edited: SentMessage[] = [];
  readonly deletedMessages: Array<{ chat_id: string; message_id: number; at: number }> = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly webhookResponses: WebhookDelivery[] = [];
  readonly uploads: UploadedFile[] = [];
  readonly stats: EmulatorStats = { tooManyRequests: 0, hiddenByPrivacy: 0 };

  private readonly sentLog: SentMessage[] = [];
  private readonly privacyMode: boolean;
  private readonly requireStart: boolean;
  private readonly limits?: { perChat: SlidingWindow; perGroup: SlidingWindow; global: SlidingWindow };

  private server?: http.Server;
  private port = 0;
  private stopped = false;

  private nextUpdateId = 1;
  /** Updates not yet confirmed (getUpdates offset) or not yet delivered (webhook). */
  private queue: Update[] = [];
  private poller?: Poller;
  private webhook?: Webhook;
  private pumping?: Promise<void>;
  private readonly webhookAgent = new http.Agent({ keepAlive: false });
  private readonly webhookRequests = new Set<http.ClientRequest>();

  private readonly chats = new Map<number, ChatState>();
  private readonly users = new Map<number, User>();
  private readonly pendingCallbackIds = new Set<string>();
  private nextCallbackId = 1;
  private nextMediaGroupId = 1;
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly faults = new Map<string, { left: number; answer: FaultAnswer }>();
  private readonly hanging = new Set<http.ServerResponse>();
  /** Re-checked whenever something is recorded; each resolves its promise when satisfied. */
  private readonly waiters = new Set<{ check: () => boolean; fail: (err: Error) => void }>();

  constructor(opts: TelegramEmulatorOptions = {}) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    const idPart = this.token.split(':')[0];
    this.botUser = {
      id: /^\d+$/.test(idPart) ? Number(idPart) : DEFAULT_BOT_ID,
      is_bot: true,
      first_name: 'Tổ tự quản (test)',
      username: opts.botUsername ?? DEFAULT_USERNAME,
    };
    this.privacyMode = opts.privacyMode ?? false;
    this.requireStart = opts.requireStart ?? false;
    if (opts.limits) {
      this.limits = {
        perChat: new SlidingWindow(opts.limits.perChatPerSecond ?? 1, 1000),
        perGroup: new SlidingWindow(opts.limits.perGroupPerMinute ?? 20, 60_000),
        global: new SlidingWindow(opts.limits.globalPerSecond ?? 30, 1000),
      };
    }
  }

  // ── lifecycle ──

  async start(): Promise<void> {
    if (this.server) throw new Error('TelegramEmulator already started');
    const server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
  }

  /** telegraf's `telegram.apiRoot`; telegraf calls `${apiRoot}/bot${token}/${method}`. */
  get apiRoot(): string {
    if (!this.server) throw new Error('TelegramEmulator not started: call start() first');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes pending long polls, hung calls, webhook deliveries and waiters; idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.poller) clearTimeout(this.poller.timer);
    this.poller = undefined;
    for (const req of this.webhookRequests) req.destroy();
    this.webhookAgent.destroy();
    for (const waiter of [...this.waiters]) waiter.fail(new Error('TelegramEmulator stopped while waiting'));
    const server = this.server;
    if (!server) return;
    // Long polls and 'timeout' faults hold sockets open; close() alone would wait for them.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.pumping?.catch(() => undefined);
  }

  // ── test controls ──

  /** Further sends to that chat answer 403, as after a resident blocks the bot. */
  blockBot(chatId: number | string): void {
    this.chat(Number(chatId)).blocked = true;
  }

  unblockBot(chatId: number | string): void {
    this.chat(Number(chatId)).blocked = false;
  }

  /** The next `count` calls of `method` answer `answer` instead of doing anything. */
  failNext(method: string, count: number, answer: FaultAnswer): void {
    const canonical = METHOD_BY_LOWER.get(method.toLowerCase()) ?? method;
    this.faults.set(canonical, { left: count, answer });
  }

  /**
   * Ends every call a 'timeout' fault is holding by dropping its connection, unanswered: the
   * client sees what its own timeout would give it (telegraf's is 500 s, too long for a test).
   * Returns how many calls were dropped.
   */
  dropHanging(): number {
    const held = [...this.hanging];
    for (const res of held) res.socket?.destroy();
    return held.length;
  }

  /** Calls a 'timeout' fault is holding right now. */
  get hangingCalls(): number {
    return this.hanging.size;
  }

  /** Admins of a group for getChatAdministrators / getChatMember; `creator` gets status 'creator'. */
  setAdmins(chatId: number | string, userIds: number[], opts: { creator?: number } = {}): void {
    const chat = this.chat(Number(chatId));
    chat.admins = [...userIds];
    chat.creator = opts.creator;
  }

  // ── reading what the bot did ──

  sent(chatId?: string | number): SentMessage[] {
    return chatId === undefined ? [...this.sentLog] : this.sentLog.filter((m) => m.chat_id === String(chatId));
  }

  /** Forgets sent, edited, deleted, callback answers and the request log (not `calls` or `stats`). */
  clearSent(): void {
    this.sentLog.length = 0;
    this.edited.length = 0;
    this.deletedMessages.length = 0;
    this.callbackAnswers.length = 0;
    this.requests.length = 0;
  }

  /** The first sent message (already sent or future) that matches. */
  waitFor(predicate: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    return this.waitUntil(
      () => this.sentLog.find(predicate),
      timeoutMs,
      () => `no sent message matched within ${timeoutMs} ms. Sent so far:\n${this.describe(this.sentLog)}`,
    );
  }

  /** Like waitFor, over edits (editMessageText / editMessageReplyMarkup). */
  waitForEdit(predicate: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    return this.waitUntil(
      () => this.edited.find(predicate),
      timeoutMs,
      () => `no edit matched within ${timeoutMs} ms. Edits so far:\n${this.describe(this.edited)}`,
    );
  }

  /** The first call of `method` (already made or future) whose params match; e.g. polling started. */
  waitForCall(method: string, predicate: (p: Params) => boolean = () => true, timeoutMs = 10_000): Promise<ApiRequest> {
    const canonical = METHOD_BY_LOWER.get(method.toLowerCase()) ?? method;
    return this.waitUntil(
      () => this.requests.find((r) => r.method === canonical && predicate(r.params)),
      timeoutMs,
      () =>
        `no ${canonical} call matched within ${timeoutMs} ms. Calls so far: ${JSON.stringify(this.calls)}`,
    );
  }

  /** Resolves when every queued update has been POSTed to the webhook (or none is set). */
  async webhookIdle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  // ── building updates ──

  /** Pushes any update (for fuzzing); an `update_id` is assigned when missing. */
  pushUpdate(update: Record<string, unknown>): Update {
    const full = { ...update, update_id: typeof update.update_id === 'number' ? update.update_id : this.nextUpdateId++ };
    this.nextUpdateId = Math.max(this.nextUpdateId, full.update_id + 1);
    // So that the bot may answer a hand-made callback query like one from pressButton.
    const query = update.callback_query as { id?: unknown } | undefined;
    if (typeof query?.id === 'string') this.pendingCallbackIds.add(query.id);
    // Raw updates are whatever the test says they are; the bot must cope with the shape.
    this.enqueue(full as unknown as Update);
    return full as unknown as Update;
  }

  user(id: number, opts: { firstName?: string; lastName?: string; username?: string; languageCode?: string } = {}): EmulatedUser {
    const previous = this.users.get(id);
    const from: User = {
      id,
      is_bot: false,
      first_name: opts.firstName ?? previous?.first_name ?? `User ${id}`,
      ...((opts.lastName ?? previous?.last_name) !== undefined ? { last_name: opts.lastName ?? previous?.last_name } : {}),
      ...((opts.username ?? previous?.username) !== undefined ? { username: opts.username ?? previous?.username } : {}),
      language_code: opts.languageCode ?? previous?.language_code ?? 'vi',
    };
    this.users.set(id, from);

    /** Builds the common part of a user's message and makes sure the chat is one they can write in. */
    const begin = (chatId: number): { chat: ChatState; message_id: number; date: number; chat_obj: TgChat } => {
      if (chatId > 0 && chatId !== id) {
        throw new Error(`user ${id} cannot write in private chat ${chatId}: a private chat's id is the user's id`);
      }
      const chat = this.chat(chatId);
      if (chat.type === 'private') {
        chat.started = true;
        // Writing again means the user unblocked the bot (Telegram requires it to send).
        chat.blocked = false;
      }
      return { chat, message_id: chat.nextMessageId++, date: nowSeconds(), chat_obj: this.chatObject(chat) };
    };

    /** Stores the message and pushes it, unless privacy mode hides it from the bot. */
    const deliver = <M extends Message>(chat: ChatState, message: M & { from: User; chat: TgChat }): Update.MessageUpdate<M> => {
      chat.messages.set(message.message_id, message);
      const update = { update_id: this.nextUpdateId++, message } as Update.MessageUpdate<M>;
      if (chat.type === 'supergroup' && !chat.botIsMember) return update; // the bot left: it sees nothing
      if (this.hiddenByPrivacy(chat, message)) this.stats.hiddenByPrivacy++;
      else this.enqueue(update);
      return update;
    };

    const replyTo = (chat: ChatState, ref: SentMessage | number | undefined): { reply_to_message?: ReplyMessage } => {
      if (ref === undefined) return {};
      const messageId = typeof ref === 'number' ? ref : ref.message_id;
      const target = chat.messages.get(messageId);
      if (!target) throw new Error(`no message ${messageId} in chat ${chat.id} to reply to`);
      return { reply_to_message: target as ReplyMessage };
    };

    return {
      id,
      from,
      sendText: (chatId, text, opts = {}) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        const entities = detectEntities(text);
        return deliver<Message.TextMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          text,
          ...(entities.length > 0 ? { entities } : {}),
          ...replyTo(chat, opts.replyTo),
        });
      },
      pressButton: (message, callbackData) => {
        const chat = this.chat(Number(message.chat_id));
        if (chat.type === 'private' && chat.id !== id) {
          throw new Error(`user ${id} cannot see private chat ${chat.id}`);
        }
        const current = chat.messages.get(message.message_id);
        if (!current || chat.deletedIds.has(message.message_id) || !chat.botMessageIds.has(message.message_id)) {
          throw new Error(`message ${message.message_id} in chat ${message.chat_id} is not a bot message the user can see`);
        }
        const markup = 'reply_markup' in current ? current.reply_markup : undefined;
        const available = (markup?.inline_keyboard ?? []).flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
        if (!available.includes(callbackData)) {
          throw new Error(
            `message ${message.message_id} has no inline button with callback_data ${JSON.stringify(callbackData)}; ` +
              `it has ${JSON.stringify(available)}`,
          );
        }
        if (chat.type === 'private') chat.started = true;
        const queryId = `${id}${String(this.nextCallbackId++).padStart(6, '0')}`;
        this.pendingCallbackIds.add(queryId);
        const update: Update.CallbackQueryUpdate<CallbackQueryWithData> = {
          update_id: this.nextUpdateId++,
          callback_query: {
            id: queryId,
            from,
            message: current,
            // Stable per chat, as Telegram's is; only its equality matters to bots.
            chat_instance: `ci${Math.abs(chat.id)}`,
            data: callbackData,
          },
        };
        this.enqueue(update);
        return update;
      },
      sendLocation: (chatId, latitude, longitude) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        return deliver<Message.LocationMessage>(chat, { message_id, date, chat: chat_obj, from, location: { latitude, longitude } });
      },
      sendContact: (chatId, phone) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        return deliver<Message.ContactMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          contact: { phone_number: phone, first_name: from.first_name, user_id: id },
        });
      },
      sendPhoto: (chatId, fileId, caption) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        const size = (suffix: string, width: number, height: number): PhotoSize => ({
          file_id: `${fileId}${suffix}`,
          file_unique_id: `u_${fileId}${suffix}`,
          width,
          height,
          file_size: width * height,
        });
        return deliver<Message.PhotoMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          photo: [size('_s', 90, 68), size('_m', 320, 240), size('', 1280, 960)],
          ...(caption !== undefined ? { caption } : {}),
        });
      },
      sendVoice: (chatId, fileId) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        return deliver<Message.VoiceMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          voice: { file_id: fileId, file_unique_id: `u_${fileId}`, duration: 3, mime_type: 'audio/ogg', file_size: 12_000 },
        });
      },
      sendVideo: (chatId, fileId) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        return deliver<Message.VideoMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          video: {
            file_id: fileId,
            file_unique_id: `u_${fileId}`,
            width: 1280,
            height: 720,
            duration: 5,
            mime_type: 'video/mp4',
            file_size: 900_000,
          },
        });
      },
      sendSticker: (chatId, fileId) => {
        const { chat, chat_obj, message_id, date } = begin(chatId);
        return deliver<Message.StickerMessage>(chat, {
          message_id,
          date,
          chat: chat_obj,
          from,
          sticker: {
            file_id: fileId,
            file_unique_id: `u_${fileId}`,
            type: 'regular',
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            emoji: '👍',
          },
        });
      },
      addBotToGroup: (groupId, title) => {
        if (groupId >= 0) throw new Error(`group ids are negative (got ${groupId}); supergroups look like -100…`);
        const chat = this.chat(groupId);
        chat.title = title;
        chat.botIsMember = true;
        const chatObj = this.chatObject(chat);
        const date = nowSeconds();
        const memberUpdate: Update.MyChatMemberUpdate = {
          update_id: this.nextUpdateId++,
          my_chat_member: {
            chat: chatObj,
            from,
            date,
            old_chat_member: { status: 'left', user: this.botUser },
            new_chat_member: { status: 'member', user: this.botUser },
          },
        };
        const message: Message.NewChatMembersMessage & { from: User; chat: TgChat } = {
          message_id: chat.nextMessageId++,
          date,
          chat: chatObj,
          from,
          new_chat_members: [this.botUser],
        };
        chat.messages.set(message.message_id, message);
        const messageUpdate: Update.MessageUpdate<Message.NewChatMembersMessage> = {
          update_id: this.nextUpdateId++,
          message,
        };
        this.enqueue(memberUpdate);
        this.enqueue(messageUpdate);
        return [memberUpdate, messageUpdate];
      },
    };
  }

  // ── HTTP ──

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://emulator');
      const match = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
      if (!match) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, rawMethod] = match;
      if (token !== this.token) return this.answerError(res, new ApiError(401, 'Unauthorized'));

      const method: string = METHOD_BY_LOWER.get(rawMethod.toLowerCase()) ?? rawMethod;
      this.calls[method] = (this.calls[method] ?? 0) + 1;
      let params: Params;
      try {
        params = { ...Object.fromEntries(url.searchParams), ...this.parseBody(req.headers['content-type'], body) };
      } catch (err) {
        return this.answerError(res, badRequest(`can't parse request body: ${(err as Error).message}`));
      }
      this.requests.push({ method, params, at: Date.now() });
      this.notify();

      const fault = this.takeFault(method);
      if (fault === 'timeout') {
        // Never answer: the client's own timeout or abort, or stop(), ends the socket.
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault) {
        const description = fault.description ?? defaultDescription(fault.status, fault.retryAfter);
        return this.answerError(res, new ApiError(fault.status, description, fault.retryAfter));
      }
      if (!isMethod(method)) {
        return this.answerError(res, new ApiError(404, 'Not Found: method not found'));
      }
      if (method === 'getUpdates') return this.getUpdates(params, res);
      this.answer(res, 200, { ok: true, result: this.dispatch(method, params) });
    } catch (err) {
      if (err instanceof ApiError) return this.answerError(res, err);
      this.answer(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${(err as Error).message}` });
    }
  }

  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private answerError(res: http.ServerResponse, err: ApiError): void {
    if (err.status === 429) this.stats.tooManyRequests++;
    this.answer(res, err.status, {
      ok: false,
      error_code: err.status,
      description: err.description,
      ...(err.retryAfter !== undefined ? { parameters: { retry_after: err.retryAfter } } : {}),
    });
  }

  private takeFault(method: string): FaultAnswer | undefined {
    const fault = this.faults.get(method);
    if (!fault || fault.left <= 0) return undefined;
    fault.left--;
    if (fault.left === 0) this.faults.delete(method);
    return fault.answer;
  }

  /** JSON (telegraf's normal body), urlencoded, or multipart (telegraf's body when uploading). */
  private parseBody(contentType: string | undefined, body: Buffer): Params {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (body.length === 0) return {};
    if (type === 'application/x-www-form-urlencoded') {
      return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    }
    if (type === 'multipart/form-data') {
      const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
      if (!boundary) throw new Error('multipart body without boundary');
      const params: Params = {};
      for (const part of parseMultipart(body, boundary)) {
        if (part.filename === undefined) {
          params[part.name] = part.data.toString('utf8');
        } else {
          const file_id = `emu-upload-${this.uploads.length + 1}`;
          this.uploads.push({ field: part.name, filename: part.filename, size: part.data.length, file_id });
          params[part.name] = file_id;
        }
      }
      return params;
    }
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('JSON body is not an object');
    return parsed as Params;
  }

  private dispatch(method: Exclude<Method, 'getUpdates'>, p: Params): unknown {
    switch (method) {
      case 'getMe':
        return {
          ...this.botUser,
          can_join_groups: true,
          can_read_all_group_messages: !this.privacyMode,
          supports_inline_queries: false,
        };
      case 'setWebhook':
        return this.setWebhook(p);
      case 'deleteWebhook':
        this.webhook = undefined;
        if (bool(p, 'drop_pending_updates')) this.queue = [];
        return true;
      case 'getWebhookInfo':
        return {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.queue.length,
          ...(this.webhook
            ? {
                max_connections: this.webhook.maxConnections,
                ...(this.webhook.allowed.length > 0 ? { allowed_updates: this.webhook.allowed } : {}),
                ...(this.webhook.lastErrorDate !== undefined
                  ? { last_error_date: this.webhook.lastErrorDate, last_error_message: this.webhook.lastErrorMessage }
                  : {}),
              }
            : {}),
        };
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendVoice':
      case 'sendDocument':
      case 'sendLocation':
        return this.sendOne(method, p);
      case 'sendMediaGroup':
        return this.sendMediaGroup(p);
      case 'sendChatAction': {
        this.writableChat(p);
        const action = str(p, 'action');
        if (!action || !CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
        return true;
      }
      case 'answerCallbackQuery':
        return this.answerCallbackQuery(p);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.edit(method, p);
      case 'deleteMessage':
        return this.deleteMessage(p);
      case 'getChat':
        return this.getChat(p);
      case 'getChatMember': {
        const chat = this.knownChat(p);
        const userId = num(p, 'user_id');
        if (userId === undefined) throw badRequest('user_id is empty');
        return this.member(chat, userId);
      }
      case 'getChatAdministrators': {
        const chat = this.knownChat(p);
        if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
        const ids = [...(chat.creator !== undefined ? [chat.creator] : []), ...chat.admins.filter((a) => a !== chat.creator)];
        return ids.map((userId) => this.member(chat, userId));
      }
      case 'setMyCommands': {
        const commands = json(p, 'commands');
        if (!Array.isArray(commands) || commands.length > 100) throw badRequest('commands must be an array of at most 100');
        for (const c of commands as Array<Partial<BotCommand>>) {
          if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest('BOT_COMMAND_INVALID');
          if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
            throw badRequest('command description must be 1-256 characters');
          }
        }
        this.commands.set(commandsKey(p), commands as BotCommand[]);
        return true;
      }
      case 'deleteMyCommands':
        this.commands.delete(commandsKey(p));
        return true;
      case 'getMyCommands':
        return this.commands.get(commandsKey(p)) ?? [];
      case 'leaveChat':
        return this.leaveChat(p);
    }
  }

  // ── updates: long polling and webhook ──

  private getUpdates(p: Params, res: http.ServerResponse): void {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = num(p, 'offset') ?? 0;
    const limit = Math.min(100, Math.max(1, num(p, 'limit') ?? 100));
    const timeout = Math.max(0, num(p, 'timeout') ?? 0);
    const allowed = stringList(p, 'allowed_updates');

    // Asking with an offset confirms every update before it; Telegram then forgets them.
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.queue = this.queue.slice(offset);

    // Only one getUpdates may wait at a time: a second one (another replica) ends the first.
    if (this.poller) {
      const old = this.poller;
      this.poller = undefined;
      clearTimeout(old.timer);
      this.answerError(old.res, new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }

    const ready = this.deliverable(limit, allowed);
    if (ready.length > 0 || timeout === 0) return this.answer(res, 200, { ok: true, result: ready });

    const poller: Poller = {
      res,
      limit,
      allowed,
      timer: setTimeout(() => {
        if (this.poller === poller) this.poller = undefined;
        this.answer(res, 200, { ok: true, result: [] });
      }, timeout * 1000),
    };
    // A client that gives up (telegraf's bot.stop() aborts the request) must not receive updates.
    res.on('close', () => {
      clearTimeout(poller.timer);
      if (this.poller === poller) this.poller = undefined;
    });
    this.poller = poller;
  }

  private deliverable(limit: number, allowed: string[]): Update[] {
    return this.queue.filter((u) => isAllowed(u, allowed)).slice(0, limit);
  }

  private enqueue(update: Update): void {
    if (this.stopped) throw new Error('TelegramEmulator is stopped');
    this.queue.push(update);
    if (this.webhook) {
      this.pumpWebhook();
      return;
    }
    // Wake the waiting poll after the current synchronous code, so updates pushed together
    // (addBotToGroup pushes two) arrive in one getUpdates answer, as they would from Telegram.
    queueMicrotask(() => {
      const poller = this.poller;
      if (!poller) return;
      const ready = this.deliverable(poller.limit, poller.allowed);
      if (ready.length === 0) return;
      this.poller = undefined;
      clearTimeout(poller.timer);
      this.answer(poller.res, 200, { ok: true, result: ready });
    });
  }

  private setWebhook(p: Params): true {
    const url = str(p, 'url') ?? '';
    if (url === '') {
      this.webhook = undefined;
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: invalid webhook URL specified');
    }
    // Telegram demands HTTPS; plain http is accepted here because the test servers are local.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = str(p, 'secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    this.webhook = {
      url,
      secretToken,
      maxConnections: num(p, 'max_connections') ?? 40,
      allowed: stringList(p, 'allowed_updates'),
    };
    if (bool(p, 'drop_pending_updates')) this.queue = [];
    // A poll still waiting learns the way Telegram tells it: 409.
    if (this.poller) {
      const old = this.poller;
      this.poller = undefined;
      clearTimeout(old.timer);
      this.answerError(old.res, new ApiError(409, 'Conflict: terminated by setWebhook request'));
    }
    this.pumpWebhook();
    return true;
  }

  /** POSTs queued updates one at a time, in order; a failed delivery is recorded and dropped. */
  private pumpWebhook(): void {
    if (this.pumping || !this.webhook) return;
    this.pumping = (async () => {
      // Yield first: were the loop to finish synchronously, `finally` would run before this
      // assignment and leave `pumping` set forever.
      await Promise.resolve();
      try {
        while (this.webhook && !this.stopped) {
          const hook = this.webhook;
          const update = this.queue.find((u) => isAllowed(u, hook.allowed));
          if (!update) break;
          await this.deliverToWebhook(hook, update);
          // Drop it (no retries here) and the earlier updates this webhook does not subscribe to.
          this.queue = this.queue.filter((u) => u !== update && (u.update_id > update.update_id || isAllowed(u, hook.allowed)));
        }
      } finally {
        this.pumping = undefined;
      }
    })();
  }

  private async deliverToWebhook(hook: Webhook, update: Update): Promise<void> {
    const body = JSON.stringify(update);
    const record: WebhookDelivery = { update_id: update.update_id, status: 0, at: Date.now() };
    try {
      const { status, contentType, payload } = await new Promise<{ status: number; contentType?: string; payload: Buffer }>(
        (resolve, reject) => {
          const req = http.request(
            hook.url,
            {
              method: 'POST',
              agent: this.webhookAgent,
              timeout: WEBHOOK_TIMEOUT_MS,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                ...(hook.secretToken !== undefined ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {}),
              },
            },
            (res) => {
              readBody(res).then(
                (payload) => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], payload }),
                reject,
              );
            },
          );
          this.webhookRequests.add(req);
          req.on('close', () => this.webhookRequests.delete(req));
          req.on('timeout', () => req.destroy(new Error(`webhook did not answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
          req.on('error', reject);
          req.end(body);
        },
      );
      record.status = status;
      if (status >= 200 && status < 300) {
        // telegraf answers some calls in the webhook response body; Telegram executes them.
        const reply = payload.length > 0 ? this.tryParseBody(contentType, payload) : undefined;
        const replyMethod = typeof reply?.method === 'string' ? METHOD_BY_LOWER.get(reply.method.toLowerCase()) : undefined;
        if (reply && replyMethod && replyMethod !== 'getUpdates') {
          record.replyMethod = replyMethod;
          this.calls[replyMethod] = (this.calls[replyMethod] ?? 0) + 1;
          this.requests.push({ method: replyMethod, params: reply, at: Date.now() });
          try {
            this.dispatch(replyMethod, reply);
          } catch (err) {
            record.error = `webhook reply ${replyMethod} failed: ${(err as Error).message}`;
          }
        }
      } else {
        hook.lastErrorDate = nowSeconds();
        hook.lastErrorMessage = `Wrong response from the webhook: ${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
      }
    } catch (err) {
      record.error = (err as Error).message;
      hook.lastErrorDate = nowSeconds();
      hook.lastErrorMessage = record.error;
    }
    this.webhookResponses.push(record);
    this.notify();
  }

  private tryParseBody(contentType: string | undefined, payload: Buffer): Params | undefined {
    try {
      return this.parseBody(contentType, payload);
    } catch {
      return undefined;
    }
  }

  // ── chats ──

  private chat(id: number): ChatState {
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found');
    let chat = this.chats.get(id);
    if (!chat) {
      chat = {
        id,
        type: id < 0 ? 'supergroup' : 'private',
        nextMessageId: 1,
        messages: new Map(),
        botMessageIds: new Set(),
        deletedIds: new Set(),
        blocked: false,
        botIsMember: true,
        started: false,
        admins: [],
      };
      this.chats.set(id, chat);
    }
    return chat;
  }

  private chatObject(chat: ChatState): TgChat {
    if (chat.type === 'supergroup') return { id: chat.id, type: 'supergroup', title: chat.title ?? `Group ${chat.id}` };
    const user = this.users.get(chat.id);
    return {
      id: chat.id,
      type: 'private',
      first_name: user?.first_name ?? `User ${chat.id}`,
      ...(user?.last_name !== undefined ? { last_name: user.last_name } : {}),
      ...(user?.username !== undefined ? { username: user.username } : {}),
    };
  }

  /** The chat named by chat_id; numeric ids only (no @channelusername here). */
  private knownChat(p: Params): ChatState {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const id = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
    return this.chat(id);
  }

  /** The chat, if the bot may write in it; the 403s Telegram gives otherwise. */
  private writableChat(p: Params): ChatState {
    const chat = this.knownChat(p);
    if (chat.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (chat.type === 'supergroup' && !chat.botIsMember) {
      throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    }
    if (chat.type === 'private' && this.requireStart && !chat.started) {
      throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    }
    return chat;
  }

  private member(chat: ChatState, userId: number): ChatMember {
    const user: User =
      userId === this.botUser.id ? this.botUser : (this.users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` });
    if (chat.creator === userId) return { status: 'creator', user, is_anonymous: false };
    if (chat.admins.includes(userId)) {
      return {
        status: 'administrator',
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
      };
    }
    if (userId === this.botUser.id && chat.type === 'supergroup' && !chat.botIsMember) return { status: 'left', user };
    return { status: 'member', user };
  }

  private getChat(p: Params): unknown {
    const chat = this.knownChat(p);
    if (chat.type === 'supergroup' && !chat.botIsMember) {
      throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    }
    return { ...this.chatObject(chat), accent_color_id: 0, max_reaction_count: 11 };
  }

  private leaveChat(p: Params): true {
    const chat = this.knownChat(p);
    if (chat.type === 'private') throw badRequest("chat member status can't be changed in private chats");
    if (!chat.botIsMember) throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    chat.botIsMember = false;
    // Telegram tells the bot about its own departure too.
    this.enqueue({
      update_id: this.nextUpdateId++,
      my_chat_member: {
        chat: this.chatObject(chat),
        from: this.botUser,
        date: nowSeconds(),
        old_chat_member: { status: 'member', user: this.botUser },
        new_chat_member: { status: 'left', user: this.botUser },
      },
    });
    return true;
  }

  private hiddenByPrivacy(chat: ChatState, message: Message): boolean {
    if (!this.privacyMode || chat.type !== 'supergroup' || chat.admins.includes(this.botUser.id)) return false;
    if ('new_chat_members' in message || 'left_chat_member' in message) return false;
    if ('reply_to_message' in message && message.reply_to_message && chat.botMessageIds.has(message.reply_to_message.message_id)) {
      return false;
    }
    if ('text' in message) {
      for (const e of message.entities ?? []) {
        if (e.type === 'bot_command') return false;
        const mentioned = message.text.slice(e.offset, e.offset + e.length);
        if (e.type === 'mention' && mentioned.toLowerCase() === `@${this.botUser.username.toLowerCase()}`) return false;
      }
    }
    return true;
  }

  // ── sending ──

  /** 429 when enabled limits are exhausted; otherwise counts this send. */
  private takeRateLimit(chat: ChatState): void {
    if (!this.limits) return;
    const now = Date.now();
    const key = String(chat.id);
    const wait = Math.max(
      this.limits.perChat.waitSeconds(key, now),
      chat.type === 'supergroup' ? this.limits.perGroup.waitSeconds(key, now) : 0,
      this.limits.global.waitSeconds('*', now),
    );
    if (wait > 0) throw tooManyRequests(wait);
    this.limits.perChat.record(key, now);
    if (chat.type === 'supergroup') this.limits.perGroup.record(key, now);
    this.limits.global.record('*', now);
  }

  private replyTarget(chat: ChatState, p: Params): { id?: number; message?: ReplyMessage } {
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

  private sendOne(method: Exclude<SendMethod, 'sendMediaGroup'>, p: Params): Message {
    const chat = this.writableChat(p);
    const parseMode = str(p, 'parse_mode');
    const markup = parseReplyMarkup(p);
    const reply = this.replyTarget(chat, p);
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
    this.takeRateLimit(chat);
    return this.store(chat, record, content, reply.message);
  }

  private sendMediaGroup(p: Params): Message[] {
    const chat = this.writableChat(p);
    const media = json(p, 'media');
    if (!Array.isArray(media) || media.length < 2) throw badRequest('wrong number of media items');
    if (media.length > 10) throw badRequest('too much messages to send as an album');
    const reply = this.replyTarget(chat, p);
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
    this.takeRateLimit(chat);
    const media_group_id = String(13_000_000_000_000 + this.nextMediaGroupId++);
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
      return this.store(chat, record, content, reply.message);
    });
  }

  /** Gives the message its id, keeps it for buttons/edits/replies, logs it, and builds the result. */
  private store(
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
      from: this.botUser,
      chat: this.chatObject(chat),
      date: nowSeconds(),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...content,
      ...(inline ? { reply_markup: inline } : {}),
    } as unknown as Message; // content's shape was built per method above; the union cannot see it
    chat.messages.set(message_id, message);
    chat.botMessageIds.add(message_id);
    this.sentLog.push({ ...record, message_id, at: Date.now() });
    this.notify();
    return message;
  }

  private answerCallbackQuery(p: Params): true {
    const id = str(p, 'callback_query_id');
    if (!id || !this.pendingCallbackIds.has(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = str(p, 'text');
    if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    this.pendingCallbackIds.delete(id);
    const showAlert = bool(p, 'show_alert');
    this.callbackAnswers.push({
      callback_query_id: id,
      ...(text !== undefined ? { text } : {}),
      ...(showAlert ? { show_alert: true } : {}),
      at: Date.now(),
    });
    this.notify();
    return true;
  }

  private edit(method: 'editMessageText' | 'editMessageReplyMarkup', p: Params): Message {
    if (p.inline_message_id !== undefined) throw badRequest('inline messages are not supported by the emulator');
    const chat = this.writableChat(p);
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
    this.edited.push(record);
    this.notify();
    return message;
  }

  private deleteMessage(p: Params): true {
    const chat = this.knownChat(p);
    const messageId = num(p, 'message_id');
    if (messageId === undefined || !chat.messages.has(messageId) || chat.deletedIds.has(messageId)) {
      throw badRequest('message to delete not found');
    }
    // Bots delete their own messages anywhere, incoming ones in private chats, others' in groups only as admin.
    const mayDelete = chat.botMessageIds.has(messageId) || chat.type === 'private' || chat.admins.includes(this.botUser.id);
    if (!mayDelete) throw badRequest("message can't be deleted");
    chat.deletedIds.add(messageId);
    this.deletedMessages.push({ chat_id: String(chat.id), message_id: messageId, at: Date.now() });
    this.notify();
    return true;
  }

  // ── waiting ──

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private waitUntil<T>(find: () => T | undefined, timeoutMs: number, explain: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const found = find();
      if (found !== undefined) return resolve(found);
      const waiter = {
        check: (): boolean => {
          const hit = find();
          if (hit === undefined) return false;
          finish();
          resolve(hit);
          return true;
        },
        fail: (err: Error): void => {
          finish();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`TelegramEmulator: ${explain()}`)), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  private describe(messages: SentMessage[]): string {
    if (messages.length === 0) return '  (nothing)';
    return messages
      .map((m) => {
        const what = m.text ?? m.caption ?? m.photo ?? m.video ?? m.voice ?? m.document ??
          (m.latitude !== undefined ? `location ${m.latitude},${m.longitude}` : '');
        const buttons =
          m.reply_markup && 'inline_keyboard' in m.reply_markup
            ? ` buttons=${JSON.stringify(m.reply_markup.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)))}`
            : '';
        return `  ${m.method} chat=${m.chat_id} #${m.message_id}: ${JSON.stringify(what)}${buttons}`;
      })
      .join('\n');
  }
}

// ───────────────────────────── helpers ─────────────────────────────

function isMethod(name: string): name is Method {
  return METHOD_BY_LOWER.get(name.toLowerCase()) === name;
}

function defaultDescription(status: number, retryAfter?: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden: bot was blocked by the user';
    case 404:
      return 'Not Found';
    case 409:
      return 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
    case 429:
      return `Too Many Requests: retry after ${retryAfter ?? 1}`;
    default:
      return http.STATUS_CODES[status] ?? 'Error';
  }
}

const notModified = (): ApiError =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

function readBody(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A small RFC 7578 reader; telegraf writes `content-disposition:form-data; name="x"` (no space). */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // The CRLF before the next delimiter belongs to the delimiter, not to the data.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = (headerEnd === -1 ? part : part.subarray(0, headerEnd)).toString('utf8');
    const disposition = headers.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line)) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      parts.push({ name, filename, data: headerEnd === -1 ? Buffer.alloc(0) : part.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}

function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw badRequest(`field "${key}" must be of type String`);
}

function num(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw badRequest(`field "${key}" must be a Number`);
  return n;
}

function bool(p: Params, key: string): boolean {
  const v = p[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** Objects arrive as objects in JSON bodies and as JSON strings in form bodies. */
function json(p: Params, key: string): unknown {
  const v = p[key];
  if (typeof v !== 'string') return v ?? undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(`can't parse ${key} JSON object`);
  }
}

function stringList(p: Params, key: string): string[] {
  const v = json(p, key);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? '';
}

function isAllowed(update: Update, allowed: string[]): boolean {
  const type = updateType(update);
  return allowed.length > 0 ? allowed.includes(type) : !OPT_IN_UPDATE_TYPES.has(type);
}

function commandsKey(p: Params): string {
  const scope = (json(p, 'scope') ?? { type: 'default' }) as { type?: string; chat_id?: unknown; user_id?: unknown };
  return [scope.type ?? 'default', scope.chat_id ?? '', scope.user_id ?? '', str(p, 'language_code') ?? ''].join('|');
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
      } else if (!['switch_inline_query', 'switch_inline_query_current_chat', 'login_url', 'web_app', 'pay', 'callback_game', 'switch_inline_query_chosen_chat'].some((k) => k in button)) {
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

/** `/command`, `/command@bot` and `@mention` entities, as Telegram clients produce them. */
function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const re = /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{5,32})(?=$|[\s.,!?:;)])/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const offset = m.index + m[1].length; // JS indices are UTF-16 units, as Telegram's offsets are
    entities.push({ type: m[2].startsWith('/') ? 'bot_command' : 'mention', offset, length: m[2].length });
  }
  return entities;
}

// ── parse_mode: refuse what Telegram refuses, return the text the user would see ──

const cantParse = (what: string): ApiError => badRequest(`can't parse entities: ${what}`);

function plainText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === '') return text;
  switch (parseMode) {
    case 'HTML':
      return parseHtml(text);
    case 'MarkdownV2':
      return parseMarkdownV2(text);
    case 'Markdown':
      return parseLegacyMarkdown(text);
    default:
      throw badRequest('unsupported parse_mode');
  }
}

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);
const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The usual bug this catches: user-typed `<` or `&lt;`-less text pasted into an HTML message. */
function parseHtml(src: string): string {
  const open: Array<{ name: string; at: number }> = [];
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/.exec(src.slice(i));
      if (!tag) throw cantParse(`Unsupported start tag at byte offset ${byteOffset(src, i)}`);
      const [whole, closing, rawName, attrs] = tag;
      const name = rawName.toLowerCase();
      if (closing) {
        const top = open.pop();
        if (!top) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(src, i)}`);
        if (top.name !== name) {
          throw cantParse(`Unmatched end tag at byte offset ${byteOffset(src, i)}, expected "</${top.name}>", found "</${name}>"`);
        }
      } else {
        if (!HTML_TAGS.has(name)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, i)}`);
        if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(attrs)) {
          throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, i)}`);
        }
        open.push({ name, at: i });
      }
      i += whole.length;
      continue;
    }
    if (ch === '&') {
      const entity = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(src.slice(i, i + 12));
      if (entity) {
        const body = entity[1];
        const decoded = body.startsWith('#x')
          ? String.fromCodePoint(parseInt(body.slice(2), 16))
          : body.startsWith('#')
            ? String.fromCodePoint(Number(body.slice(1)))
            : HTML_ENTITIES[body.toLowerCase()];
        // Unknown named entities are left as typed, which is what Telegram does.
        if (decoded !== undefined) {
          out += decoded;
          i += entity[0].length;
          continue;
        }
      }
    }
    out += ch;
    i++;
  }
  const unclosed = open.pop();
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return out;
}

/** MarkdownV2: reserved characters outside entities must be escaped; markers must be closed. */
function parseMarkdownV2(src: string): string {
  const names: Record<string, string> = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler' };
  const open = new Map<string, number>();
  const toggle = (marker: string, at: number): void => {
    if (open.has(marker)) open.delete(marker);
    else open.set(marker, at);
  };
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    const next = src[i + 1];
    if (ch === '\\') {
      if (next === undefined) throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = src.startsWith('```', i) ? '```' : '`';
      const end = findUnescaped(src, fence, i + fence.length);
      if (end === -1) throw cantParse(`Can't find end of ${fence === '```' ? 'PreCode' : 'Code'} entity at byte offset ${byteOffset(src, i)}`);
      let inner = src.slice(i + fence.length, end);
      if (fence === '```' && inner.includes('\n')) inner = inner.slice(inner.indexOf('\n') + 1);
      out += inner.replace(/\\([`\\])/g, '$1');
      i = end + fence.length;
      continue;
    }
    if (ch === '[' || (ch === '!' && next === '[')) {
      // `[text](url)` is a link, `![👍](tg://emoji?id=…)` a custom emoji.
      open.set('[', i);
      i += ch === '!' ? 2 : 1;
      continue;
    }
    if (ch === ']') {
      if (!open.has('[')) throw cantParse(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      open.delete('[');
      if (next === '(') {
        const close = findUnescaped(src, ')', i + 2);
        if (close === -1) throw cantParse(`Can't find end of a url at byte offset ${byteOffset(src, i)}`);
        i = close + 1;
      } else {
        i++;
      }
      continue;
    }
    if (ch === '_' && next === '_') {
      toggle('__', i);
      i += 2;
      continue;
    }
    if (ch === '|' && next === '|') {
      toggle('||', i);
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      toggle(ch, i);
      i++;
      continue;
    }
    if (ch === '>' && (i === 0 || src[i - 1] === '\n')) {
      i++;
      continue;
    }
    if ('>#+-={}.!()|'.includes(ch)) {
      throw cantParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    out += ch;
    i++;
  }
  for (const [marker, at] of open) {
    throw cantParse(`Can't find end of ${names[marker] ?? 'TextUrl'} entity at byte offset ${byteOffset(src, at)}`);
  }
  return out;
}

/** Legacy Markdown: every `*`, `_`, `` ` `` and `[` that is not escaped must be closed. */
function parseLegacyMarkdown(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && '*_`['.includes(src[i + 1] ?? '')) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '`') {
      const end = src.indexOf(ch, i + 1);
      if (end === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      out += src.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '[') {
      const close = src.indexOf(']', i + 1);
      if (close === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      out += src.slice(i + 1, close);
      i = src[close + 1] === '(' && src.indexOf(')', close) !== -1 ? src.indexOf(')', close) + 1 : close + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function findUnescaped(src: string, needle: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src.startsWith(needle, i)) return i;
  }
  return -1;
}
