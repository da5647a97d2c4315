import { Types } from 'mongoose';
import { connectDatabase } from '../../../src/store/connection';
import { moveGroupsToChatKeys } from '../../../src/store/groups/group-key-migration';
import { createStore } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

/** Groups as the store wrote them before `_id` became the chat key, with the index they had. */
async function writeLegacyGroups(db: TestDatabase): Promise<Types.ObjectId[]> {
  const groups = db.conn.collection('groups');
  await groups.createIndex({ channel: 1, chatId: 1 }, { unique: true, name: 'channel_1_chatId_1' });
  const ids = [new Types.ObjectId(), new Types.ObjectId()];
  await groups.insertMany([
    {
      _id: ids[0],
      channel: 'telegram',
      chatId: '-100900',
      title: 'Tổ 9',
      areaCode: 'kp1-to9',
      joinCode: 'KP1TO9',
      active: true,
      createdAt: new Date('2026-01-02T00:00:00Z'),
    },
    {
      _id: ids[1],
      channel: 'zalo',
      chatId: 'zg-77',
      title: 'Tổ 7',
      areaCode: null,
      joinCode: 'ZL7777',
      active: false,
      createdAt: new Date('2026-02-03T00:00:00Z'),
    },
  ]);
  return ids;
}

describe('moving groups to their chat keys', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  it('keeps every field, join code included, finds the groups by chat and drops the old index', async () => {
    await writeLegacyGroups(db);
    expect(await moveGroupsToChatKeys(db.conn)).toBe(2);

    const raw = await db.conn.collection('groups').find({}).sort({ _id: 1 }).toArray();
    expect(raw.map((g) => g._id)).toEqual(['telegram:-100900', 'zalo:zg-77']);
    expect(raw.every((g) => g.movingJoinCode === undefined)).toBe(true);
    expect(await db.store.groups.byChat('telegram', '-100900')).toEqual({
      channel: 'telegram',
      chatId: '-100900',
      title: 'Tổ 9',
      areaCode: 'kp1-to9',
      joinCode: 'KP1TO9',
      active: true,
      createdAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(await db.store.groups.byJoinCode('zl7777')).toMatchObject({ channel: 'zalo', chatId: 'zg-77', active: false, areaCode: null });
    expect((await db.conn.collection('groups').indexes()).map((i) => i.name)).not.toContain('channel_1_chatId_1');

    // Registering a moved group updates it instead of creating a second one.
    await db.store.groups.register('telegram', '-100900', 'Tổ 9 mới');
    expect(await db.conn.collection('groups').countDocuments({})).toBe(2);
    expect(await moveGroupsToChatKeys(db.conn)).toBe(0);
  });

  it('finishes a move interrupted after the code was handed over or after the insert', async () => {
    const [first, second] = await writeLegacyGroups(db);
    const groups = db.conn.collection('groups');
    await groups.dropIndex('channel_1_chatId_1');
    // Step 1 done for the first group; steps 1 and 2 done for the second.
    await groups.updateOne({ _id: first }, { $set: { movingJoinCode: 'KP1TO9', joinCode: `MOVING${String(first).toUpperCase()}` } });
    await groups.updateOne({ _id: second }, { $set: { movingJoinCode: 'ZL7777', joinCode: `MOVING${String(second).toUpperCase()}` } });
    await groups.insertOne({
      _id: 'zalo:zg-77',
      channel: 'zalo',
      chatId: 'zg-77',
      title: 'Tổ 7',
      areaCode: null,
      joinCode: 'ZL7777',
      active: false,
      createdAt: new Date(),
    } as never);

    expect(await moveGroupsToChatKeys(db.conn)).toBe(2);
    expect((await groups.find({}).sort({ _id: 1 }).toArray()).map((g) => [g._id, g.joinCode])).toEqual([
      ['telegram:-100900', 'KP1TO9'],
      ['zalo:zg-77', 'ZL7777'],
    ]);
  });

  it('runs when the store connects, so a deployment upgrades by restarting', async () => {
    await writeLegacyGroups(db);
    const again = await connectDatabase(process.env.MONGODB_URI as string, { dbName: db.conn.name });
    try {
      expect(await createStore(again).groups.byChat('zalo', 'zg-77')).toMatchObject({ joinCode: 'ZL7777', title: 'Tổ 7' });
      expect(await again.collection('groups').countDocuments({ _id: { $type: 'objectId' } })).toBe(0);
    } finally {
      await again.close();
    }
  });
});
