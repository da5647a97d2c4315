import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { KeyedHash } from '../../../domain/keyed-hash';
import type { LoginTokens } from '../ports';

/** 32 random bytes in base64url: what a link carries. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Login links in Redis: the key is a keyed hash of the token, so whoever reads Redis (or a dump of
 * it) cannot log in with what they find; the value is only the officer id. GETDEL spends a token
 * atomically, so two presses of the button (or two replicas) log in once.
 */
export class RedisLoginTokens implements LoginTokens {
  constructor(
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly ttlMs: number,
  ) {}

  async issue(officerId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), officerId, 'PX', this.ttlMs);
    return token;
  }

  async peek(token: string): Promise<string | null> {
    return TOKEN.test(token) ? this.redis.get(this.key(token)) : null;
  }

  async spend(token: string): Promise<string | null> {
    return TOKEN.test(token) ? this.redis.getdel(this.key(token)) : null;
  }

  async claimOnce(signature: string, ttlMs: number): Promise<boolean> {
    const set = await this.redis.set(`dash:tg-login:${this.hash.of('dashboard-telegram-login', signature)}`, '1', 'PX', ttlMs, 'NX');
    return set === 'OK';
  }

  private key(token: string): string {
    return `dash:login:${this.hash.of('dashboard-login', token)}`;
  }
}
