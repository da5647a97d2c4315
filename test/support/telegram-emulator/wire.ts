/** Bytes on and off the wire: reading a body, writing the JSON answers Telegram gives. */
import type * as http from 'node:http';
import type { ApiError } from './faults';
import type { EmulatorStats } from './types';

export function readBody(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Writes a JSON answer, unless the client already went away (or was answered). */
export function answer(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The refusal as Telegram words it; every 429 is counted in `stats`, whoever gave it. */
export function answerError(res: http.ServerResponse, err: ApiError, stats: EmulatorStats): void {
  if (err.status === 429) stats.tooManyRequests++;
  answer(res, err.status, {
    ok: false,
    error_code: err.status,
    description: err.description,
    ...(err.retryAfter !== undefined ? { parameters: { retry_after: err.retryAfter } } : {}),
  });
}

/** A captive portal's or a proxy's page: status 200, HTML, not the API's JSON. */
export function answerHtml(res: http.ServerResponse): void {
  const page = '<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body><h1>Please sign in</h1></body></html>';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
  res.end(page);
}

/**
 * The start of a JSON answer, sent chunked, then the connection drops before the last chunk (a
 * proxy or a mobile link giving up). Chunked on purpose: node-fetch 2 (telegraf's client) notices
 * a chunked answer cut short at once, while a cut short `content-length` answer waits for the
 * caller's own timeout.
 */
export function answerCutOff(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.write('{"ok":true,"result":{"message_id":', () => setTimeout(() => res.socket?.destroy(), 20));
}
