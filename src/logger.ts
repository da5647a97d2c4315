import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { errorFields } from './error-fields';

/**
 * One structured logger. Residents' words, names, phone numbers and chat ids must never reach a
 * log line: log ids we generate (case ids, reference codes, notification ids) and counts instead.
 * The redact list is a safety net for a field someone adds by mistake, not the main defence.
 *
 * Every line says where it came from (pid, host, role, app version), so an operator running
 * several containers can tell which one and which release wrote it. An error is logged as `err`
 * (`log.error({ err }, 'event')`): its code, class and our own stack frames, never its message
 * (src/error-fields.ts).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, opts: { role?: string } = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'totuquan', pid: process.pid, hostname: hostname(), role: opts.role ?? 'none', version: APP_VERSION },
      serializers: { err: errorFields },
      redact: {
        paths: ['text', 'chatId', 'userId', 'phone', 'contact', 'name', '*.text', '*.chatId', '*.userId', '*.phone', '*.contact', '*.name'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** package.json's version, beside dist/ in the image and beside src/ in a checkout. */
export const APP_VERSION = readVersion();

function readVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export type { Logger };
