import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  ZaloApiError,
  ZaloRateLimitedError,
  ZaloRequestError,
  ZaloServerError,
  ZaloUnauthorizedError,
  type ZaloApiErrorDetails,
} from './errors';

/**
 * A small typed client of the Zalo Bot API (see docs/zalo-api.md): every call
 * is a JSON POST to `<apiBase>/bot<token>/<method>`, every answer `{ ok, result }` or
 * `{ ok: false, error_code, description }`. Failures come out as the typed errors of `./errors`.
 *
 * Retries: only calls that are safe to repeat (reads, webhook settings, the typing indicator) are
 * retried here, and only when no answer came (reset, refused, timeout). Sends are never retried
 * here: the outbox queue retries them, and retrying in two layers after an ambiguous timeout is how
 * a resident gets the same message twice.
 */

export interface ZaloClientOptions {
  /** `<bot_id>:<secret>`; it ends up in URLs, so it never appears in errors or logs. */
  token: string;
  apiBase?: string;
  /** Per-request timeout; getUpdates stretches it past its long-poll timeout. */
  timeoutMs?: number;
  /** How many times an idempotent call is repeated after a network failure. */
  retries?: number;
  /** First pause between those repeats; doubles each time. */
  retryBackoffMs?: number;
}

export interface ZaloBotInfo {
  id: string;
  account_name: string;
  account_type: string;
  can_join_groups: boolean;
}

export interface ZaloWebhookInfo {
  /** Empty when no webhook is set. */
  url: string;
  updated_at: number;
}

export interface ZaloSentMessage {
  message_id: string;
  date: number;
}

export interface GetUpdatesOptions {
  /** Long-poll duration the platform holds the request open. */
  timeoutSeconds?: number;
  /** Aborts the long poll (the poller's stop()); the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Body = Record<string, string>;

interface CallOptions {
  idempotent: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_API_BASE = 'https://bot-api.zaloplatforms.com';
/** Head-room past the long-poll timeout so the platform, not our socket, ends an idle poll. */
const LONG_POLL_MARGIN_MS = 10_000;

export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly token: string;
  private readonly apiBase: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBackoffMs: number;

  constructor(options: ZaloClientOptions) {
    this.token = options.token;
    this.apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 40_000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.http = axios.create({
      headers: { 'Content-Type': 'application/json' },
      // Status and JSON are judged by hand so every outcome maps onto one of our error classes.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      maxRedirects: 0,
    });
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call<ZaloBotInfo>('getMe', {}, { idempotent: true });
  }

  /**
   * One long poll. The platform answers one update, an array, or nothing; this always gives an
   * array. An idle poll ending in the platform's `408 Request timeout` is an empty array, not an
   * error: that is how the live API reports "nothing arrived".
   */
  async getUpdates(options: GetUpdatesOptions = {}): Promise<unknown[]> {
    const timeoutSeconds = Math.max(0, Math.floor(options.timeoutSeconds ?? 30));
    try {
      const result = await this.call<unknown>(
        'getUpdates',
        { timeout: String(timeoutSeconds) },
        {
          idempotent: true,
          // A short timeoutMs (tests) also shortens the margin, so a hung poll is noticed quickly.
          timeoutMs: Math.max(this.timeoutMs, timeoutSeconds * 1000 + Math.min(this.timeoutMs, LONG_POLL_MARGIN_MS)),
          signal: options.signal,
        },
      );
      return toUpdateList(result);
    } catch (err) {
      if (err instanceof ZaloRequestError && err.errorCode === 408) return [];
      throw err;
    }
  }

  setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo> {
    return this.call<ZaloWebhookInfo>('setWebhook', { url, secret_token: secretToken }, { idempotent: true });
  }

  deleteWebhook(): Promise<ZaloWebhookInfo> {
    return this.call<ZaloWebhookInfo>('deleteWebhook', {}, { idempotent: true });
  }

  /** A 404 is how Zalo has been seen to say "no webhook set", so it reads as an empty URL. */
  async getWebhookInfo(): Promise<ZaloWebhookInfo> {
    try {
      return await this.call<ZaloWebhookInfo>('getWebhookInfo', {}, { idempotent: true });
    } catch (err) {
      if (err instanceof ZaloRequestError && err.errorCode === 404) return { url: '', updated_at: 0 };
      throw err;
    }
  }

