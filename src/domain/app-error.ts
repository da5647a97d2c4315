/**
 * The base of every error class of ours. Logs record `err.name` only, never the message (messages
 * may quote residents' words, codes or chat ids, and personal data stays out of logs), so the name
 * is all an operator sees: it must say what went wrong. A subclass that forgets to set `name`
 * would log as plain "Error"; here every subclass gets its own class name, e.g. "SeedError".
 *
 * Throw subclasses, not AppError itself, and branch on the class (`instanceof`), not on messages.
 */
export class AppError extends Error {
  /**
   * A short reason that quotes nothing a person sent and no secret (a platform's method and error
   * code, "answer is not JSON"): the only words besides the name that may be stored with a failed
   * job or in a row's `lastError`. Undefined when the class has nothing safe to add.
   */
  readonly reason?: string;

  constructor(message: string, options?: ErrorOptions & { reason?: string }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.reason !== undefined) this.reason = options.reason.slice(0, MAX_REASON);
  }
}

const MAX_REASON = 160;
/** What an error's name must look like to be stored: a class name, nothing a message could smuggle in. */
const CODE = /^[A-Za-z][A-Za-z0-9_]{0,60}$/;

/**
 * What may be stored about a failure (BullMQ's failed reason, `notifications.lastError`,
 * `notices.lastError`): our error code (the class name) and, for our own errors, their safe
 * reason; never a raw message, which for a library's error can hold a URL with the bot token or a
 * request body with a resident's words.
 */
export function storableReason(err: unknown): string {
  const name = err instanceof Error && CODE.test(err.name) ? err.name : 'Error';
  const reason = err instanceof AppError ? err.reason : undefined;
  return reason ? `${name}: ${reason}` : name;
}

/**
 * Takes out what a message must never carry: Bot API paths (`/bot<token>/`, as telegraf's and
 * node-fetch's messages quote the request URL) and, literally, any of `secrets`. For the few
 * places a message is printed at all (the start-up failure), as a last line of defence.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/\/(bot|user)[^/\s]+/g, '/$1<redacted>');
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('<redacted>');
  return out;
}
