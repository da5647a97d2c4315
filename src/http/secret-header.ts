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
