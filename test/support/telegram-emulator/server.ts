/**
 * TelegramEmulator: the HTTP server and the face tests see (see index.ts for why and how to use
 * it). The class is thin on purpose: it owns the server and the calls a fault holds, turns each
 * request into a method call, and hands everything else to the state object (state.ts) that the
 * methods (methods.ts, sending.ts), the update builders (updates.ts) and the update delivery
 * (delivery.ts) share.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'telegraf/types';
import type { BotUser } from './chats';
import { ApiError, badRequest, faultError } from './faults';
import { canonicalMethod, dispatch, isMethod } from './methods';
import { parseBody } from './params';
import { EmulatorState } from './state';
import type {
  ApiRequest,
  CallbackAnswer,
  EmulatedUser,
  EmulatorStats,
  FaultAnswer,
  Params,
  SentMessage,
  TelegramEmulatorOptions,
  UploadedFile,
  WebhookDelivery,
} from './types';
import { emulatedUser, pushUpdate, type UserOptions } from './updates';
import { answer, answerCutOff, answerError, answerHtml, readBody } from './wire';

export class TelegramEmulator {
  readonly token: string;
  readonly botUser: BotUser;

  // The state's own records, so that tests read what the methods write.
  /** Calls per canonical method name, refused ones included. */
  readonly calls: Record<string, number>;
  readonly requests: ApiRequest[];
  readonly edited: SentMessage[];
  readonly deletedMessages: Array<{ chat_id: string; message_id: number; at: number }>;
  readonly callbackAnswers: CallbackAnswer[];
  readonly webhookResponses: WebhookDelivery[];
  readonly uploads: UploadedFile[];
  readonly stats: EmulatorStats;

  private readonly state: EmulatorState;
  private server?: http.Server;
  private port = 0;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(opts: TelegramEmulatorOptions = {}) {
    const state = new EmulatorState(opts);
    this.state = state;
    this.token = state.token;
    this.botUser = state.botUser;
    this.calls = state.calls;
    this.requests = state.requests;
    this.edited = state.edited;
    this.deletedMessages = state.deletedMessages;
    this.callbackAnswers = state.callbackAnswers;
    this.webhookResponses = state.webhookResponses;
    this.uploads = state.uploads;
    this.stats = state.stats;
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
    if (this.state.stopped) return;
    this.state.stopped = true;
    this.state.delivery.halt();
    this.state.failWaiters(new Error('TelegramEmulator stopped while waiting'));
    const server = this.server;
    if (!server) return;
    // Long polls and 'timeout' faults hold sockets open; close() alone would wait for them.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.state.delivery.settled();
  }

  // ── test controls ──

  /** Further sends to that chat answer 403, as after a resident blocks the bot. */
  blockBot(chatId: number | string): void {
    this.state.chats.get(Number(chatId)).blocked = true;
  }

  unblockBot(chatId: number | string): void {
    this.state.chats.get(Number(chatId)).blocked = false;
  }

  /** The next `count` calls of `method` answer `answer` instead of doing anything. */
  failNext(method: string, count: number, answer: FaultAnswer): void {
    this.state.faults.set(canonicalMethod(method), count, answer);
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
    const chat = this.state.chats.get(Number(chatId));
    chat.admins = [...userIds];
    chat.creator = opts.creator;
  }

  // ── reading what the bot did ──

  sent(chatId?: string | number): SentMessage[] {
    const log = this.state.sentLog;
    return chatId === undefined ? [...log] : log.filter((m) => m.chat_id === String(chatId));
  }

  /** Forgets sent, edited, deleted, callback answers and the request log (not `calls` or `stats`). */
  clearSent(): void {
    this.state.sentLog.length = 0;
    this.edited.length = 0;
    this.deletedMessages.length = 0;
    this.callbackAnswers.length = 0;
    this.requests.length = 0;
  }

  /** The first sent message (already sent or future) that matches. */
  waitFor(predicate: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    const log = this.state.sentLog;
    return this.state.waitUntil(
      () => log.find(predicate),
      timeoutMs,
      () => `no sent message matched within ${timeoutMs} ms. Sent so far:\n${describe(log)}`,
    );
  }

  /** Like waitFor, over edits (editMessageText / editMessageReplyMarkup). */
  waitForEdit(predicate: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    return this.state.waitUntil(
      () => this.edited.find(predicate),
      timeoutMs,
      () => `no edit matched within ${timeoutMs} ms. Edits so far:\n${describe(this.edited)}`,
    );
  }

  /** The first call of `method` (already made or future) whose params match; e.g. polling started. */
  waitForCall(method: string, predicate: (p: Params) => boolean = () => true, timeoutMs = 10_000): Promise<ApiRequest> {
    const canonical = canonicalMethod(method);
    return this.state.waitUntil(
      () => this.requests.find((r) => r.method === canonical && predicate(r.params)),
      timeoutMs,
      () => `no ${canonical} call matched within ${timeoutMs} ms. Calls so far: ${JSON.stringify(this.calls)}`,
    );
  }

  /** Resolves when every queued update has been POSTed to the webhook (or none is set). */
  async webhookIdle(): Promise<void> {
    await this.state.delivery.idle();
  }

  /**
   * Sets the bytes behind a file_id before a user sends it (sendPhoto/sendVoice/sendVideo), as a
   * phone would upload them; otherwise users' files are samples (test/support/sample-media.ts).
   */
  hostFile(fileId: string, bytes: Buffer, filePath = `documents/${fileId}.bin`): void {
    this.state.files.set(fileId, { bytes, file_path: filePath });
  }

  // ── building updates ──

  /** Pushes any update (for fuzzing); an `update_id` is assigned when missing. */
  pushUpdate(update: Record<string, unknown>): Update {
    return pushUpdate(this.state, update);
  }

  user(id: number, opts: UserOptions = {}): EmulatedUser {
    return emulatedUser(this.state, id, opts);
  }

  // ── HTTP ──

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const state = this.state;
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://emulator');
      // Downloads: `<apiRoot>/file/bot<token>/<file_path>`, as getFile's answer tells a bot to build it.
      const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (download) {
        this.calls.download = (this.calls.download ?? 0) + 1;
        const file = download[1] === this.token ? [...state.files.values()].find((f) => f.file_path === download[2]) : undefined;
        if (!file) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
        res.end(file.bytes);
        return;
      }
      const match = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
      if (!match) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, rawMethod] = match;
      if (token !== this.token) return answerError(res, new ApiError(401, 'Unauthorized'), state.stats);

      const method: string = canonicalMethod(rawMethod);
      this.calls[method] = (this.calls[method] ?? 0) + 1;
      let params: Params;
      try {
        params = { ...Object.fromEntries(url.searchParams), ...parseBody(req.headers['content-type'], body, this.uploads) };
      } catch (err) {
        return answerError(res, badRequest(`can't parse request body: ${(err as Error).message}`), state.stats);
      }
      this.requests.push({ method, params, at: Date.now() });
      state.notify();

      const fault = state.faults.take(method);
      if (fault === 'timeout') {
        // Never answer: the client's own timeout or abort, or stop(), ends the socket.
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault === 'html') return answerHtml(res);
      if (fault === 'cut-off') return answerCutOff(res);
      if (fault) return answerError(res, faultError(fault), state.stats);
      if (!isMethod(method)) {
        return answerError(res, new ApiError(404, 'Not Found: method not found'), state.stats);
      }
      if (method === 'getUpdates') return state.delivery.getUpdates(params, res);
      answer(res, 200, { ok: true, result: dispatch(state, method, params) });
    } catch (err) {
      if (err instanceof ApiError) return answerError(res, err, state.stats);
      answer(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${(err as Error).message}` });
    }
  }
}

/** The log as a timeout message shows it: one line per message, its text (or what stands for it) and buttons. */
function describe(messages: SentMessage[]): string {
  if (messages.length === 0) return '  (nothing)';
  return messages
    .map((m) => {
      const what =
        m.text ??
        m.caption ??
        m.photo ??
        m.video ??
        m.voice ??
        m.document ??
        (m.latitude !== undefined ? `location ${m.latitude},${m.longitude}` : '');
      const buttons =
        m.reply_markup && 'inline_keyboard' in m.reply_markup
          ? ` buttons=${JSON.stringify(m.reply_markup.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)))}`
          : '';
      return `  ${m.method} chat=${m.chat_id} #${m.message_id}: ${JSON.stringify(what)}${buttons}`;
    })
    .join('\n');
}
