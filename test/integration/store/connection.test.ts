import { connectDatabase, ensureIndexes, pingDatabase, redactUri } from '../../../src/store/connection';
import { createModels } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

describe('connection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers a ping', async () => {
    await expect(pingDatabase(db.conn)).resolves.toBe(true);
  });

  it('builds the unique indexes every idempotent write relies on', async () => {
    const models = createModels(db.conn);
    const uniqueKeys = async (model: { collection: { indexes(): Promise<{ key: Record<string, unknown>; unique?: boolean }[]> } }) =>
      (await model.collection.indexes()).filter((index) => index.unique).map((index) => Object.keys(index.key).join('+'));
    expect(await uniqueKeys(models.area)).toEqual(['code']);
    expect(await uniqueKeys(models.officer)).toEqual(['officerId']);
    // One group per chat is held by its _id, the chat key (groupKey).
    expect(await uniqueKeys(models.group)).toEqual(['joinCode']);
    expect((await uniqueKeys(models.case)).sort()).toEqual(['caseId', 'refCode']);
    expect((await uniqueKeys(models.notification)).sort()).toEqual(['caseId+recipientId+channel', 'notificationId']);
  });

  it('can build the indexes again on a database that has them', async () => {
    await expect(ensureIndexes(db.conn)).resolves.toBeUndefined();
  });

  it('opens several connections side by side', async () => {
    const other = await openTestDatabase();
    try {
      await other.store.areas.upsert({ code: 'only-here', name: 'Only here', kind: 'ward', parentCode: null });
      expect(await db.store.areas.byCode('only-here')).toBeNull();
      expect(await other.store.areas.byCode('only-here')).not.toBeNull();
    } finally {
      await other.close();
    }
  });

  it('says false, not throws, when the connection is closed', async () => {
    const other = await openTestDatabase();
    await other.close();
    await expect(pingDatabase(other.conn)).resolves.toBe(false);
  });

  it('fails with a message naming the server and hiding the password', async () => {
    const attempt = connectDatabase('mongodb://user:secret@127.0.0.1:1/nowhere', { serverSelectionTimeoutMs: 300 });
    await expect(attempt).rejects.toThrow(/Cannot reach MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:1\/nowhere/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('secret'));
  });

  it('redacts credentials in URIs', () => {
    expect(redactUri('mongodb://a:b@h1,h2/db?x=1')).toBe('mongodb://***@h1,h2/db?x=1');
    expect(redactUri('mongodb://h/db')).toBe('mongodb://h/db');
  });
});

describe('openTestDatabase', () => {
  it('refuses to run without MONGODB_URI instead of skipping', async () => {
    const saved = process.env.MONGODB_URI;
    delete process.env.MONGODB_URI;
    try {
      await expect(openTestDatabase()).rejects.toThrow('MONGODB_URI is not set: run tests through `npm test`');
    } finally {
      process.env.MONGODB_URI = saved;
    }
  });
});
