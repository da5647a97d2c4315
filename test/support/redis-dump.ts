import type IORedis from 'ioredis';

/** Every key and value of this test's Redis database, one string per key. */
export async function dumpRedis(redis: IORedis): Promise<string[]> {
  const out: string[] = [];
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, 0, -1);
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    out.push(`${key} ${JSON.stringify(value)}`);
  }
  return out;
}
