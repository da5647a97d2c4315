import { createRedis, waitReady } from '../../src/redis/connection';
import { ChatLock } from '../../src/redis/chat-lock';
import { hashedKey } from '../../src/redis/hashed-keys';
import { TEST_HASH, testSettings } from '../support/app-harness';

/** Two replicas handling the same chat at once must take turns; different chats must not wait. */
describe('ChatLock (real Redis)', () => {
  const redis = createRedis(testSettings().REDIS_URL, 'interactive', 'lock-test');
  beforeAll(() => waitReady(redis));
  afterAll(() => redis.disconnect());

  it('runs tasks on one chat one after another, even from two lock instances', async () => {
    const a = new ChatLock(redis, TEST_HASH);
    const b = new ChatLock(redis, TEST_HASH);
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name}:end`);
    };
    await Promise.all([a.run('telegram:1', task('a')), b.run('telegram:1', task('b')), a.run('telegram:1', task('c'))]);
    for (let i = 0; i < events.length; i += 2) expect(events[i].split(':')[0]).toBe(events[i + 1].split(':')[0]);
    expect(await redis.exists(hashedKey(TEST_HASH, 'lock', 'telegram:1'))).toBe(0);
  });

  it('lets different chats run at the same time and releases on failure', async () => {
    const lock = new ChatLock(redis, TEST_HASH);
    const events: string[] = [];
    const slow = (name: string) => async () => {
      events.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name}:end`);
    };
    await Promise.all([lock.run('telegram:2', slow('x')), lock.run('telegram:3', slow('y'))]);
    expect(events.slice(0, 2).sort()).toEqual(['x:start', 'y:start']);
    await expect(lock.run('telegram:4', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await redis.exists(hashedKey(TEST_HASH, 'lock', 'telegram:4'))).toBe(0);
  });
});
