import { createRedis, waitReady } from '../../src/redis/connection';
import { ChatPacer } from '../../src/outbox/chat-pacer';
import { hashedKey } from '../../src/redis/hashed-keys';
import { TEST_HASH, testSettings } from '../support/app-harness';

/** Spacing of sends across replicas (two pacers on two connections stand for two workers). */
describe('ChatPacer (real Redis)', () => {
  const a = createRedis(testSettings().REDIS_URL, 'interactive', 'pacer-a');
  const b = createRedis(testSettings().REDIS_URL, 'interactive', 'pacer-b');
  beforeAll(() => Promise.all([waitReady(a), waitReady(b)]));
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it('hands out platform slots evenly spaced across replicas, so no second holds more than the rate', async () => {
    const interval = (channel: string) => (channel === 'telegram' ? 40 : 0);
    const one = new ChatPacer(a, TEST_HASH, () => 0, interval);
    const two = new ChatPacer(b, TEST_HASH, () => 0, interval);
    await a.del('pace-platform:telegram');
    const claims = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).claimPlatformSlot('telegram')));
    const slots = claims.map((c) => c!.slot).sort((x, y) => x - y);
    // Every slot exactly one interval after the one before: 25 a second at most, whatever the window.
    expect(slots.slice(1).map((s, i) => s - slots[i])).toEqual(Array<number>(59).fill(40));
    for (let i = 0; i + 25 < slots.length; i++) expect(slots[i + 25] - slots[i]).toBeGreaterThanOrEqual(1000);
    // Those that queued behind others were told to wait; the first was not.
    expect(Math.min(...claims.map((c) => c!.waitMs))).toBe(0);
    expect(Math.max(...claims.map((c) => c!.waitMs))).toBeGreaterThan(1000);
  });

  it('spaces bulk sends at their own rate, then takes a platform slot for each', async () => {
    const pacer = new ChatPacer(
      a,
      TEST_HASH,
      () => 0,
      () => 5,
      () => 100,
    );
    await a.del('pace-bulk:telegram', 'pace-platform:telegram');
    const t0 = Date.now();
    const done: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => pacer.bulkSlot('telegram').then(() => done.push(Date.now() - t0))));
    // Six bulk slots 100 ms apart: the last one half a second after the first, however fast the platform.
    expect(Math.max(...done)).toBeGreaterThanOrEqual(480);
    expect(Math.min(...done)).toBeLessThan(100);
    // The platform's own timeline is not touched by the bulk wait itself.
    expect(await a.exists('pace-platform:telegram')).toBe(0);
  });

  it('does not pace a rate above one send a millisecond (slots are whole milliseconds)', async () => {
    const pacer = new ChatPacer(
      a,
      TEST_HASH,
      () => 0,
      () => 1000 / 100_000,
    );
    expect(await pacer.claimPlatformSlot('telegram')).toBeNull();
  });

  it('does not pace a platform without a rate', async () => {
    const pacer = new ChatPacer(
      a,
      TEST_HASH,
      () => 0,
      () => 0,
    );
    expect(await pacer.claimPlatformSlot('console')).toBeNull();
    await pacer.platformSlot('console');
  });

  it('spaces messages into one chat: the second within the interval is told how long to wait', async () => {
    const pacer = new ChatPacer(a, TEST_HASH, () => 5_000);
    await a.del(hashedKey(TEST_HASH, 'pace', 'telegram:-100123'));
    expect(await pacer.reserve('telegram', '-100123')).toBe(0);
    const wait = await new ChatPacer(b, TEST_HASH, () => 5_000).reserve('telegram', '-100123');
    expect(wait).toBeGreaterThan(4_000);
    expect(wait).toBeLessThanOrEqual(5_000);
  });
});
