import { AppError, redactSecrets } from '../../domain/app-error';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../send-errors';

/**
 * Errors of the Telegram Bot API as we throw them, built afresh from what telegraf gives us (as
 * the Zalo client does, see ../zalo/errors.ts). telegraf's own errors are not passed on: when the
 * answer is not JSON (a proxy's HTML page, a captive portal) or the connection drops mid-answer,
 * node-fetch's message is the full request URL, `…/bot<token>/sendMessage`, and a TelegramError
 * keeps the request payload (a resident's words). Ours carry the method, the error code and a
 * short description only, so they may be logged, stored on a failed job or in `lastError`.
 */
export class TelegramApiError extends AppError {
  constructor(
    readonly method: string,
    readonly errorCode: number | undefined,
    readonly description: string,
    /** True when the same call may succeed later (5xx, network, not JSON); false for 401/404 and the like. */
    readonly retryable: boolean,
  ) {
    const reason = `${method}${errorCode === undefined ? '' : ` ${errorCode}`}: ${description}`;
    super(`Telegram ${reason}`, { reason });
  }
}

interface TelegramLikeError {
  name?: string;
  code?: unknown;
  type?: unknown;
  response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

const MAX_DESCRIPTION = 120;

/**
 * Any failure of a Bot API call → the class that says what to do next: wait (429), give up on the
 * recipient (403, chat gone), give up on the message (other 400s), or a TelegramApiError. Never
 * returns the error it was given.
 */
export function mapTelegramError(err: unknown, method: string): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as TelegramLikeError;
  const answer = e.response && typeof e.response.error_code === 'number' ? e.response : undefined;
  if (answer) {
    const code = answer.error_code!;
    const description = redactSecrets(String(answer.description ?? '')).slice(0, MAX_DESCRIPTION);
    if (code === 429) return new SendRateLimitedError((answer.parameters?.retry_after ?? 1) * 1000);
    if (code === 403) return new RecipientUnavailableError('blocked or removed');
    if (code === 400 && /chat not found|user not found|kicked|deactivated/i.test(description))
      return new RecipientUnavailableError('chat not found');
    if (code === 400) return new MessageRejectedError(description);
    return new TelegramApiError(method, code, description, code >= 500 || code === 409);
  }
  return new TelegramApiError(method, undefined, noAnswerReason(e), true);
}

/** Why no API answer came, in our words: node-fetch's `type`/`code`, never its message. */
function noAnswerReason(e: TelegramLikeError): string {
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'timed out';
  if (e.type === 'invalid-json') return 'answer is not JSON';
  const code = typeof e.code === 'string' && /^[A-Z_]{2,32}$/.test(e.code) ? e.code : undefined;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE') return 'answer cut off';
  if (code) return `no answer (${code})`;
  if (typeof e.type === 'string' && /^[a-z-]{2,24}$/.test(e.type)) return `no answer (${e.type})`;
  return 'no usable answer';
}

/** One Bot API call with its failures mapped (see mapTelegramError). */
export async function callTelegram<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapTelegramError(err, method);
  }
}
