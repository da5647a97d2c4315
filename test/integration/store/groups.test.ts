import { GroupRepository, JoinCodeTakenError } from '../../../src/store/groups/group.repository';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, generateJoinCode } from '../../../src/store/groups/group.schema';
import { createModels } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

describe('GroupRepository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('registers a new group unbound and active, with a readable join code', async () => {
    const group = await db.store.groups.register('telegram', '-100111', 'Tổ tự quản số 3');
    expect(group).toEqual({
      channel: 'telegram',
      chatId: '-100111',
      title: 'Tổ tự quản số 3',
      areaCode: null,
      joinCode: expect.stringMatching(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`)),
      active: true,
      createdAt: expect.any(Date),
    });
    expect(group).toStrictEqual(await db.store.groups.byChat('telegram', '-100111'));
  });

  it('registering again keeps the code, area and creation time and updates the title', async () => {
    const first = await db.store.groups.register('telegram', '-100222', 'Old title');
    await db.store.groups.bindArea('telegram', '-100222', 'kp1-to4');
    const again = await db.store.groups.register('telegram', '-100222', 'New title');
    expect(again).toEqual({ ...first, title: 'New title', areaCode: 'kp1-to4' });
    expect((await db.store.groups.all()).filter((g) => g.chatId === '-100222')).toHaveLength(1);
  });

  it('registers the same chat concurrently as one group with one code', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => db.store.groups.register('zalo', 'zalo-group-1', 'Zalo group')));
    expect(new Set(results.map((g) => g.joinCode)).size).toBe(1);
    expect((await db.store.groups.all()).filter((g) => g.chatId === 'zalo-group-1')).toHaveLength(1);
  });

  it('keeps the same chat id on two platforms apart', async () => {
    const a = await db.store.groups.register('telegram', 'same-id', 'On Telegram');
    const b = await db.store.groups.register('zalo', 'same-id', 'On Zalo');
    expect(a.joinCode).not.toBe(b.joinCode);
    expect((await db.store.groups.byChat('zalo', 'same-id'))?.title).toBe('On Zalo');
  });

  it('draws another code when the random one is taken', async () => {
    const codes = ['AAAAAA', 'AAAAAA', 'BBBBBB'];
    const groups = new GroupRepository(createModels(db.conn).group, { generateJoinCode: () => codes.shift() ?? 'CCCCCC' });
    const first = await groups.register('console', 'collide-1', 'First');
    const second = await groups.register('console', 'collide-2', 'Second');
    expect(first.joinCode).toBe('AAAAAA');
    expect(second.joinCode).toBe('BBBBBB');
    expect(codes).toEqual([]);
  });

  it('gives up after repeated collisions instead of looping', async () => {
    const stuck = new GroupRepository(createModels(db.conn).group, { generateJoinCode: () => 'AAAAAA' });
    await expect(stuck.register('console', 'collide-3', 'Third')).rejects.toThrow(/no free join code after 8 attempts/);
    expect(await db.store.groups.byChat('console', 'collide-3')).toBeNull();
  });

  it('finds a group by join code whatever the case and spacing', async () => {
    const group = await db.store.groups.register('console', 'lookup', 'Lookup');
    const typed = `  ${group.joinCode.toLowerCase()} `;
    expect((await db.store.groups.byJoinCode(typed))?.chatId).toBe('lookup');
    expect(await db.store.groups.byJoinCode('ZZZZZZ9')).toBeNull();
  });

  it('takes a fixed join code, normalised, and refuses one another group holds', async () => {
    const fixed = await db.store.groups.register('console', 'group-kp1-to3', 'Seeded', { joinCode: 'kp1to3' });
    expect(fixed.joinCode).toBe('KP1TO3');
    expect((await db.store.groups.byJoinCode('Kp1To3'))?.chatId).toBe('group-kp1-to3');
    const again = await db.store.groups.register('console', 'group-kp1-to3', 'Seeded', { joinCode: 'KP1TO3' });
    expect(again).toEqual(fixed);
    await expect(db.store.groups.register('console', 'another', 'Another', { joinCode: 'KP1TO3' })).rejects.toBeInstanceOf(
      JoinCodeTakenError,
    );
    expect(await db.store.groups.byChat('console', 'another')).toBeNull();
    await expect(db.store.groups.register('console', 'another', 'Another', { joinCode: 'no!' })).rejects.toThrow(/4 to 16 letters/);
  });

  it('binds a group to an area, and says null for an unknown group', async () => {
    await db.store.groups.register('telegram', '-100333', 'To bind');
    expect((await db.store.groups.bindArea('telegram', '-100333', 'kp2-to1'))?.areaCode).toBe('kp2-to1');
    expect((await db.store.groups.byChat('telegram', '-100333'))?.areaCode).toBe('kp2-to1');
    expect(await db.store.groups.bindArea('telegram', 'never-registered', 'kp2-to1')).toBeNull();
    expect(await db.store.groups.byChat('telegram', 'never-registered')).toBeNull();
  });

  it('deactivates and reactivates; inactive groups are left out of inAreas', async () => {
    await db.store.groups.register('telegram', '-100444', 'Area group A');
    await db.store.groups.register('telegram', '-100555', 'Area group B');
    await db.store.groups.bindArea('telegram', '-100444', 'area-x');
    await db.store.groups.bindArea('telegram', '-100555', 'area-y');
    expect((await db.store.groups.inAreas(['area-x', 'area-y'])).map((g) => g.chatId)).toEqual(['-100444', '-100555']);

    expect((await db.store.groups.setActive('telegram', '-100444', false))?.active).toBe(false);
    expect((await db.store.groups.inAreas(['area-x', 'area-y'])).map((g) => g.chatId)).toEqual(['-100555']);
    expect((await db.store.groups.register('telegram', '-100444', 'Renamed')).active).toBe(false);

    expect((await db.store.groups.setActive('telegram', '-100444', true))?.active).toBe(true);
    expect((await db.store.groups.inAreas(['area-x'])).map((g) => g.chatId)).toEqual(['-100444']);
    expect(await db.store.groups.inAreas([])).toEqual([]);
    expect(await db.store.groups.setActive('telegram', 'unknown', true)).toBeNull();
  });
});

describe('generateJoinCode', () => {
  it('uses only the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = generateJoinCode();
      expect(code).toHaveLength(JOIN_CODE_LENGTH);
      expect(code).not.toMatch(/[01OI]/);
      expect([...code].every((ch) => JOIN_CODE_ALPHABET.includes(ch))).toBe(true);
    }
  });
});
