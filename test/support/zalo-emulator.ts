import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildUpdate, EmulatedGroup, EmulatedUser, randomHex, type ZaloSample } from './zalo-emulator-people';

export { EmulatedGroup, EmulatedGroupMember, EmulatedUser, type ZaloSample } from './zalo-emulator-people';

/**
 * A local stand-in for the Zalo Bot API (as docs/zalo-api.md describes it), so the channel is
 * tested over real HTTP: `<apiBase>/bot<token>/<method>`, JSON POST, `{ ok, result }` answers.
 *
 * What it adds for tests: residents (`user(id).sendText(...)`) and group members
 * (`group(id).member(id).mention(...)`) whose updates are queued for getUpdates or POSTed to the
 * webhook, a record of everything the bot sent, and injected faults (`failNext`, `exhaustQuota`)
 * for the error paths. It is strict where the platform is documented (timeout as a string, 1-2000
 * characters of text, one update per poll) so the client cannot drift from the doc.
 *
 * It speaks the live API where live captures differ from the docs, and keeps the documented form
 * at hand: images as `photo_url` (docs: `photo`), flat webhook bodies (docs: wrapped in
 * `{ ok, result }`, `webhookForm`), getWebhookInfo answering 404 with no webhook set (docs: an
 * empty url, `webhookInfoWhenNone`), 403 as Zalo's internal server error, 429 as a spent quota
 * with no retry_after.
 */

/**
 * An injected answer: a status with a raw body (which may be malformed JSON on purpose), `'timeout'`
 * (never answer), or `'reset'` (drop the connection without an answer: ECONNRESET at the client).
 */
export type ZaloEmulatorFault = { status: number; body?: string; errorCode?: number } | 'timeout' | 'reset';

export interface ZaloEmulatorOptions {
  token?: string;
  /**
   * What an idle long poll ends with. The live API answers `{ ok: false, error_code: 408,
   * description: "Request timeout" }`; `'null'` answers `{ ok: true, result: null }` instead.
   */
  idlePollAnswer?: 'timeout-error' | 'null';
  /** The bot's display name, which Zalo requires to begin with "Bot"; group mentions use it. */
  botName?: string;
  /** How webhook bodies are POSTed: `flat` as live captures show, `wrapped` as the docs do. */
  webhookForm?: 'flat' | 'wrapped';
  /** getWebhookInfo with no webhook set: `not-found` (404, seen live) or `empty-url` (the docs). */
  webhookInfoWhenNone?: 'not-found' | 'empty-url';
}

export interface SentRecord {
  method: 'sendMessage' | 'sendPhoto' | 'sendSticker';
  chatId: string;
  text?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  /**
   * sendPhoto of a URL on this machine (ours, the emulator's own media): the bytes the emulator
   * fetched from it when the call came, as Zalo fetches a photo it is given. Other URLs are not fetched.
   */
  photoBytes?: Buffer;
  messageId: string;
  date: number;
}

export interface Delivery<U = unknown> {
  update: U;
  /** The webhook's HTTP status when one is set; undefined when the update was queued for polling. */
  webhookStatus?: number;
  /** Why the webhook POST failed without a status (connection refused, ...). */
  webhookError?: string;
}

type Body = Record<string, unknown>;

interface Answer {
  status: number;
  body: string;
}

interface WaitingPoll {
  deliver(update: unknown): void;
}

interface SentWaiter {
  predicate: (record: SentRecord) => boolean;
  resolve(record: SentRecord): void;
}

const MAX_TEXT = 2000;
const MAX_BODY_BYTES = 1_000_000;

export class ZaloEmulator {
  readonly token: string;
  /** Requests per method, counted before faults or validation, so tests can see retries. */
  readonly calls: Record<string, number> = {};
  readonly chatActions: { chatId: string; action: string }[] = [];
  /** getUpdates requests the client closed before an answer (aborted or timed out). */
  abandonedPolls = 0;
  readonly botName: string;
  webhookForm: 'flat' | 'wrapped';
  webhookInfoWhenNone: 'not-found' | 'empty-url';
  /** While true every send answers 429 "Quota exceeded", with no retry_after (Zalo's monthly quota). */
  private quotaSpent = false;

