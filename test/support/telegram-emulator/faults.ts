/**
 * How the emulator says no: the ApiError every refusal is thrown as, the descriptions Telegram
 * gives, the faults a test injects with `failNext`, and Telegram's rate limits.
 */
import * as http from 'node:http';
import type { ChatState } from './chats';
import type { EmulatorLimits, EmulatorStats, FaultAnswer } from './types';

/** A refusal that becomes `{ok:false, error_code, description, parameters?}` on the wire. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const tooManyRequests = (seconds: number): ApiError => new ApiError(429, `Too Many Requests: retry after ${seconds}`, seconds);

export const notModified = (): ApiError =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

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

/** The next calls of a method that `failNext` told to answer something else, per canonical method. */
export class Faults {
  private readonly byMethod = new Map<string, { left: number; answer: FaultAnswer }>();

  set(method: string, count: number, answer: FaultAnswer): void {
    this.byMethod.set(method, { left: count, answer });
  }

  /** The answer for this call of `method`, counting it off; undefined when no fault is set. */
  take(method: string): FaultAnswer | undefined {
    const fault = this.byMethod.get(method);
    if (!fault || fault.left <= 0) return undefined;
    fault.left--;
    if (fault.left === 0) this.byMethod.delete(method);
    return fault.answer;
  }
}

/** An injected status as Telegram would word it, unless the test gave its own description. */
export function faultError(fault: Exclude<FaultAnswer, string>): ApiError {
  const description = fault.description ?? defaultDescription(fault.status, fault.retryAfter);
  return new ApiError(fault.status, description, fault.retryAfter);
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

/** Telegram's three published send limits; only built when the test turns limits on. */
export class RateLimits {
  private readonly perChat: SlidingWindow;
  private readonly perGroup: SlidingWindow;
  private readonly global: SlidingWindow;

  constructor(limits: EmulatorLimits) {
    this.perChat = new SlidingWindow(limits.perChatPerSecond ?? 1, 1000);
    this.perGroup = new SlidingWindow(limits.perGroupPerMinute ?? 20, 60_000);
    this.global = new SlidingWindow(limits.globalPerSecond ?? 30, 1000);
  }

  /** 429 when a limit is exhausted (counted in `limited` by the limit); otherwise counts this send. */
  take(chat: ChatState, limited: EmulatorStats['limited']): void {
    const now = Date.now();
    const key = String(chat.id);
    const waits = {
      perChat: this.perChat.waitSeconds(key, now),
      perGroup: chat.type === 'supergroup' ? this.perGroup.waitSeconds(key, now) : 0,
      global: this.global.waitSeconds('*', now),
    };
    for (const k of ['perChat', 'perGroup', 'global'] as const) if (waits[k] > 0) limited[k]++;
    const wait = Math.max(waits.perChat, waits.perGroup, waits.global);
    if (wait > 0) throw tooManyRequests(wait);
    this.perChat.record(key, now);
    if (chat.type === 'supergroup') this.perGroup.record(key, now);
    this.global.record('*', now);
  }
}
