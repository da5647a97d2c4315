import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import { AppError } from '../domain/app-error';

/** Deletes the lock only if it is still ours (it may have expired and been taken by someone else). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class CaseBusyError extends AppError {
  constructor(readonly caseId: string) {
    super(`case ${caseId} is being changed by someone else right now: try again in a moment`);
  }
}

/**
 * One writer per case across every bot and worker replica: a Redis key set with NX and an
 * expiry (so a crashed holder frees it), waited for in short random steps, released only by its
 * holder. Changes to one case are rare and quick, so waiting is short; one that cannot get the
 * lock in `waitMs` fails with CaseBusyError instead of writing unprotected.
 */
export function redisCaseLock(redis: IORedis, opts: { ttlMs?: number; waitMs?: number } = {}) {
  const ttlMs = opts.ttlMs ?? 10_000;
  const waitMs = opts.waitMs ?? 5_000;
  return async function withCaseLock<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const key = `lock:case:${caseId}`;
    const token = randomBytes(9).toString('base64url');
    const deadline = Date.now() + waitMs;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new CaseBusyError(caseId);
      await new Promise((r) => setTimeout(r, 10 + Math.floor(Math.random() * 30)));
    }
    try {
      return await work();
    } finally {
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  };
}
