import IORedis, { type RedisOptions } from 'ioredis';

/**
 * Two kinds of Redis connection, because they must fail differently:
 * - `interactive`: used while a resident waits for an answer. No offline queue and one retry, so
 *   when Redis is down a command fails at once and the resident is told to try again, instead of
 *   the bot hanging on a queued command. The command timeout is generous (10 s): a Redis that is
 *   up but busy should be waited for, not reported to residents as an outage.
 * - `blocking`: for BullMQ workers, which need `maxRetriesPerRequest: null` and keep reconnecting
 *   for as long as Redis is away, then carry on where they were.
 */
export function createRedis(url: string, kind: 'interactive' | 'blocking', name: string): IORedis {
  const common: RedisOptions = {
    connectionName: `totuquan:${name}`,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  const options: RedisOptions =
    kind === 'interactive'
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 10_000 }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new IORedis(url, options);
  // Errors are reported by the callers that hit them; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves when the connection is ready, or rejects after `timeoutMs` with a message for the operator. */
export async function waitReady(redis: IORedis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis is not reachable after ${timeoutMs} ms: check REDIS_URL and that redis-server is running`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

export async function pingRedis(redis: IORedis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}