  private readonly idlePollAnswer: 'timeout-error' | 'null';
  private server?: http.Server;
  private readonly queue: unknown[] = [];
  private readonly polls: WaitingPoll[] = [];
  private readonly faults = new Map<string, ZaloEmulatorFault[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sentLog: SentRecord[] = [];
  private readonly sentWaiters = new Set<SentWaiter>();
  private webhook?: { url: string; secretToken: string; updatedAt: number };
  /** Residents' photos and voice notes as Zalo hosts them, by path; an expired one answers 404. */
  private readonly media = new Map<string, { bytes: Buffer; type: string; expired: boolean }>();

  constructor(options: ZaloEmulatorOptions = {}) {
    this.token = options.token ?? '1234567890:zalo-test-secret';
    this.idlePollAnswer = options.idlePollAnswer ?? 'timeout-error';
    this.botName = options.botName ?? 'Bot Tổ tự quản';
    this.webhookForm = options.webhookForm ?? 'flat';
    this.webhookInfoWhenNone = options.webhookInfoWhenNone ?? 'not-found';
  }

  /** The bot's own id, as getMe gives it. */
  get botId(): string {
    return this.token.split(':')[0];
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  get apiBase(): string {
    if (!this.server) throw new Error('ZaloEmulator not started');
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.polls.length = 0;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** A resident in a private chat with the bot (Zalo's private chat id is the user's id). */
  user(id: string, name = 'Nguyen Van A'): EmulatedUser {
    return new EmulatedUser(this, id, name);
  }

  /** A group chat the bot is in. */
  group(id: string): EmulatedGroup {
    return new EmulatedGroup(this, id);
  }

  /** The bot's own message coming back as an update, which Zalo may do. */
  echoOfBot(chatId: string, text: string): Promise<Delivery<ZaloSample>> {
    const chat = { id: chatId, chat_type: 'PRIVATE' as const };
    return this.pushRaw(buildUpdate('message.text.received', chat, { id: this.botId, display_name: this.botName, is_bot: true }, { text }));
  }

  /**
   * Hosts a resident's file as Zalo's CDN does and returns its URL, for `sendImage`/`sendVoice`:
   * the URL the update carries, which works until `expireMedia`.
   */
  hostMedia(bytes: Buffer, ext: 'jpg' | 'png' | 'aac' | 'mp4' = 'jpg'): string {
    const type = { jpg: 'image/jpeg', png: 'image/png', aac: 'audio/aac', mp4: 'video/mp4' }[ext];
    const path = `/media/${randomHex()}.${ext}`;
    this.media.set(path, { bytes, type, expired: false });
    return `${this.apiBase}${path}`;
  }

  /** Zalo's media links expire: from now on these URLs (all hosted ones when none is given) answer 404. */
  expireMedia(...urls: string[]): void {
    const paths = urls.length > 0 ? urls.map((u) => new URL(u).pathname) : [...this.media.keys()];
    for (const path of paths) {
      const file = this.media.get(path);
      if (file) file.expired = true;
    }
  }

  /** Requests for hosted media, expired ones included (the bot fetches a file once: tests count). */
  mediaFetches = 0;

  /** Requests for hosted media held unanswered (holdMedia), with what answers them. */
  private mediaHold?: { waiting: (() => void)[]; arrived: () => void };

  /**
   * From now on a request for hosted media is held open, unanswered, until `release()` (a slow
   * download, to stop the bot in the middle of handling an update); `arrived` resolves at the
   * first request held.
   */
  holdMedia(): { arrived: Promise<void>; release(): void } {
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const hold = { waiting: [] as (() => void)[], arrived };
    this.mediaHold = hold;
    return {
      arrived: first,
      release: () => {
        if (this.mediaHold === hold) this.mediaHold = undefined;
        for (const go of hold.waiting.splice(0)) go();
      },
    };
  }

  /** From now on every send answers 429 "Quota exceeded" without retry_after, until refillQuota(). */
  exhaustQuota(): void {
    this.quotaSpent = true;
  }

  refillQuota(): void {
    this.quotaSpent = false;
  }

  /** What Zalo does to check a webhook: POST an empty body with the secret. Resolves the status. */
  async probeWebhook(url = this.webhook?.url, secretToken = this.webhook?.secretToken ?? ''): Promise<number | string> {
    if (!url) throw new Error('ZaloEmulator.probeWebhook: no webhook URL');
    const delivery = await this.post(url, secretToken, '', undefined);
    return delivery.webhookStatus ?? delivery.webhookError ?? 'no answer';
  }

  /** Any update at all, as it is (fuzzing, odd shapes the doc does not show). */
  pushRaw<U>(update: U): Promise<Delivery<U>> {
    if (this.webhook) return this.postToWebhook(update, this.webhook);
    const poll = this.polls.shift();
    if (poll) poll.deliver(update);
    else this.queue.push(update);
    return Promise.resolve({ update });
  }

  /** Updates waiting for a getUpdates call. */
  get pendingUpdates(): number {
    return this.queue.length;
  }

  /** getUpdates calls currently held open waiting for an update. */
  get waitingPolls(): number {
    return this.polls.length;
  }

  get webhookUrl(): string {
    return this.webhook?.url ?? '';
  }

  /** The next `count` calls of `method` get `answer` (an HTTP status and raw body, or no answer ever). */
  failNext(method: string, count: number, answer: ZaloEmulatorFault): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < count; i++) list.push(answer);
    this.faults.set(method, list);
  }

  sent(chatId?: string): SentRecord[] {
    return this.sentLog.filter((record) => chatId === undefined || record.chatId === chatId);
  }

  /** Resolves with the first sent message (already sent or still to come) that matches. */
  waitFor(predicate: (record: SentRecord) => boolean, timeoutMs = 5000): Promise<SentRecord> {
    const found = this.sentLog.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: SentWaiter = {
        predicate,
        resolve: (record) => {
          clearTimeout(timer);
          this.timers.delete(timer);
          this.sentWaiters.delete(waiter);
          resolve(record);
        },
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.sentWaiters.delete(waiter);
        reject(new Error(`ZaloEmulator.waitFor: nothing matching was sent within ${timeoutMs} ms. ${this.describeSent()}`));
      }, timeoutMs);
      this.timers.add(timer);
      this.sentWaiters.add(waiter);
    });
  }

  private describeSent(): string {
    if (this.sentLog.length === 0) return 'Nothing was sent.';
    const lines = this.sentLog.map((r, i) => {
      const content = r.method === 'sendMessage' ? JSON.stringify(r.text) : JSON.stringify(r.photo ?? r.sticker);
      return `  ${i + 1}. ${r.method} to ${r.chatId}: ${content}${r.caption ? ` caption ${JSON.stringify(r.caption)}` : ''}`;
    });
    return `Sent so far:\n${lines.join('\n')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && pathname.startsWith('/media/')) return this.serveMedia(pathname, res);
    const route = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(pathname);
    if (!route) return reply(res, error(404, 'Not Found'));
    const [, token, method] = route;
    this.calls[method] = (this.calls[method] ?? 0) + 1;

    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return reply(res, error(413, 'Request body too large'));
    }
    const fault = this.faults.get(method)?.shift();
    if (fault === 'timeout') {
      if (method === 'getUpdates') res.once('close', () => this.abandonedPolls++);
      return; // Held open until the client gives up or the emulator stops.
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault) return reply(res, faultAnswer(fault));
    if (this.quotaSpent && method.startsWith('send')) return reply(res, error(429, ZALO_DESCRIPTIONS[429]));

    if (req.method !== 'POST') return reply(res, error(405, 'Method Not Allowed'));
    if (token !== this.token) return reply(res, error(401, 'Unauthorized'));
    let body: Body;
    try {
      const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Body;
    } catch {
      return reply(res, error(400, 'Bad Request: body must be a JSON object'));
    }
    if (method === 'getUpdates') return this.getUpdates(body, res);
    if (method === 'sendPhoto') {
      // Zalo takes the photo by URL and fetches it: a link that does not serve a picture fails the send.
      const fetched = await fetchLocal(body.photo);
      if (fetched === 'failed') return reply(res, error(400, 'Bad Request: photo url could not be fetched'));
      if (fetched) return reply(res, this.answer(method, body, fetched));
    }
    reply(res, this.answer(method, body));
  }

  private serveMedia(path: string, res: http.ServerResponse): void {
    this.mediaFetches++;
    const hold = this.mediaHold;
    if (hold) {
      hold.waiting.push(() => {
        if (!res.destroyed) this.serveMedia(path, res);
      });
      this.mediaFetches--; // counted when it is answered
      hold.arrived();
      return;
    }
    const file = this.media.get(path);
    if (!file || file.expired) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private answer(method: string, body: Body, photoBytes?: Buffer): Answer {
    switch (method) {
      case 'getMe':
        return ok({
          id: this.token.split(':')[0],
          account_name: 'bot.emulator',
          account_type: 'BASIC',
          can_join_groups: false,
        });
      case 'setWebhook': {
        const { url, secret_token: secret } = body;
        if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) return error(400, 'Bad Request: invalid url');
        if (typeof secret !== 'string' || secret.length < 8 || secret.length > 256) {
          return error(400, 'Bad Request: secret_token must be 8-256 characters');
        }
        this.webhook = { url, secretToken: secret, updatedAt: Date.now() };
        return ok({ url, updated_at: this.webhook.updatedAt });
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok({ url: '', updated_at: Date.now() });
      case 'getWebhookInfo':
        if (!this.webhook && this.webhookInfoWhenNone === 'not-found') return error(404, ZALO_DESCRIPTIONS[404]);
        return ok({ url: this.webhook?.url ?? '', updated_at: this.webhook?.updatedAt ?? 0 });
      case 'sendMessage': {
        const chatId = nonEmptyString(body.chat_id);
        if (!chatId) return error(400, 'Bad Request: chat_id is required');
        const text = body.text;
        if (typeof text !== 'string' || text.length < 1 || text.length > MAX_TEXT) {
          return error(400, `Bad Request: text must be 1-${MAX_TEXT} characters`);
        }
        return ok(this.record({ method, chatId, text }));
      }
      case 'sendPhoto': {
        const chatId = nonEmptyString(body.chat_id);
        const photo = nonEmptyString(body.photo);
        if (!chatId || !photo) return error(400, 'Bad Request: chat_id and photo are required');
        const caption = body.caption;
        if (caption !== undefined && (typeof caption !== 'string' || caption.length > MAX_TEXT)) {
          return error(400, `Bad Request: caption must be 1-${MAX_TEXT} characters`);
        }
        return ok(this.record({ method, chatId, photo, caption, ...(photoBytes ? { photoBytes } : {}) }));
      }
      case 'sendSticker': {
        const chatId = nonEmptyString(body.chat_id);
        const sticker = nonEmptyString(body.sticker);
        if (!chatId || !sticker) return error(400, 'Bad Request: chat_id and sticker are required');
        return ok(this.record({ method, chatId, sticker }));
      }
      case 'sendChatAction': {
        const chatId = nonEmptyString(body.chat_id);
        if (!chatId || body.action !== 'typing') return error(400, 'Bad Request: chat_id and action "typing" required');
        this.chatActions.push({ chatId, action: body.action });
        return { status: 200, body: JSON.stringify({ ok: true }) };
      }
      default:
        return error(404, `Not Found: unknown method ${method}`);
    }
  }

  /** One update per call, as documented; an idle poll is held for `timeout` seconds. */
  private getUpdates(body: Body, res: http.ServerResponse): void {
    if (this.webhook) return reply(res, error(409, 'Conflict: getUpdates is not available while a webhook is set'));
    const timeout = body.timeout ?? '30';
    const seconds = typeof timeout === 'string' && /^\d+$/.test(timeout.trim()) ? Number(timeout) : NaN;
    if (Number.isNaN(seconds)) return reply(res, error(400, 'Bad Request: timeout must be a string of seconds'));

    if (this.queue.length > 0) return reply(res, ok(this.queue.shift()));
    if (seconds === 0) return reply(res, this.idleAnswer());

    let settled = false;
    const poll: WaitingPoll = {
      deliver: (update) => {
        settle();
        reply(res, ok(update));
      },
    };
    const timer = setTimeout(() => {
      this.removePoll(poll);
      settle();
      reply(res, this.idleAnswer());
    }, seconds * 1000);
    this.timers.add(timer);
    const settle = (): void => {
      settled = true;
      clearTimeout(timer);
      this.timers.delete(timer);
    };
    res.once('close', () => {
      if (settled) return;
      // The client went away: an update must not be handed to this dead poll and lost.
      settle();
      this.removePoll(poll);
      this.abandonedPolls++;
    });
    this.polls.push(poll);
  }

  private removePoll(poll: WaitingPoll): void {
    const i = this.polls.indexOf(poll);
    if (i >= 0) this.polls.splice(i, 1);
  }

  private idleAnswer(): Answer {
    return this.idlePollAnswer === 'null' ? ok(null) : error(408, 'Request timeout', 200);
  }

  private record(fields: Omit<SentRecord, 'messageId' | 'date'>): { message_id: string; date: number } {
    const record: SentRecord = { ...fields, messageId: randomHex(), date: Date.now() };
    if (record.caption === undefined) delete record.caption;
    this.sentLog.push(record);
    for (const waiter of [...this.sentWaiters]) if (waiter.predicate(record)) waiter.resolve(record);
    return { message_id: record.messageId, date: record.date };
  }

  private postToWebhook<U>(update: U, webhook: { url: string; secretToken: string }): Promise<Delivery<U>> {
    const body = this.webhookForm === 'wrapped' ? { ok: true, result: update } : update;
    return this.post(webhook.url, webhook.secretToken, JSON.stringify(body) ?? 'null', update);
  }

  private post<U>(url: string, secretToken: string, payload: string, update: U): Promise<Delivery<U>> {
    return new Promise((resolve) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
            'X-Bot-Api-Secret-Token': secretToken,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve({ update, webhookStatus: res.statusCode }));
        },
      );
      req.once('error', (err: NodeJS.ErrnoException) => resolve({ update, webhookError: err.code ?? err.message }));
      req.end(payload);
    });
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function ok(result: unknown): Answer {
  return { status: 200, body: JSON.stringify({ ok: true, result }) };
}

function error(errorCode: number, description: string, status = errorCode): Answer {
  return { status, body: JSON.stringify({ ok: false, error_code: errorCode, description }) };
}

/** Zalo's own descriptions where they say more than HTTP's: its 403 is a server fault, its 429 a quota. */
const ZALO_DESCRIPTIONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Internal server error',
  404: 'Not found',
  408: 'Request timeout',
  429: 'Quota exceeded',
};

function faultAnswer(fault: Exclude<ZaloEmulatorFault, 'timeout' | 'reset'>): Answer {
  if (fault.body !== undefined) return { status: fault.status, body: fault.body };
  const code = fault.errorCode ?? fault.status;
  return error(code, ZALO_DESCRIPTIONS[code] ?? http.STATUS_CODES[fault.status] ?? 'Error', fault.status);
}

/** A photo URL on this machine, fetched as Zalo would; undefined for any other URL (tests run offline). */
async function fetchLocal(url: unknown): Promise<Buffer | 'failed' | undefined> {
  if (typeof url !== 'string' || !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return undefined;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('image/')) return 'failed';
    return Buffer.from(await res.arrayBuffer());
  } catch {
    return 'failed';
  }
}

function reply(res: http.ServerResponse, answer: Answer): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
