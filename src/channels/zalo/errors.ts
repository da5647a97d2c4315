import { AppError } from '../../domain/app-error';

/**
 * Errors of the Zalo Bot API, one class per thing the caller should do next. The outbox worker
 * and the poller branch on the class (or on `retryable`), never on message strings.
 *
 * Messages carry the method name, the platform's error code and its description only: never the
 * token (it is part of the URL) nor the request body (it holds residents' text), so an error can
 * be logged or stored on a job as it is.
 */

/** Descriptions come from the platform; keep them bounded so a strange answer cannot flood logs. */
const MAX_DESCRIPTION = 200;

export interface ZaloApiErrorDetails {
  /** The Bot API method that failed, e.g. `sendMessage`. */
  method: string;
  /** The answer's `error_code`, else the HTTP status; undefined when no answer came at all. */
  errorCode?: number;
  /** The answer's `description`, or what went wrong on our side of the wire. */
  description: string;
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** Node's network error code (ECONNRESET, ETIMEDOUT, ...) when no answer came. */
  networkCode?: string;
}

export abstract class ZaloApiError extends AppError {
  readonly method: string;
  readonly errorCode: number | undefined;
  readonly description: string;
  readonly httpStatus: number | undefined;
  readonly networkCode: string | undefined;
  /** True when the same call may succeed later; false when repeating it can only fail again. */
  abstract readonly retryable: boolean;

  constructor(details: ZaloApiErrorDetails) {
    const description = details.description.slice(0, MAX_DESCRIPTION);
    const code = details.errorCode === undefined ? '' : ` (error_code ${details.errorCode})`;
    super(`Zalo ${details.method} failed: ${description}${code}`, { reason: `${details.method}: ${description}${code}` });
    this.method = details.method;
    this.errorCode = details.errorCode;
    this.description = description;
    this.httpStatus = details.httpStatus;
    this.networkCode = details.networkCode;
  }
}

/**
 * The token is wrong or revoked (401). Retrying cannot help: the operator must fix ZALO_BOT_TOKEN.
 * Not 403: Zalo documents that as its own internal error (a ZaloServerError).
 */
export class ZaloUnauthorizedError extends ZaloApiError {
  readonly retryable = false;
}

/**
 * 429. On Zalo it means a quota is used up (messages a month), and it carries no wait: then
 * `retryAfterMs` is undefined and each caller picks its own pause (the outbox a long one, since a
 * spent quota does not come back in a second). A hint, where one is given, is kept.
 */
export class ZaloRateLimitedError extends ZaloApiError {
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;

  constructor(details: ZaloApiErrorDetails & { retryAfterMs?: number }) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The platform or the network failed: a 5xx or a 403 (Zalo's "internal server error"), an answer that is not the API's JSON, a reset
 * connection or a timeout. Retry later with backoff. For a send this is ambiguous (the message may
 * have gone out), which is why only the outbox, with its own bookkeeping, retries sends.
 */
export class ZaloServerError extends ZaloApiError {
  readonly retryable = true;
}

/** The platform refused this request (text too long, unknown chat, bad parameter). Do not retry it. */
export class ZaloRequestError extends ZaloApiError {
  readonly retryable = false;
}
