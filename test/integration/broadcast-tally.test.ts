import { createRedis, waitReady } from '../../src/redis/connection';
import { BroadcastTally } from '../../src/redis/broadcast-tally';
import { testSettings } from '../support/app-harness';

/** The Redis hint that a broadcast's last group is done; the database confirms it (see finish). */
describe('BroadcastTally (real Redis)', () => {
  const redis = createRedis(testSettings().REDIS_URL, 'interactive', 'tally-test');
  beforeAll(() => waitReady(redis));
  afterAll(() => redis.disconnect());
  const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('says "none left" only after the last delivery, however many there are', async () => {
    const tally = new BroadcastTally(redis);
    const deliveries = ids(2_500, 'big');
    await tally.arm('b-big', deliveries);
    expect(await redis.scard('bctally:b-big:out')).toBe(2_500);
    for (const id of deliveries.slice(0, -1)) expect(await tally.finished('b-big', id)).toBe(false);
    // A delivery counted twice (a retry after a crash) changes nothing.
    expect(await tally.finished('b-big', deliveries[0])).toBe(false);
    expect(await tally.finished('b-big', deliveries.at(-1)!)).toBe(true);
    expect(await redis.ttl('bctally:b-big:out')).toBe(-2);
  });

  it('fills the set once per broadcast: a retried fan-out does not put back deliveries already done', async () => {
    const tally = new BroadcastTally(redis);
    await tally.arm('b-retry', ['a', 'b']);
    expect(await redis.ttl('bctally:b-retry:out')).toBeGreaterThan(0);
    expect(await tally.finished('b-retry', 'a')).toBe(false);
    await tally.arm('b-retry', ['a', 'b']);
    expect(await tally.finished('b-retry', 'b')).toBe(true);
  });

  it('errs towards asking the database when the set is lost', async () => {
    const tally = new BroadcastTally(redis);
    await tally.arm('b-lost', ['a', 'b', 'c']);
    await redis.del('bctally:b-lost:out');
    expect(await tally.finished('b-lost', 'a')).toBe(true);
  });

  it('finishes two deliveries at the same moment with exactly one "none left"', async () => {
    const tally = new BroadcastTally(redis);
    const deliveries = ids(200, 'race');
    await tally.arm('b-race', deliveries);
    const answers = await Promise.all(deliveries.map((id) => tally.finished('b-race', id)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});
