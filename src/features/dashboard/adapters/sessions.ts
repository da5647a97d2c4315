import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { KeyedHash } from '../../../domain/keyed-hash';
import type { Session, Sessions } from '../ports';

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Dashboard sessions in Redis, named by a keyed hash of the cookie's id (a Redis dump holds no
 * usable cookie). Each expires when idle (renewed on use) and at its maximum age whatever its use;
 * an officer's sessions are also listed under the officer, so `/dangxuat` ends them all.
 */
export class RedisSessions implements Sessions {
  constructor(
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly opts: { idleMs: number; absoluteMs: number },
    private readonly clock: () => number = Date.now,
  ) {}

  async create(officerId: string): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { officerId, csrf: randomBytes(32).toString('base64url'), createdAt: this.clock() };
    const key = this.key(id);
    await this.redis
      .multi()
      .set(key, JSON.stringify(session), 'PX', this.opts.idleMs)
      .sadd(this.listKey(officerId), key)
      .pexpire(this.listKey(officerId), this.opts.absoluteMs)
      .exec();
    return { id, session };
  }

  async load(id: string, renew = true): Promise<Session | null> {
    if (!ID.test(id)) return null;
    const key = this.key(id);
    const raw = await this.redis.get(key);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    const left = session.createdAt + this.opts.absoluteMs - this.clock();
    if (left <= 0) {
      await this.redis.del(key);
      return null;
    }
    if (renew) await this.redis.pexpire(key, Math.min(this.opts.idleMs, left));
    return session;
  }

  async end(id: string): Promise<void> {
    if (!ID.test(id)) return;
    const key = this.key(id);
    const raw = await this.redis.getdel(key);
    if (raw) await this.redis.srem(this.listKey((JSON.parse(raw) as Session).officerId), key);
  }

  async endAll(officerId: string): Promise<number> {
    const keys = await this.redis.smembers(this.listKey(officerId));
    const ended = keys.length > 0 ? await this.redis.del(...keys) : 0;
    await this.redis.del(this.listKey(officerId));
    return ended;
  }

  private key(id: string): string {
    return `dash:session:${this.hash.of('dashboard-session', id)}`;
  }

  private listKey(officerId: string): string {
    return `dash:sessions-of:${this.hash.of('dashboard-officer', officerId)}`;
  }
}
