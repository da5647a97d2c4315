import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';
import { createRedis, waitReady } from '../redis/connection';
import { connectDatabase } from '../store/connection';

/**
 * `backup DIR` and `restore DIR`: a logical copy of the database (every collection as Extended JSON
 * lines, types kept) and of Redis (every key of REDIS_URL's database as DUMP bytes with its time
 * to live), written by the app's own drivers, so they work wherever the bot runs: in the image
 * (`docker compose run --rm -v ./backups:/backups bot backup /backups/2026-12-04`), against a
 * managed MongoDB, and here on FerretDB, where mongodump does not exist. Sealed values stay
 * sealed (the copy is as private as the data, not more); the folder and its files are readable
 * by their owner only. Stop the bot and worker first for a copy of one instant: with them running,
 * each collection and key is copied as it is when it is read.
 */

const EJSON = mongoose.mongo.BSON.EJSON;
const MANIFEST = 'manifest.json';
const REDIS_FILE = 'redis.jsonl';

interface Manifest {
  format: 1;
  createdAt: string;
  collections: Record<string, number>;
  redisKeys: number;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: point it at the ${name === 'REDIS_URL' ? 'Redis' : 'database'} to copy`);
  return value;
}

/** Writes lines to a file created for its owner only, resolving once they are on disk. */
async function writeLines(file: string, lines: AsyncIterable<string>): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600 });
  let count = 0;
  for await (const line of lines) {
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    count += 1;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return count;
}

async function* readLines(file: string): AsyncIterable<string> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line !== '') yield line;
}

export async function backup(dir: string): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: give a new folder for each backup`);
  mkdirSync(join(dir, 'db'), { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), collections: {}, redisKeys: 0 };

  const conn = await connectDatabase(env('MONGODB_URI'));
  try {
    const db = conn.db!;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (name.startsWith('system.')) continue;
      const docs = db.collection(name).find({});
      manifest.collections[name] = await writeLines(
        join(dir, 'db', `${name}.jsonl`),
        (async function* () {
          for await (const doc of docs) yield EJSON.stringify(doc, { relaxed: false });
        })(),
      );
    }
  } finally {
    await conn.close();
  }

  const redis = createRedis(env('REDIS_URL'), 'blocking', 'backup');
  try {
    await waitReady(redis);
    manifest.redisKeys = await writeLines(
      join(dir, REDIS_FILE),
      (async function* () {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 500);
          cursor = String(next);
          for (const key of keys) {
            const [ttl, value] = await Promise.all([redis.pttl(key), redis.dumpBuffer(key)]);
            // Gone between SCAN and DUMP: nothing to keep.
            if (value === null) continue;
            yield JSON.stringify({ k: key.toString('base64'), ttl: ttl > 0 ? ttl : 0, v: value.toString('base64') });
          }
        } while (cursor !== '0');
      })(),
    );
  } finally {
    redis.disconnect();
  }
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/**
 * Puts a backup back: into an empty database and Redis database, or with `force` over what is
 * there (each backed-up collection is emptied first; Redis keys are replaced). Indexes are not in
 * the copy: the store builds them when the bot or worker connects, as on every start.
 */
export async function restore(dir: string, force: boolean): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
  if (manifest.format !== 1) throw new Error(`${dir}: unknown backup format ${String(manifest.format)}`);

  const conn = await connectDatabase(env('MONGODB_URI'));
  const redis = createRedis(env('REDIS_URL'), 'blocking', 'restore');
  try {
    const db = conn.db!;
    await waitReady(redis);
    if (!force) {
      const present = (await db.listCollections({}, { nameOnly: true }).toArray()).filter((c) => !c.name.startsWith('system.'));
      const nonEmpty: string[] = [];
      for (const { name } of present) if ((await db.collection(name).estimatedDocumentCount()) > 0) nonEmpty.push(name);
      const keys = await redis.dbsize();
      if (nonEmpty.length > 0 || keys > 0)
        throw new Error(
          `refused: the database holds ${nonEmpty.length} collection(s) with documents and Redis ${keys} key(s); ` +
            'restore into empty ones, or add --force to replace what is there with the backup',
        );
    }
    for (const name of Object.keys(manifest.collections)) {
      const collection = db.collection(name);
      if (force) await collection.deleteMany({});
      let batch: Record<string, unknown>[] = [];
      for await (const line of readLines(join(dir, 'db', `${name}.jsonl`))) {
        batch.push(EJSON.parse(line, { relaxed: false }) as Record<string, unknown>);
        if (batch.length === 500) {
          await collection.insertMany(batch, { ordered: true });
          batch = [];
        }
      }
      if (batch.length > 0) await collection.insertMany(batch, { ordered: true });
    }
    for await (const line of readLines(join(dir, REDIS_FILE))) {
      const { k, ttl, v } = JSON.parse(line) as { k: string; ttl: number; v: string };
      await redis.restore(Buffer.from(k, 'base64'), ttl, Buffer.from(v, 'base64'), 'REPLACE');
    }
  } finally {
    redis.disconnect();
    await conn.close();
  }
  return manifest;
}

function summary(m: Manifest): string {
  const docs = Object.values(m.collections).reduce((a, b) => a + b, 0);
  return `${Object.keys(m.collections).length} collection(s), ${docs} document(s), ${m.redisKeys} Redis key(s)`;
}

const USAGE = `Usage: backup DIR          copy the database (MONGODB_URI) and Redis (REDIS_URL) into a new folder DIR
       restore DIR [--force]  put a backup back, into an empty database and Redis unless --force`;

export async function mainBackup(args: string[]): Promise<number> {
  const [dir] = args;
  if (!dir || dir.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  try {
    const m = await backup(dir);
    console.log(`backup written to ${dir}: ${summary(m)}`);
    return 0;
  } catch (err) {
    console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

export async function mainRestore(args: string[]): Promise<number> {
  const dir = args.find((a) => !a.startsWith('-'));
  if (!dir) {
    console.error(USAGE);
    return 2;
  }
  try {
    const m = await restore(dir, args.includes('--force'));
    console.log(`restored from ${dir} (made ${m.createdAt}): ${summary(m)}`);
    return 0;
  } catch (err) {
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
