import { openTestDatabase, type TestDatabase } from '../../support/db';

/**
 * postgresql-pushdown.patch (docs/local-database.md): FerretDB writes `$in`, date ranges,
 * `$exists` and literal `$regex` in SQL, and sorts, skips, limits and counts in PostgreSQL when a
 * check in the same SQL shows the answer is MongoDB's. Each case here is one where pushing
 * without that check would change the answer (MongoDB orders numbers and a missing field before
 * dates, PostgreSQL's jsonb does not; an array matches by any element; a date is a JSON number).
 */
describe('the local database pushes queries down without changing answers', () => {
  let db: TestDatabase;
  const day = 86_400_000;
  const base = Date.UTC(2026, 0, 1);
  const date = (i: number) => new Date(base + i * day);

  interface Row {
    _id: string;
    at?: unknown;
    status?: unknown;
    refCode?: unknown;
    n?: number;
  }
  const rows = (): Row[] => [
    ...Array.from({ length: 10 }, (_, i) => ({ _id: `d${i}`, at: date(i), status: i % 2 ? 'new' : 'resolved', refCode: `R-${i}`, n: i })),
    // a number past every date's milliseconds: MongoDB orders it before all dates
    { _id: 'number', at: 9e15, status: 'new', refCode: 100 },
    // no `at`: first in MongoDB's ascending order (PostgreSQL puts a missing value last)
    { _id: 'missing', status: 'new', refCode: 'R-missing' },
    // dates in an array: MongoDB sorts by the greatest (descending) or least (ascending) element
    { _id: 'array', at: [date(100), date(-100)], status: ['new', 'old'], refCode: 'R-array' },
  ];

  const c = () => db.conn.db!.collection<Row>('pushdown');
  beforeAll(async () => {
    db = await openTestDatabase();
    await c().insertMany(rows());
    await c().createIndex({ at: -1, _id: -1 });
  });
  afterAll(async () => {
    await db.close();
  });

  const ids = async (cursor: { toArray(): Promise<Record<string, unknown>[]> }) => (await cursor.toArray()).map((r) => r._id);

  it('sorts as MongoDB does when the sort key is not one type in every document', async () => {
    expect(await ids(c().find({}).sort({ at: -1, _id: -1 }).limit(3))).toEqual(['array', 'd9', 'd8']);
    expect(await ids(c().find({}).sort({ at: 1, _id: 1 }).limit(3))).toEqual(['missing', 'number', 'array']);
    expect(
      await ids(
        c()
          .find({ _id: { $in: ['d1', 'd2', 'number'] } })
          .sort({ at: 1 }),
      ),
    ).toEqual(['number', 'd1', 'd2']);
  });

  it('sorts, skips and limits in order where every document has a date', async () => {
    const dated = Array.from({ length: 10 }, (_, i) => `d${i}`);
    const filter = { _id: { $in: dated } };
    expect(await ids(c().find(filter).sort({ at: -1, _id: -1 }).skip(2).limit(3))).toEqual(['d7', 'd6', 'd5']);
    expect(await ids(c().find(filter).sort({ at: 1 }).skip(8).limit(5))).toEqual(['d8', 'd9']);
    expect(
      await ids(
        c()
          .find({ ...filter, status: { $in: ['new'] } })
          .sort({ at: -1 })
          .limit(2),
      ),
    ).toEqual(['d9', 'd7']);
  });

  it('limits after its own filter where SQL selected more than the filter matches', async () => {
    // `refCode: 100` contains "1" as text but a regex never matches a number: SQL's LIKE
    // selects the newest case, FerretDB drops it, so a LIMIT in SQL would return nothing
    const coded = db.conn.db!.collection<Row>('pushdown-regex');
    await coded.insertMany([
      { _id: 'a', at: date(5), refCode: 100 },
      { _id: 'b', at: date(4), refCode: 'R-1' },
      { _id: 'c', at: date(3), refCode: 'R-11' },
    ]);
    expect(
      await ids(
        coded
          .find({ refCode: { $regex: '1' } })
          .sort({ at: -1, _id: -1 })
          .limit(1),
      ),
    ).toEqual(['b']);
    expect(await coded.countDocuments({ refCode: { $regex: '1' } })).toBe(2);
  });

  it('counts as MongoDB does: type brackets, arrays, null and missing fields', async () => {
    // d5…d9, and the array (its newest date); not the number
    expect(await c().countDocuments({ at: { $gte: date(5) } })).toBe(6);
    expect(await c().countDocuments({ at: { $gte: date(5), $lt: date(8) } })).toBe(4);
    expect(await c().countDocuments({ status: { $in: ['new'] } })).toBe(8);
    expect(await c().countDocuments({ status: { $in: ['old', 'resolved'] } })).toBe(6);
    expect(await c().countDocuments({ at: { $in: [null] } })).toBe(1);
    expect(await c().countDocuments({ at: { $exists: false } })).toBe(1);
    expect(await c().countDocuments({ at: { $in: [date(3), 9e15] } })).toBe(2);
    expect(await c().countDocuments({})).toBe(13);
    expect(await c().countDocuments({ status: 'new' }, { skip: 2, limit: 3 })).toBe(3);
  });

  it('returns only the projected fields, and groups on the fields a pipeline reads', async () => {
    const projected = await c()
      .find({ status: { $in: ['resolved'] } }, { projection: { _id: 0, n: 1 } })
      .sort({ at: -1 })
      .toArray();
    expect(projected).toEqual([{ n: 8 }, { n: 6 }, { n: 4 }, { n: 2 }, { n: 0 }]);
    const grouped = await c()
      .aggregate<{ _id: unknown; count: number }>([{ $match: { n: { $gte: 0 } } }, { $group: { _id: '$status', count: { $sum: 1 } } }])
      .toArray();
    expect(grouped.sort((a, b) => String(a._id).localeCompare(String(b._id)))).toEqual([
      { _id: 'new', count: 5 },
      { _id: 'resolved', count: 5 },
    ]);
  });

  it('writes $in and date ranges in SQL: PostgreSQL selects, not FerretDB alone', async () => {
    // Upstream left both to FerretDB (a plan with no condition at all). Plans, never timings;
    // whether PostgreSQL then takes an index depends on its statistics (at 100,000 cases it
    // does: docs/local-database.md).
    const many = db.conn.db!.collection<{ _id: string; areaCode: string; at: Date }>('pushdown-plans');
    await many.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `p${i}`, areaCode: `area-${i % 40}`, at: date(i % 365) })));
    for (const [filter, sql] of [
      [{ areaCode: { $in: ['area-1', 'area-2'] } }, /_jsonb -> 'areaCode'::text\) = ANY/],
      [{ at: { $gte: date(360) } }, /_jsonb -> 'at'::text\) >= /],
    ] as const) {
      const conditions: string[] = [];
      const walk = (value: unknown): void => {
        if (!value || typeof value !== 'object') return;
        const node = value as Record<string, unknown>;
        for (const key of ['Filter', 'Index Cond', 'Recheck Cond']) if (typeof node[key] === 'string') conditions.push(node[key]);
        Object.values(node).forEach(walk);
      };
      walk((await many.find(filter).explain()).queryPlanner);
      expect({ filter, conditions }).toEqual({ filter, conditions: expect.arrayContaining([expect.stringMatching(sql)]) });
    }
  });
});
