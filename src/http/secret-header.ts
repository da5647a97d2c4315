import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Compares a webhook's secret header in constant time: a forged request learns nothing from timing. */
export function hasSecret(req: { headers: IncomingHttpHeaders }, header: string, secret: string): boolean {
  const given = req.headers[header.toLowerCase()];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>`, compared in constant time. */
export function hasBearer(req: { headers: IncomingHttpHeaders }, token: string): boolean {
  const given = req.headers.authorization;
  if (typeof given !== 'string' || !/^Bearer /i.test(given)) return false;
  const a = Buffer.from(given.slice('Bearer '.length).trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
