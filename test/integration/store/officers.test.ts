import type { Officer } from '../../../src/store/officers/officer.schema';
import { openTestDatabase, type TestDatabase } from '../../support/db';

const khoa: Officer = {
  officerId: 'cskv-sg-01',
  name: 'Trần Minh Khoa',
  role: 'officer',
  areaCodes: ['kp1-to3', 'kp1-to4'],
  chats: [
    { channel: 'console', chatId: 'officer-cskv-1' },
    { channel: 'telegram', chatId: '100000001' },
  ],
  lang: 'vi',
  active: true,
};
const nhung: Officer = {
  ...khoa,
  officerId: 'cskv-sg-02',
  name: 'Lê Thị Hồng Nhung',
  areaCodes: ['kp2-to1'],
  chats: [{ channel: 'zalo', chatId: 'z-2' }],
};
const hung: Officer = {
  ...khoa,
  officerId: 'truong-ca-sg',
  name: 'Phạm Văn Hùng',
  role: 'supervisor',
  areaCodes: ['phuong-sai-gon'],
  chats: [],
  lang: 'en',
};
const retired: Officer = {
  ...khoa,
  officerId: 'cskv-old',
  name: 'Retired',
  areaCodes: ['kp1-to3'],
  chats: [{ channel: 'telegram', chatId: '999' }],
  active: false,
};

describe('OfficerRepository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
    for (const officer of [khoa, nhung, hung, retired]) await db.store.officers.upsert(officer);
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns exactly the officer it stored (no storage fields)', async () => {
    expect(await db.store.officers.byId('cskv-sg-01')).toEqual(khoa);
    expect(await db.store.officers.byId('nobody')).toBeNull();
  });

  it('upserts: writing again replaces areas and chats of the one officer', async () => {
    const moved = { ...nhung, areaCodes: ['kp2-to1', 'kp2-to2'], chats: [{ channel: 'telegram' as const, chatId: '100000002' }] };
    expect(await db.store.officers.upsert(moved)).toEqual(moved);
    expect(await db.store.officers.byChat('zalo', 'z-2')).toBeNull();
    expect((await db.store.officers.byChat('telegram', '100000002'))?.officerId).toBe('cskv-sg-02');
    expect((await db.store.officers.all()).filter((o) => o.officerId === 'cskv-sg-02')).toHaveLength(1);
  });

  it('finds an officer by the private chat they write from', async () => {
    expect((await db.store.officers.byChat('console', 'officer-cskv-1'))?.officerId).toBe('cskv-sg-01');
    expect((await db.store.officers.byChat('telegram', '100000001'))?.officerId).toBe('cskv-sg-01');
  });

  it('matches channel and chat id together, not across two chats', async () => {
    // Khoa has console:officer-cskv-1 and telegram:100000001, but not telegram:officer-cskv-1.
    expect(await db.store.officers.byChat('telegram', 'officer-cskv-1')).toBeNull();
    expect(await db.store.officers.byChat('zalo', '100000001')).toBeNull();
  });

  it('finds active officers covering any of the areas', async () => {
    expect((await db.store.officers.inAreas(['kp1-to3'])).map((o) => o.officerId)).toEqual(['cskv-sg-01']);
    expect((await db.store.officers.inAreas(['kp1-to3', 'phuong-sai-gon', 'tp-hcm'])).map((o) => o.officerId)).toEqual([
      'cskv-sg-01',
      'truong-ca-sg',
    ]);
    expect(await db.store.officers.inAreas([])).toEqual([]);
    expect(await db.store.officers.inAreas(['nowhere'])).toEqual([]);
  });

  it('lists everyone, inactive included, by id', async () => {
    expect((await db.store.officers.all()).map((o) => o.officerId)).toEqual(['cskv-old', 'cskv-sg-01', 'cskv-sg-02', 'truong-ca-sg']);
  });

  it('refuses an unknown role or channel with a message naming the officer', async () => {
    await expect(db.store.officers.upsert({ ...khoa, officerId: 'bad-1', role: 'chief' as Officer['role'] })).rejects.toThrow(
      /officer "bad-1": the role/,
    );
    await expect(
      db.store.officers.upsert({
        ...khoa,
        officerId: 'bad-2',
        chats: [{ channel: 'sms' as Officer['chats'][number]['channel'], chatId: '1' }],
      }),
    ).rejects.toThrow(/officer "bad-2": unknown chat channel "sms"/);
    expect(await db.store.officers.byId('bad-1')).toBeNull();
  });
});
