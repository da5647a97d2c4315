import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { KeyedHash } from '../domain/keyed-hash';
import { hashedKey } from './hashed-keys';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One chat's messages are handled one at a time across every bot replica: two quick taps from a
 * resident may reach two processes (webhooks are not ordered), and both would otherwise read the
 * same draft and the second write would lose the first answer. A short Redis lock with an owner
 * token; it expires by itself if a process dies holding it. Named by the chat's keyed hash
 * (`lock:<hash>`), like the chat's slot, so no chat id is written to Redis.
 */
export class ChatLock {
  constructor(
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly ttlMs = 15_000,
    private readonly waitMs = 10_000,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lockKey = hashedKey(this.hash, 'lock', key);
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + this.waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if ((await this.redis.set(lockKey, token, 'PX', this.ttlMs, 'NX')) === 'OK') break;
      // Past the wait, go ahead rather than drop the message: a lost race is better than a lost answer.
      if (Date.now() > deadline) return task();
      await new Promise((r) => setTimeout(r, delay));
    }
    try {
      return await task();
    } finally {
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }
}
