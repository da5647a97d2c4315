import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSeed, recordsNotIn, SeedError } from '../../../src/store/seed';
import { openTestDatabase, type TestDatabase } from '../../support/db';

const wardFile = path.join(__dirname, '../../../scripts/seed-data/ward.json');
const ward = JSON.parse(readFileSync(wardFile, 'utf8')) as {
  areas: Record<string, unknown>[];
  officers: Record<string, unknown>[];
  groups: Record<string, unknown>[];
};

describe('loadSeed', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  it('loads the sample ward, and loading it again changes nothing', async () => {
    const counts = await loadSeed(db.store, ward);
    expect(counts).toEqual({ areas: 5, officers: 4, groups: 2 });
    const snapshot = async () => ({
      areas: await db.store.areas.all(),
      officers: await db.store.officers.all(),
      groups: await db.store.groups.all(),
    });
    const first = await snapshot();
    await expect(loadSeed(db.store, ward)).resolves.toEqual(counts);
    expect(await snapshot()).toEqual(first);

    expect(first.areas).toHaveLength(5);
    expect((await db.store.areas.ancestry('kp1-to3')).map((a) => a.code)).toEqual(['kp1-to3', 'phuong-sai-gon', 'tp-hcm']);
    const group = await db.store.groups.byJoinCode('kp1to3');
    expect(group).toMatchObject({ channel: 'console', chatId: 'group-kp1-to3', areaCode: 'kp1-to3', active: true });
    expect((await db.store.officers.byChat('console', 'officer-cskv-1'))?.role).toBe('officer');
    const roles = first.officers.map((o) => o.role).sort();
    expect(roles).toEqual(['mediator', 'officer', 'officer', 'supervisor']);
    expect((await db.store.groups.byChat('telegram', '-1001000000004'))?.areaCode).toBe('kp1-to4');
  });

  it('brings changed entries in line on a second load', async () => {
    await loadSeed(db.store, ward);
    const edited = {
      ...ward,
      officers: ward.officers.map((o) => (o.officerId === 'cskv-sg-02' ? { ...o, areaCodes: ['kp2-to1', 'kp1-to4'] } : o)),
    };
    await loadSeed(db.store, edited);
    expect((await db.store.officers.byId('cskv-sg-02'))?.areaCodes).toEqual(['kp2-to1', 'kp1-to4']);
  });

  it('names the bad entry and field, and writes nothing', async () => {
    const bad = { ...ward, officers: [...ward.officers, { ...ward.officers[0], officerId: 'cskv-x', role: 'chief' }] };
    const attempt = loadSeed(db.store, bad);
    await expect(attempt).rejects.toBeInstanceOf(SeedError);
    await expect(loadSeed(db.store, bad)).rejects.toThrow(/officers\[4\] \(cskv-x\)\.role/);
    expect(await db.store.areas.all()).toEqual([]);
  });

  it("gives every area of the sample ward a boundary, adjoining, and refuses a bad one by the entry's name", async () => {
    await loadSeed(db.store, ward);
    const areas = await db.store.areas.withCodes(['phuong-sai-gon', 'kp1-to3', 'kp1-to4', 'kp2-to1']);
    expect(areas.map((a) => [a.code, a.boundary?.type]).sort()).toEqual([
      ['kp1-to3', 'Polygon'],
      ['kp1-to4', 'Polygon'],
      ['kp2-to1', 'Polygon'],
      ['phuong-sai-gon', 'Polygon'],
    ]);
    // Neighbours share corners: Tổ 3 and Tổ 4 their whole common edge.
    const corners = (code: string) =>
      new Set((areas.find((a) => a.code === code)!.boundary!.coordinates as number[][][])[0].map((p) => p.join(',')));
    const shared = [...corners('kp1-to3')].filter((p) => corners('kp1-to4').has(p));
    expect(shared.length).toBeGreaterThanOrEqual(3);
    // Reloading without a boundary keeps the one set.
    const { boundary: _dropped, ...plain } = ward.areas[2];
    await loadSeed(db.store, { areas: [plain] });
    expect((await db.store.areas.withCodes(['kp1-to3']))[0].boundary?.type).toBe('Polygon');
    const open = {
      ...ward.areas[2],
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [106.7, 10.77],
            [106.71, 10.77],
            [106.71, 10.78],
            [106.7, 10.78],
          ],
        ],
      },
    };
    await expect(loadSeed(db.store, { areas: [open] })).rejects.toThrow(/areas\[0\] \(kp1-to3\)\.boundary: .*is not closed/);
  });

  it('rejects unknown top-level keys, misspelt fields and non-objects', async () => {
    await expect(loadSeed(db.store, { ...ward, offcers: [] })).rejects.toThrow(/offcers/);
    await expect(loadSeed(db.store, { areas: [{ code: 'x', name: 'X', kind: 'ward', parent: null }] })).rejects.toThrow(/areas\[0\] \(x\)/);
    await expect(loadSeed(db.store, [])).rejects.toThrow(/seed: the file does not have the expected shape/);
  });

  it('rejects references to areas that exist nowhere', async () => {
    const dangling = { ...ward, groups: [{ channel: 'telegram', chatId: '-1', title: 'x', areaCode: 'kp9-to9' }] };
    await expect(loadSeed(db.store, dangling)).rejects.toThrow(
      /groups \(telegram:-1\): area kp9-to9 is neither in the file nor in the database/,
    );
  });

  it('accepts references to areas already in the database', async () => {
    await loadSeed(db.store, { areas: ward.areas });
    await expect(loadSeed(db.store, { officers: ward.officers })).resolves.toEqual({ areas: 0, officers: 4, groups: 0 });
  });

  it('rejects duplicates and parent cycles in the file', async () => {
    await expect(loadSeed(db.store, { areas: [ward.areas[0], ward.areas[0]] })).rejects.toThrow(/areas: tp-hcm appears twice/);
    const cycle = {
      areas: [
        { code: 'a', name: 'A', kind: 'ward', parentCode: 'b' },
        { code: 'b', name: 'B', kind: 'ward', parentCode: 'a' },
      ],
    };
    await expect(loadSeed(db.store, cycle)).rejects.toThrow(/cycle/);
  });
});

describe('scripts/seed and a real database', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  const root = path.join(__dirname, '../../..');
  const seedScript = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'seed', ...args], {
      cwd: root,
      env: { ...process.env, MONGODB_URI: db.uri },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('loads the sample ward into an empty database and again over itself', () => {
    expect(seedScript([]).status).toBe(0);
    const again = seedScript([]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/5 areas, 4 officers, 2 groups/);
  });

  it('refuses the sample ward where real officers and areas are, unless --force', async () => {
    await db.store.areas.upsert({ code: 'phuong-that', name: 'Phường Thật', kind: 'ward', parentCode: null });
    await db.store.officers.upsert({
      officerId: 'cskv-that-01',
      name: 'Trung úy Thật',
      role: 'officer',
      areaCodes: ['phuong-that'],
      chats: [{ channel: 'telegram', chatId: '5550001' }],
      lang: 'vi',
      active: true,
    });
    expect(await recordsNotIn(db.store, ward)).toEqual({ officers: 1, areas: 1 });
    const refused = seedScript([]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refused: this database already holds 1 officer\(s\) and 1 area\(s\).*--force/);
    expect(await db.store.officers.byId('cskv-sg-01')).toBeNull();
    expect((await db.store.officers.all()).map((o) => o.officerId)).toEqual(['cskv-that-01']);

    const forced = seedScript(['--force']);
    expect(forced.status).toBe(0);
    expect((await db.store.officers.all()).length).toBe(5);
  });
});
