import type { Area } from '../../../src/store/areas/area.schema';
import { openTestDatabase, type TestDatabase } from '../../support/db';

const tree: Area[] = [
  { code: 'tp-hcm', name: 'Thành phố Hồ Chí Minh', kind: 'province', parentCode: null },
  { code: 'phuong-sai-gon', name: 'Phường Sài Gòn', kind: 'ward', parentCode: 'tp-hcm' },
  { code: 'kp1', name: 'Khu phố 1', kind: 'quarter', parentCode: 'phuong-sai-gon' },
  { code: 'kp1-to3', name: 'Khu phố 1 – Tổ dân phố 3', kind: 'residential-group', parentCode: 'kp1' },
  { code: 'kp1-to4', name: 'Khu phố 1 – Tổ dân phố 4', kind: 'residential-group', parentCode: 'kp1' },
  { code: 'kp2-to1', name: 'Khu phố 2 – Tổ dân phố 1', kind: 'residential-group', parentCode: 'phuong-sai-gon' },
];

describe('AreaRepository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
    for (const area of tree) await db.store.areas.upsert(area);
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns what it stored as a plain object', async () => {
    const area = await db.store.areas.byCode('kp1-to3');
    expect(area).toEqual(tree[3]);
    expect(Object.getPrototypeOf(area)).toBe(Object.prototype);
  });

  it('upserts: a second write with the same code updates the one area', async () => {
    const first = await db.store.areas.upsert({ code: 'temp', name: 'Old', kind: 'ward', parentCode: null });
    expect(first).toEqual({ code: 'temp', name: 'Old', kind: 'ward', parentCode: null });
    const second = await db.store.areas.upsert({ code: 'temp', name: 'New', kind: 'commune', parentCode: 'tp-hcm' });
    expect(second).toEqual({ code: 'temp', name: 'New', kind: 'commune', parentCode: 'tp-hcm' });
    expect((await db.store.areas.all()).filter((a) => a.code === 'temp')).toHaveLength(1);
  });

  it('returns null for an unknown code', async () => {
    expect(await db.store.areas.byCode('nowhere')).toBeNull();
  });

  it('walks a four-level ancestry leaf first', async () => {
    const chain = await db.store.areas.ancestry('kp1-to3');
    expect(chain.map((a) => a.code)).toEqual(['kp1-to3', 'kp1', 'phuong-sai-gon', 'tp-hcm']);
  });

  it('gives an empty ancestry for an unknown area and a one-item one for a root', async () => {
    expect(await db.store.areas.ancestry('nowhere')).toEqual([]);
    expect((await db.store.areas.ancestry('tp-hcm')).map((a) => a.code)).toEqual(['tp-hcm']);
  });

  it('stops at a missing parent', async () => {
    await db.store.areas.upsert({ code: 'orphan', name: 'Orphan', kind: 'residential-group', parentCode: 'deleted-ward' });
    expect((await db.store.areas.ancestry('orphan')).map((a) => a.code)).toEqual(['orphan']);
  });

  it('stops at a cycle instead of looping', async () => {
    await db.store.areas.upsert({ code: 'loop-a', name: 'A', kind: 'ward', parentCode: 'loop-b' });
    await db.store.areas.upsert({ code: 'loop-b', name: 'B', kind: 'ward', parentCode: 'loop-c' });
    await db.store.areas.upsert({ code: 'loop-c', name: 'C', kind: 'ward', parentCode: 'loop-a' });
    expect((await db.store.areas.ancestry('loop-a')).map((a) => a.code)).toEqual(['loop-a', 'loop-b', 'loop-c']);
    expect((await db.store.areas.descendantCodes('loop-a')).sort()).toEqual(['loop-a', 'loop-b', 'loop-c']);
  });

  it('lists the direct children', async () => {
    expect((await db.store.areas.children('phuong-sai-gon')).map((a) => a.code)).toEqual(['kp1', 'kp2-to1']);
    expect(await db.store.areas.children('kp1-to3')).toEqual([]);
  });

  it('lists every descendant code, itself included', async () => {
    expect((await db.store.areas.descendantCodes('phuong-sai-gon')).sort()).toEqual([
      'kp1',
      'kp1-to3',
      'kp1-to4',
      'kp2-to1',
      'phuong-sai-gon',
    ]);
    expect(await db.store.areas.descendantCodes('kp1-to3')).toEqual(['kp1-to3']);
  });

  it('lists all areas by code', async () => {
    const codes = (await db.store.areas.all()).map((a) => a.code);
    expect(codes).toEqual([...codes].sort());
    expect(codes).toEqual(expect.arrayContaining(tree.map((a) => a.code)));
  });

  it('refuses bad codes and self-parenting with a message naming the area', async () => {
    await expect(db.store.areas.upsert({ code: 'KP1 To3', name: 'x', kind: 'ward', parentCode: null })).rejects.toThrow(
      /area "KP1 To3": the code/,
    );
    await expect(db.store.areas.upsert({ code: 'self', name: 'x', kind: 'ward', parentCode: 'self' })).rejects.toThrow(/its own parent/);
    await expect(db.store.areas.upsert({ code: 'blank', name: ' ', kind: 'ward', parentCode: null })).rejects.toThrow(/name is empty/);
  });
});
