import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const FIELD = /^[a-z_]{1,32}$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Checks the fields Telegram adds to a login_url (https://core.telegram.org/widgets/login#checking-authorization):
 * the hash is HMAC-SHA-256 of the sorted `key=value` lines of every other field, keyed with
 * SHA-256 of the bot token, and `auth_date` (Unix seconds) is recent. Returns the Telegram user id
 * and the hash (to spend it once), or null for anything else: a forged or altered field, an old
 * login, a missing id.
 */
export function verifyTelegramLogin(
  fields: Record<string, unknown>,
  botToken: string,
  nowMs: number,
  maxAgeMs: number,
): { userId: string; hash: string } | null {
  const { hash, ...rest } = fields;
  if (typeof hash !== 'string' || !HASH.test(hash)) return null;
  const entries = Object.entries(rest);
  if (entries.length > 10 || entries.some(([k, v]) => !FIELD.test(k) || typeof v !== 'string' || v.length > 512)) return null;
  const check = entries
    .map(([k, v]) => `${k}=${v as string}`)
    .sort()
    .join('\n');
  const secret = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(check).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) return null;
  const id = rest.id as string | undefined;
  const authMs = Number(rest.auth_date) * 1000;
  if (!id || !/^\d{1,20}$/.test(id) || !Number.isFinite(authMs)) return null;
  // A minute's grace for clocks ahead of ours; nothing older than a login link lives.
  if (authMs > nowMs + 60_000 || nowMs - authMs > maxAgeMs) return null;
  return { userId: id, hash };
}
