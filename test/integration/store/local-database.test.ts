import mongoose from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../../support/db';
import { OwnService } from '../../support/own-services';

/**
 * The local database as scripts/services starts it: FerretDB 1.24 on PostgreSQL, built by
 * scripts/install-ferretdb with the patches in scripts/ferretdb-patches (docs/local-database.md).
 * Upstream, concurrent updates of one document lose most of their writes and every lookup scans
 * the collection; MongoDB does neither, and the code is written for MongoDB.
 */
describe('the local database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  /** Documents with string _ids, as the app's collections have. */
  interface Row {
    _id: string;
    n?: number;
    items?: number[];
    refCode?: string;
    areaCode?: string;
    seq?: number;
    tags?: string[];
    note?: string;
  }
  const collection = (name: string) => db.conn.db!.collection<Row>(name);
  const fifty = Array.from({ length: 50 }, (_, i) => i);

  describe('keeps every concurrent update of one document (document-locks.patch)', () => {
    it('50 concurrent $inc end at 50', async () => {
      const c = collection('inc');
      await c.insertOne({ _id: 'counter', n: 0 });
      await Promise.all(fifty.map(() => c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })));
      expect((await c.findOne({ _id: 'counter' }))?.n).toBe(50);
    });

    it('50 concurrent $push keep all 50 elements', async () => {
      const c = collection('push');
      await c.insertOne({ _id: 'list', items: [] });
      await Promise.all(fifty.map((i) => c.updateOne({ _id: 'list' }, { $push: { items: i } })));
      const items = ((await c.findOne({ _id: 'list' }))?.items as number[]).slice().sort((a, b) => a - b);
      expect(items).toEqual(fifty);
    });

    it('findOneAndUpdate by another field: each of 50 sees its own increment', async () => {
      const c = collection('fam');
      await c.insertOne({ _id: 'case-1', refCode: 'R-1', n: 0 });
      const seen = await Promise.all(
        fifty.map(async () => (await c.findOneAndUpdate({ refCode: 'R-1' }, { $inc: { n: 1 } }, { returnDocument: 'after' }))?.n as number),
      );
      expect(seen.sort((a, b) => a - b)).toEqual(fifty.map((i) => i + 1));
      expect((await c.findOne({ refCode: 'R-1' }))?.n).toBe(50);
    });

    it('20 concurrent upserts of one _id make one document, counted 20 times', async () => {
      const c = collection('upsert');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => c.updateOne({ _id: 'new' }, { $inc: { n: 1 } }, { upsert: true })),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await c.find({}).toArray()).toEqual([{ _id: 'new', n: 20 }]);
    });
  });

  describe('answers equality lookups from an index (postgresql-indexes.patch)', () => {
    const docs = 2_000;
    beforeAll(async () => {
      const rows = Array.from({ length: docs }, (_, i) => ({
        _id: `case-${i}`,
        refCode: `R-${i}`,
        areaCode: `area-${i % 40}`,
        seq: i,
        tags: [`t-${i % 7}`, `u-${i % 11}`],
        note: `${i} `.repeat(20),
      }));
      for (let i = 0; i < rows.length; i += 500) await collection('lookups').insertMany(rows.slice(i, i + 500));
    });

    /** The PostgreSQL plan nodes (FerretDB's explain returns PostgreSQL's EXPLAIN as queryPlanner). */
    async function plan(filter: Record<string, unknown>): Promise<{ nodes: string[]; indexes: string[] }> {
      const explained = await collection('lookups').find(filter).explain();
      const nodes: string[] = [];
      const indexes: string[] = [];
      const walk = (value: unknown): void => {
        if (!value || typeof value !== 'object') return;
        const node = value as Record<string, unknown>;
        if (typeof node['Node Type'] === 'string') nodes.push(node['Node Type']);
        if (typeof node['Index Name'] === 'string') indexes.push(node['Index Name']);
        Object.values(node).forEach(walk);
      };
      walk(explained.queryPlanner);
      return { nodes, indexes };
    }

    it('by _id: the unique _id index, no scan', async () => {
      const { nodes, indexes } = await plan({ _id: 'case-1234' });
      expect(nodes).not.toContain('Seq Scan');
      expect(indexes).toEqual([expect.stringMatching(/__id_/)]);
    });

    it('by another top-level field: the document index, no scan', async () => {
      for (const filter of [{ refCode: 'R-1234' }, { seq: 1234 }, { tags: 'u-3', areaCode: 'area-9' }]) {
        const { nodes, indexes } = await plan(filter);
        expect({ filter, nodes }).toEqual({ filter, nodes: expect.not.arrayContaining(['Seq Scan']) });
        expect(indexes.length).toBeGreaterThan(0);
      }
    });

    it('answers as MongoDB does: arrays holding the value, numbers of either type, several fields', async () => {
      const c = collection('lookups');
      expect(await c.findOne({ _id: 'case-1234' })).toMatchObject({ refCode: 'R-1234' });
      expect(await c.findOne({ refCode: 'R-1234' })).toMatchObject({ _id: 'case-1234' });
      expect(await c.findOne({ seq: 1234.0 })).toMatchObject({ _id: 'case-1234' });
      const untyped = db.conn.db!.collection('lookups');
      expect(await untyped.findOne({ seq: { $eq: new mongoose.mongo.Long(1234) } })).toMatchObject({ _id: 'case-1234' });
      expect(await c.countDocuments({ tags: 't-3' })).toBe(Array.from({ length: docs }, (_, i) => i).filter((i) => i % 7 === 3).length);
      expect(await c.countDocuments({ tags: 'u-3', areaCode: 'area-9' })).toBe(
        Array.from({ length: docs }, (_, i) => i).filter((i) => i % 11 === 3 && i % 40 === 9).length,
      );
      expect(await c.countDocuments({ tags: ['t-3', 'u-3'] })).toBe(
        Array.from({ length: docs }, (_, i) => i).filter((i) => i % 77 === 3).length,
      );
      expect(await c.findOne({ refCode: 'R-none' })).toBeNull();
    });
  });

  it('keeps every acknowledged write when FerretDB and PostgreSQL are killed (kill -9)', async () => {
    const ferret = await OwnService.ferretdb();
    const conn = mongoose.createConnection(`${ferret.url}/durability`, { serverSelectionTimeoutMS: 30_000 });
    try {
      await conn.asPromise();
      const c = conn.db!.collection<{ _id: string; n?: number }>('acked');
      await c.insertOne({ _id: 'counter', n: 0 });
      for (let i = 0; i < 200; i += 20) {
        await Promise.all(Array.from({ length: 20 }, (_, j) => c.insertOne({ _id: `doc-${i + j}` })));
      }
      // One after another: this is about durability, not concurrency.
      for (let i = 0; i < 50; i++) await c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });

      await ferret.stop('SIGKILL');
      await ferret.backing?.stop('SIGKILL');
      await ferret.backing?.start();
      await ferret.start();

      // PostgreSQL replays its log before it answers; reads wait for it.
      let count = -1;
      for (let attempt = 0; attempt < 60 && count < 0; attempt++) {
        count = await c.countDocuments({}).catch(async () => {
          await new Promise((r) => setTimeout(r, 500));
          return -1;
        });
      }
      expect(count).toBe(201);
      expect((await c.findOne({ _id: 'counter' }))?.n).toBe(50);
    } finally {
      await conn.close().catch(() => undefined);
      await ferret.destroy();
    }
  });
});
