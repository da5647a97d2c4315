import pino, { type Logger } from 'pino';

/**
 * One structured logger. Residents' words, names, phone numbers and chat ids must never reach a
 * log line: log ids we generate (case ids, reference codes, notification ids) and counts instead.
 * The redact list is a safety net for a field someone adds by mistake, not the main defence.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'totuquan' },
      redact: {
        paths: ['text', 'chatId', 'userId', 'phone', 'contact', 'name', '*.text', '*.chatId', '*.userId', '*.phone', '*.contact', '*.name'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
