import { LookupCache } from '../../src/store/lookup-cache';

describe('LookupCache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });

  /** A loader that counts its calls and answers what `value` holds at the time of the call. */
  function loader<V>(value: () => V) {
    const calls: string[] = [];
    return { calls, load: (key: string) => async () => (calls.push(key), value()) };
  }

  it('answers a key from memory within the time, and asks again after it', async () => {
    const cache = new LookupCache<{ name: string }>(100, 10, now);
    let name = 'Tổ 3';
    const l = loader(() => ({ name }));
    expect(await cache.get('a', l.load('a'))).toEqual({ name: 'Tổ 3' });
    name = 'Tổ 4';
    clock += 99;
    expect(await cache.get('a', l.load('a'))).toEqual({ name: 'Tổ 3' });
    clock += 1;
    expect(await cache.get('a', l.load('a'))).toEqual({ name: 'Tổ 4' });
    expect(l.calls).toEqual(['a', 'a']);
  });

  it('shares one query between lookups of one key made at the same time', async () => {
    const cache = new LookupCache<number>(100, 10, now);
    const l = loader(() => 7);
    expect(await Promise.all([cache.get('k', l.load('k')), cache.get('k', l.load('k')), cache.get('k', l.load('k'))])).toEqual([7, 7, 7]);
    expect(l.calls).toHaveLength(1);
  });

  it('does not remember a miss or a failure: the next lookup asks again', async () => {
    const cache = new LookupCache<string>(100, 10, now);
    let value: string | null = null;
    const l = loader(() => value);
    expect(await cache.get('k', l.load('k'))).toBeNull();
    value = 'now there';
    expect(await cache.get('k', l.load('k'))).toBe('now there');
    await expect(cache.get('e', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('e', async () => 'back')).toBe('back');
  });

  it('gives each caller its own copy', async () => {
    const cache = new LookupCache<{ chats: string[] }>(100, 10, now);
    const first = await cache.get('o', async () => ({ chats: ['1'] }));
    first!.chats.push('changed by a caller');
    expect(await cache.get('o', async () => ({ chats: ['never asked'] }))).toEqual({ chats: ['1'] });
  });

  it('forgets everything on clear, nothing with a time of 0, and the oldest beyond its size', async () => {
    const cache = new LookupCache<number>(100, 2, now);
    const l = loader(() => 1);
    await cache.get('a', l.load('a'));
    cache.clear();
    await cache.get('a', l.load('a'));
    await cache.get('b', l.load('b'));
    await cache.get('c', l.load('c'));
    await cache.get('a', l.load('a'));
    await cache.get('c', l.load('c'));
    expect(l.calls).toEqual(['a', 'a', 'b', 'c', 'a']);

    const off = new LookupCache<number>(0, 10, now);
    const m = loader(() => 2);
    await off.get('x', m.load('x'));
    await off.get('x', m.load('x'));
    expect(m.calls).toEqual(['x', 'x']);
  });
});
