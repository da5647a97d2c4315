import { isAbsolute, join, relative, sep } from 'node:path';
import { AppError, storableReason } from './domain/app-error';

/**
 * What an error log line says about an error: enough to act on, nothing a message could carry.
 * A platform's or a library's message can quote the bot token's URL, a request body with a
 * resident's words or a chat id, so no message text is logged, ours included; the stack keeps
 * only the frames of our own code (no node_modules, no Node internals), as paths from the
 * repository root, and never its first line (which is the message).
 */
export interface ErrorFields {
  /** Our error code: the class name of an error of ours (AppError: what `storableReason` stores), else 'Error'. */
  code: string;
  /** The class the error was built from (a wrapper such as JobFailedError names the error it wraps). */
  class: string;
  /**
   * What a platform error of ours records besides its words: the API method, the platform's error
   * code or HTTP status, Node's network code. Its description and our `reason` (which quotes the
   * description) stay out: the platform wrote them, and they may quote what was sent.
   */
  method?: string;
  errorCode?: number;
  httpStatus?: number;
  networkCode?: string;
  /** Where it happened, our frames only, innermost first: `fn (src/outbox/send-parts.ts:61:13)`. */
  stack: string[];
  /** The error it wraps, described the same way (one level: the frames that matter are there). */
  cause?: Omit<ErrorFields, 'cause'>;
}

/** The repository root, from src/ (tsx, jest) or dist/ (the build) alike. */
const ROOT = join(__dirname, '..');
const MAX_FRAMES = 12;

export function errorFields(err: unknown): ErrorFields | { code: string; class: string; stack: string[] } {
  if (!(err instanceof Error)) return { code: 'NotAnError', class: typeof err, stack: [] };
  const own = describe(err);
  // JobFailedError (src/queues/storable-failure.ts) carries the failure it stands for as its cause.
  const cause = err.cause instanceof Error ? describe(err.cause) : undefined;
  return cause ? { ...own, cause } : own;
}

function describe(err: Error): Omit<ErrorFields, 'cause'> {
  const code = storableReason(err).split(':')[0];
  return { code, class: className(err), ...platformCodes(err), stack: ownFrames(err.stack) };
}

function platformCodes(err: Error): Pick<ErrorFields, 'method' | 'errorCode' | 'httpStatus' | 'networkCode'> {
  if (!(err instanceof AppError)) return {};
  const e = err as AppError & Record<string, unknown>;
  const out: Pick<ErrorFields, 'method' | 'errorCode' | 'httpStatus' | 'networkCode'> = {};
  if (typeof e.method === 'string' && /^[A-Za-z]{1,40}$/.test(e.method)) out.method = e.method;
  if (typeof e.errorCode === 'number' && Number.isInteger(e.errorCode)) out.errorCode = e.errorCode;
  if (typeof e.httpStatus === 'number' && Number.isInteger(e.httpStatus)) out.httpStatus = e.httpStatus;
  if (typeof e.networkCode === 'string' && /^[A-Z_]{1,40}$/.test(e.networkCode)) out.networkCode = e.networkCode;
  return out;
}

function className(err: Error): string {
  const name = (err.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,60}$/.test(name) ? name : 'Error';
}

/** The `at …` lines of a stack that point into our src/ or dist/, shortened to repository paths. */
export function ownFrames(stack: string | undefined, root = ROOT): string[] {
  if (!stack) return [];
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s+at (?:(.+?) \()?(?:file:\/\/)?([^()\s]+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m) continue;
    const [, fn, file, row, col] = m;
    if (!isAbsolute(file)) continue;
    const path = relative(root, file).split(sep).join('/');
    if (!/^(src|dist)\//.test(path) || path.includes('node_modules')) continue;
    // A function name is code, not data; anything odd in it (an eval'd name) is dropped.
    const name = fn && /^[\w$.<>[\] ]{1,80}$/.test(fn) ? `${fn} ` : '';
    frames.push(name ? `${name}(${path}:${row}:${col})` : `${path}:${row}:${col}`);
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}
