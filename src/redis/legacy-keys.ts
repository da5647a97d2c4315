import type IORedis from 'ioredis';
import { CHANNEL_NAMES, chatKey } from '../domain/chat';
import type { KeyedHash } from '../domain/keyed-hash';
import type { SealedBox } from '../domain/sealed-box';
import { hashedKey } from './hashed-keys';

/** Key prefixes that named a chat or person in clear before issue 14, and what becomes of them. */
const MOVED = ['chat', 'profile', 'seen'] as const;
const DROPPED = ['lock', 'flood', 'flood-group', 'cases', 'pace'] as const;

/**
 * Upgrading from keys named `chat:telegram:7301957` (values in clear) to keyed hashes and sealed
 * values: conversations in progress, profiles and the dedup marks are moved under their new name,
 * sealed, keeping their expiry; short-lived counters and locks are dropped (at worst a person's
 * hourly allowance starts afresh once). When anything was found Redis is asked to rewrite its
 * append-only file, which otherwise keeps the old clear writes. Idempotent, and safe with two
 * replicas starting at once (a key another one moved is simply gone). Returns how many keys it found.
 */
export async function migrateLegacyKeys(redis: IORedis, box: SealedBox, hash: KeyedHash): Promise<number> {
  let found = 0;
  for (const prefix of [...MOVED, ...DROPPED]) {
    for (const channel of CHANNEL_NAMES) {
      const pattern = `${prefix}:${channel}:*`;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const old of keys) {
          found++;
          if ((MOVED as readonly string[]).includes(prefix)) await move(redis, box, hash, prefix as (typeof MOVED)[number], old, channel);
          await redis.del(old);
        }
      } while (cursor !== '0');
    }
  }
  if (found > 0) await redis.bgrewriteaof().catch(() => undefined);
  return found;
}

async function move(redis: IORedis, box: SealedBox, hash: KeyedHash, prefix: (typeof MOVED)[number], old: string, channel: string) {
  const id = old.slice(`${prefix}:${channel}:`.length);
  const name = hashedKey(hash, prefix, chatKey(channel as (typeof CHANNEL_NAMES)[number], id));
  const ttl = await redis.pttl(old);
  if (ttl === -2) return; // gone meanwhile
  if (prefix === 'profile') {
    const h = await redis.hgetall(old);
    const fields = Object.entries(h).filter(([f]) => f === 'lang' || f === 'joinCode');
    if (fields.length === 0) return;
    const multi = redis.multi().hset(name, Object.fromEntries(fields.map(([f, v]) => [f, box.seal(v, `${name}#${f}`)])));
    await (ttl > 0 ? multi.pexpire(name, ttl) : multi).exec();
    return;
  }
  const value = await redis.get(old);
  if (value === null) return;
  const stored = prefix === 'chat' ? box.seal(value, name) : value;
  if (ttl > 0) await redis.set(name, stored, 'PX', ttl, 'NX');
  else await redis.set(name, stored, 'NX');
}
