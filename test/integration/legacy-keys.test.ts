import { createRedis, waitReady } from '../../src/redis/connection';
import { RedisChatSlots } from '../../src/redis/chat-slots';
import { ChatLock } from '../../src/redis/chat-lock';
import { RedisProfiles } from '../../src/redis/profiles';
import { RedisGuards } from '../../src/redis/guards';
import { migrateLegacyKeys } from '../../src/redis/legacy-keys';
import { SealedBox } from '../../src/domain/sealed-box';
import { TEST_HASH, TEST_KEY, testSettings } from '../support/app-harness';

/**
 * An upgrade from keys named after chats in clear: what a resident was doing (a draft, their
 * language and group) survives under the new hashed, sealed keys; no key or value of the old form
 * is left; running it again (a second replica) changes nothing.
 */
describe('moving clear Redis keys to keyed hashes (real Redis)', () => {
  const redis = createRedis(testSettings().REDIS_URL, 'interactive', 'legacy-keys');
  const box = new SealedBox(Buffer.from(TEST_KEY, 'base64'));
  beforeAll(async () => {
    await waitReady(redis);
    await redis.flushdb();
  });
  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
  });

  it('moves drafts, profiles and dedup marks, drops counters, and forgets the clear names', async () => {
    const draft = { active: { owner: 'flow', state: { draft: { values: { what: 'Trộm xe số 12' } } }, expiresAt: Date.now() + 600_000 } };
    await redis.set('chat:telegram:7301957', JSON.stringify(draft), 'PX', 600_000);
    await redis.hset('profile:zalo:zl-abc', { lang: 'en', joinCode: 'KP1TO3' });
    await redis.expire('profile:zalo:zl-abc', 86_400);
    await redis.set('seen:telegram:4242', '1', 'EX', 86_400);
    await redis.set('cases:telegram:7301957', '3', 'EX', 3600);
    await redis.set('flood:zalo:zl-abc', '2', 'EX', 10);

    expect(await migrateLegacyKeys(redis, box, TEST_HASH)).toBe(5);

    const keys = await redis.keys('*');
    expect(keys.filter((k) => /telegram|zalo|7301957|zl-abc/.test(k))).toEqual([]);
    const values = await Promise.all(
      keys.map(async (k) => ((await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hgetall(k)) : await redis.get(k))),
    );
    expect(values.join('\n')).not.toMatch(/Trộm xe|KP1TO3/);

    const slots = new RedisChatSlots(redis, new ChatLock(redis, TEST_HASH), box, TEST_HASH);
    expect(await slots.load('telegram:7301957')).toEqual(draft);
    expect(await redis.pttl(slots.redisKey('telegram:7301957'))).toBeGreaterThan(500_000);
    const profiles = new RedisProfiles(redis, box, TEST_HASH);
    expect(await profiles.get('zalo', 'zl-abc')).toEqual({ lang: 'en', joinCode: 'KP1TO3' });
    expect(await redis.ttl(profiles.redisKey('zalo', 'zl-abc'))).toBeGreaterThan(80_000);
    // The update was handled before the upgrade: it is not handled again after it.
    const guards = new RedisGuards(redis, TEST_HASH, { floodPer10s: 5, groupPerMinute: 20, casesPerHour: 3 });
    expect(await guards.handled('telegram', '4242')).toBe(true);

    expect(await migrateLegacyKeys(redis, box, TEST_HASH)).toBe(0);
    expect(await slots.load('telegram:7301957')).toEqual(draft);
  });
});
