import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import mongoose from 'mongoose';
import { createRedis, waitReady } from '../../src/redis/connection';
import { loadSeed } from '../../src/store/seed';
import { testSettings } from '../support/app-harness';
import { openTestDatabase, type TestDatabase } from '../support/db';

/**
 * scripts/backup and scripts/restore (issue 16), as operators run them, against the real database
 * and Redis: a backup of the sample ward, a case-like document with dates, binary and nested
 * values, Redis keys with and without a time to live and a BullMQ job; then both are emptied,
 * restored, and compared value by value. A restore over data is refused unless --force.
 */
const root = path.join(__dirname, '..', '..');
const ward = JSON.parse(readFileSync(path.join(root, 'scripts', 'seed-data', 'ward.json'), 'utf8')) as Parameters<typeof loadSeed>[1];
const EJSON = mongoose.mongo.BSON.EJSON;

let db: TestDatabase;
let redisUrl: string;
let redis: IORedis;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  redisUrl = testSettings().REDIS_URL;
  redis = createRedis(redisUrl, 'blocking', 'test-backup');
  await waitReady(redis);
  await redis.flushdb();
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'backup-')), 'copy');
});

afterAll(async () => {
  redis?.disconnect();
  await db?.close();
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

function cli(command: 'backup' | 'restore', args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src', 'main.ts'), command, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', MONGODB_URI: db.uri, REDIS_URL: redisUrl }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** Every collection's documents (sorted by _id) and every Redis key's type, value and whether it expires. */
async function snapshot(): Promise<{ docs: Record<string, string[]>; keys: Record<string, string> }> {
  const docs: Record<string, string[]> = {};
  for (const { name } of await db.conn.db!.listCollections({}, { nameOnly: true }).toArray()) {
    const all = await db.conn.db!.collection(name).find({}).sort({ _id: 1 }).toArray();
    if (all.length > 0) docs[name] = all.map((d) => EJSON.stringify(d, { relaxed: false }));
  }
  const keys: Record<string, string> = {};
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.get(key)
        : type === 'hash'
          ? JSON.stringify(await redis.hgetall(key))
          : type === 'list'
            ? JSON.stringify(await redis.lrange(key, 0, -1))
            : type === 'zset'
              ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
              : type === 'set'
                ? JSON.stringify((await redis.smembers(key)).sort())
                : type;
    keys[key] = `${type}:${value}:${(await redis.pttl(key)) > 0 ? 'expires' : 'lasts'}`;
  }
  return { docs, keys };
}

describe('backup and restore', () => {
  it('copies the database and Redis, and puts them back exactly', async () => {
    await loadSeed(db.store, ward);
    await db.conn.db!.collection('cases').insertOne({
      caseId: 'c-backup-1',
      refCode: 'TB-2612-0001',
      submittedAt: new Date('2026-12-01T08:30:00Z'),
      contactEnc: new mongoose.mongo.Binary(Buffer.from([0, 1, 2, 250, 251])),
      fields: { what: 'sealed:abc', count: mongoose.mongo.Long.fromNumber(2 ** 40) },
      history: [{ action: 'submitted', at: new Date('2026-12-01T08:30:01Z') }],
    });
    await redis.set('conv:plain', 'a value');
    await redis.set('slot:expiring', 'soon', 'PX', 600_000);
    await redis.hset('profile:h', { lang: 'vi', code: 'KP1TO3' });
    const queue = new Queue('cases', { connection: redis });
    await queue.add('case', { caseId: 'c-backup-2' }, { jobId: 'job-backup' });
    await queue.close();
    const before = await snapshot();

    const made = await cli('backup', [dir]);
    expect(made).toMatchObject({
      code: 0,
      out: expect.stringMatching(/backup written to .*: \d+ collection\(s\), \d+ document\(s\), \d+ Redis key\(s\)/),
    });
    // For its owner only: it holds what the database holds.
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(path.join(dir, 'db'))) expect(statSync(path.join(dir, 'db', f)).mode & 0o777).toBe(0o600);
    expect(await cli('backup', [dir])).toMatchObject({ code: 1, out: expect.stringContaining('is not empty') });

    expect(await cli('restore', [dir])).toMatchObject({ code: 1, out: expect.stringContaining('refused') });

    await db.conn.dropDatabase();
    await redis.flushdb();
    expect((await snapshot()).docs).toEqual({});
    const restored = await cli('restore', [dir]);
    expect(restored).toMatchObject({ code: 0, out: expect.stringContaining('restored from') });
    expect(await snapshot()).toEqual(before);
    expect(Object.keys(before.docs)).toEqual(expect.arrayContaining(['cases', 'officers', 'areas', 'groups']));
    expect(before.keys['slot:expiring']).toMatch(/expires$/);

    // Over data, with --force: what changed since is replaced by the backup.
    await redis.set('conv:plain', 'changed');
    await db.conn.db!.collection('cases').deleteMany({});
    expect(await cli('restore', [dir, '--force'])).toMatchObject({ code: 0 });
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
