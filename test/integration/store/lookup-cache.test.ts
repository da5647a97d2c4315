import { createStore } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

/**
 * The repositories' short memory of areas, officers and groups (LOOKUP_CACHE_MS), on the real
 * database: a write through the process's own store is seen at once; a write by another process
 * (here a second store, as the admin script would be) is seen once the time has passed.
 */
describe('remembered lookups (real database)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase({ lookupCacheMs: 300 });
  });
  afterAll(() => db.close());

  const officer = {
    officerId: 'cskv-1',
    name: 'Lê Văn Tâm',
    role: 'officer' as const,
    lang: 'vi' as const,
    active: true,
    areaCodes: ['kp1'],
    chats: [{ channel: 'telegram' as const, chatId: '1' }],
  };

  it('sees its own writes at once', async () => {
    await db.store.areas.upsert({ code: 'kp1', name: 'Khu phố 1', kind: 'khu-pho', parentCode: null });
    expect((await db.store.areas.byCode('kp1'))?.name).toBe('Khu phố 1');
    await db.store.areas.upsert({ code: 'kp1', name: 'Khu phố Một', kind: 'khu-pho', parentCode: null });
    expect((await db.store.areas.byCode('kp1'))?.name).toBe('Khu phố Một');

    await db.store.officers.upsert(officer);
    expect((await db.store.officers.inAreas(['kp1'])).map((o) => o.officerId)).toEqual(['cskv-1']);
    await db.store.officers.upsert({ ...officer, active: false });
    expect(await db.store.officers.inAreas(['kp1'])).toEqual([]);
    expect((await db.store.officers.byId('cskv-1'))?.active).toBe(false);

    const group = await db.store.groups.register('telegram', '-100777', 'Tổ 3');
    expect((await db.store.groups.byJoinCode(group.joinCode))?.areaCode).toBeNull();
    await db.store.groups.bindArea('telegram', '-100777', 'kp1');
    expect((await db.store.groups.byJoinCode(group.joinCode.toLowerCase()))?.areaCode).toBe('kp1');
    await db.store.groups.setActive('telegram', '-100777', false);
    expect((await db.store.groups.byJoinCode(group.joinCode))?.active).toBe(false);
  });

  it("sees another process's writes once the time has passed", async () => {
    // Another process: its own repositories, without a cache, on the same database.
    const elsewhere = createStore(db.conn).areas;
    await db.store.areas.upsert({ code: 'kp2', name: 'Khu phố 2', kind: 'khu-pho', parentCode: null });
    expect((await db.store.areas.byCode('kp2'))?.name).toBe('Khu phố 2');
    await elsewhere.upsert({ code: 'kp2', name: 'Khu phố Hai', kind: 'khu-pho', parentCode: null });
    expect((await db.store.areas.byCode('kp2'))?.name).toBe('Khu phố 2');
    await new Promise((r) => setTimeout(r, 350));
    expect((await db.store.areas.byCode('kp2'))?.name).toBe('Khu phố Hai');
  });

  it("remembers a broadcast's content for its deliveries, and forgets it when the broadcast changes", async () => {
    const b = {
      broadcastId: 'b-remembered',
      sender: {
        channel: 'telegram' as const,
        userId: '1',
        chatId: '1',
        role: 'officer' as const,
        officerId: 'cskv-1',
        lang: 'vi' as const,
      },
      audienceLabel: 'Tổ 3',
      targets: [{ channel: 'telegram' as const, chatId: '-100500', title: 'Tổ 3' }],
      text: 'Cắt điện sáng mai',
      status: 'queued' as const,
      createdAt: new Date(),
    };
    await db.store.broadcasts.insertIfAbsent(b);
    expect((await db.store.broadcasts.content(b.broadcastId))?.text).toBe('Cắt điện sáng mai');
    // Changed behind its back (nothing does this in the app): the remembered copy is served.
    await db.conn.collection('broadcasts').updateOne({ _id: b.broadcastId } as never, { $set: { text: 'changed elsewhere' } });
    expect((await db.store.broadcasts.content(b.broadcastId))?.text).toBe('Cắt điện sáng mai');
    // A status change through the store is seen at once, with what is stored now.
    await db.store.broadcasts.markCancelled(b.broadcastId);
    expect(await db.store.broadcasts.content(b.broadcastId)).toMatchObject({ status: 'cancelled', text: 'changed elsewhere' });
    expect(await db.store.broadcasts.content('missing')).toBeNull();
  });
});
