import { AppError } from '../domain/app-error';

/**
 * What a channel's sender throws, so the outbox knows what to do without knowing the platform:
 * wait and retry (rate limited), give up on this recipient (blocked the bot, chat gone), or give
 * up on this message (the platform refuses it). Anything else is taken as transient and retried
 * with back-off.
 *
 * `reason` is the platform's short description (never the request), so it may be stored as `lastError`.
 */
export class SendRateLimitedError extends AppError {
  constructor(readonly retryAfterMs: number) {
    super(`Platform rate limit: retry after ${retryAfterMs} ms`, { reason: `retry after ${retryAfterMs} ms` });
  }
}

export class RecipientUnavailableError extends AppError {
  constructor(reason: string) {
    super(`Recipient unavailable: ${reason}`, { reason });
  }
}

export class MessageRejectedError extends AppError {
  constructor(reason: string) {
    super(`Message rejected by the platform: ${reason}`, { reason });
  }
}