  sendMessage(chatId: string, text: string): Promise<ZaloSentMessage> {
    return this.call<ZaloSentMessage>('sendMessage', { chat_id: chatId, text }, { idempotent: false });
  }

  sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSentMessage> {
    const body: Body = { chat_id: chatId, photo: photoUrl };
    if (caption) body.caption = caption;
    return this.call<ZaloSentMessage>('sendPhoto', body, { idempotent: false });
  }

  async sendChatAction(chatId: string, action: 'typing'): Promise<void> {
    await this.call<unknown>('sendChatAction', { chat_id: chatId, action }, { idempotent: true });
  }

  private async call<T>(method: string, body: Body, options: CallOptions): Promise<T> {
    const attempts = options.idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(method, body, options)) as T;
      } catch (err) {
        const transient = err instanceof ZaloServerError && err.networkCode !== undefined;
        if (!transient || attempt >= attempts || options.signal?.aborted) throw err;
        await pause(this.retryBackoffMs * 2 ** (attempt - 1), options.signal);
      }
    }
  }

  private async once(method: string, body: Body, options: CallOptions): Promise<unknown> {
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.post(`${this.apiBase}/bot${this.token}/${method}`, body, {
        timeout: options.timeoutMs ?? this.timeoutMs,
        signal: options.signal,
      });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      // Built afresh: axios errors carry the URL (token) and the request body (residents' text).
      const networkCode = networkCodeOf(err);
      throw new ZaloServerError({ method, description: `no answer (${networkCode})`, networkCode });
    }
    return unwrap(method, response);
  }
}

/** Turns one HTTP answer into the result, or into the error class that says what to do next. */
function unwrap(method: string, response: AxiosResponse<unknown>): unknown {
  const status = response.status;
  const parsed = parseJson(response.data);
  const answer = isRecord(parsed) ? parsed : undefined;
  const errorCode = answer && typeof answer.error_code === 'number' ? answer.error_code : undefined;
  const description = answer && typeof answer.description === 'string' ? answer.description : `HTTP ${status}`;
  const details: ZaloApiErrorDetails = {
    method,
    errorCode: errorCode ?? (status >= 400 ? status : undefined),
    description,
    httpStatus: status,
  };

  if (status === 401 || errorCode === 401) return fail(new ZaloUnauthorizedError(details));
  if (status === 429 || errorCode === 429) {
    return fail(new ZaloRateLimitedError({ ...details, retryAfterMs: retryAfterMs(answer, response) }));
  }
  // Zalo's docs list 403 as an internal server error, not a refused token: retried like a 5xx.
  if (isServerCode(status) || isServerCode(errorCode)) return fail(new ZaloServerError(details));
  if (!answer || typeof answer.ok !== 'boolean') {
    return fail(new ZaloServerError({ ...details, description: `malformed answer (HTTP ${status})` }));
  }
  if (answer.ok && status < 400) return answer.result;
  return fail(new ZaloRequestError(details));
}

function fail(error: ZaloApiError): never {
  throw error;
}

function isServerCode(code: number | undefined): boolean {
  return code !== undefined && (code === 403 || code >= 500);
}

/** Telegram-style `parameters.retry_after` (seconds) first, then a Retry-After header. */
function retryAfterMs(answer: Record<string, unknown> | undefined, response: AxiosResponse): number | undefined {
  const parameters = answer?.parameters;
  if (isRecord(parameters) && typeof parameters.retry_after === 'number' && parameters.retry_after >= 0) {
    return parameters.retry_after * 1000;
  }
  const header: unknown = response.headers['retry-after'];
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function toUpdateList(result: unknown): unknown[] {
  if (result === null || result === undefined || result === '') return [];
  if (Array.isArray(result)) return result.filter((u) => u !== null && u !== undefined);
  if (isRecord(result) && Object.keys(result).length === 0) return [];
  return [result];
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function networkCodeOf(err: unknown): string {
  if (isRecord(err) && typeof err.code === 'string' && /^[A-Z_]{2,40}$/.test(err.code)) return err.code;
  return 'ERR_NETWORK';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
