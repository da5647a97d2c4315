/**
 * The local database's figures in docs/local-database.md: updates lost by 50 concurrent `$inc` and
 * `$push` of one document, inserts per second with 16 in flight, and lookup times by _id and by
 * another field (unique, not indexed by us) at 2,000 and 10,000 documents.
 *
 *   bash scripts/services -- node --import tsx scripts/bench/local-database.ts
 *   LOCAL_DATABASE=sqlite bash scripts/services -- node --import tsx scripts/bench/local-database.ts
 *
 * Measures whatever MONGODB_URI names, in a database of its own that it drops afterwards.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import mongoose from 'mongoose';

interface Row {
  _id: string;
  n?: number;
  items?: number[];
  refCode?: string;
  kind?: string;
  category?: string;
  status?: string;
  areaCode?: string;
  officerIds?: string[];
  createdAt?: Date;
  contact?: string;
  summary?: string;
  history?: { at: Date; action: string; by: string }[];
}

const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('MONGODB_URI is not set: run through scripts/services');

/** A document shaped like a case: a dozen fields, about 700 bytes. */
function caseLike(i: number): Row {
  return {
    _id: `case-${i}`,
    refCode: `R-${String(i).padStart(6, '0')}`,
    kind: i % 3 === 0 ? 'mediation' : 'tip',
    category: `cat-${i % 12}`,
    status: ['new', 'acknowledged', 'closed'][i % 3],
    areaCode: `area-${i % 40}`,
    officerIds: [`officer-${i % 25}`, `officer-${(i + 7) % 25}`],
    createdAt: new Date(1_780_000_000_000 + i * 60_000),
    contact: randomBytes(48).toString('base64'),
    summary: randomBytes(300).toString('base64'),
    history: [{ at: new Date(), action: 'created', by: 'bot' }],
  };
}

async function main(): Promise<void> {
  const conn = await mongoose.createConnection(uri!, { dbName: `figures_${randomBytes(3).toString('hex')}` }).asPromise();
  const c = conn.db!.collection<Row>('cases');
  try {
    const lost = await lostUpdates(c);
    const out: string[] = [`load average ${loadavg()[0].toFixed(1)} at the start`, `lost of 50: $inc ${lost.inc}, $push ${lost.push}`];
    let stored = 0;
    for (const size of [2_000, 10_000]) {
      const started = process.hrtime.bigint();
      await inLanes(size - stored, 16, (k) => c.insertOne(caseLike(stored + k)));
      const rate = ((size - stored) / Number(process.hrtime.bigint() - started)) * 1e9;
      stored = size;
      const byId = await lookupMs(size, (i) => c.findOne({ _id: `case-${i}` }));
      const byField = await lookupMs(size, (i) => c.findOne({ refCode: `R-${String(i).padStart(6, '0')}` }));
      out.push(
        `${size} documents: inserts ${Math.round(rate)}/s (16 in flight); lookup by _id p50 ${byId.p50} ms, p95 ${byId.p95} ms; by refCode p50 ${byField.p50} ms, p95 ${byField.p95} ms`,
      );
    }
    console.log(out.join('\n'));
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

/** 50 concurrent `$inc` and 50 concurrent `$push` of one document: how many were lost. */
async function lostUpdates(c: mongoose.mongo.Collection<Row>): Promise<{ inc: number; push: number }> {
  await c.insertOne({ _id: 'counter', n: 0, items: [] });
  const fifty = Array.from({ length: 50 }, (_, i) => i);
  await Promise.all(fifty.map(() => c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })));
  await Promise.all(fifty.map((i) => c.updateOne({ _id: 'counter' }, { $push: { items: i } })));
  const doc = await c.findOne({ _id: 'counter' });
  await c.deleteOne({ _id: 'counter' });
  return { inc: 50 - Number(doc?.n), push: 50 - (doc?.items ?? []).length };
}

/** 200 lookups of random stored documents, one after another: p50 and p95 in ms. */
async function lookupMs(size: number, lookup: (i: number) => Promise<unknown>): Promise<{ p50: string; p95: string }> {
  const times: number[] = [];
  for (let k = 0; k < 220; k++) {
    const started = process.hrtime.bigint();
    if (!(await lookup(Math.floor(Math.random() * size)))) throw new Error('a stored document was not found');
    if (k >= 20) times.push(Number(process.hrtime.bigint() - started) / 1e6); // the first 20 warm up
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  return { p50: at(0.5), p95: at(0.95) };
}

async function inLanes(n: number, lanes: number, work: (k: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
