import mongoose, { type Connection } from 'mongoose';
import { moveGroupsToChatKeys } from './groups/group-key-migration';
import { createModels } from './models';

/*
 * One code base, two servers: MongoDB 7/8 in production, FerretDB 1.24 in tests (on PostgreSQL,
 * patched by scripts/install-ferretdb: docs/local-database.md; LOCAL_DATABASE=sqlite for SQLite).
 * What FerretDB 1.24 does differently, found while building this store (keep to the common subset):
 *
 * - Upstream, updates are not atomic: the handler reads the document and writes it back outside
 *   one transaction (FerretDB issue #3040), so concurrent `$inc`, `$max` or filter-guarded `$set`
 *   on ONE document lose writes (20 parallel `$inc` ended at 1-3). Our build serialises each
 *   document's read-modify-write and rechecks the filter under it
 *   (test/integration/store/local-database.test.ts), so the code relies on single-document
 *   updates being atomic, as on MongoDB: guarded updates such as `{ _id, status }`, no locks.
 *   Unique indexes are enforced under concurrency on both backends.
 * - `$setOnInsert` silently drops top-level fields whose value is `null` or `[]` from the inserted
 *   document (nested ones, `{}`, `false`, `0` and '' survive; `$set` and inserts keep them all).
 *   Create-if-absent is therefore an insert guarded by a unique index + E11000 → read back.
 *   `upsert` + `includeResultMetadata` does report `updatedExisting` correctly.
 * - `findOneAndUpdate` (findAndModify) rejects a projection ("support for field \"fields\" … is
 *   not implemented yet"): repositories strip `_id` in code (`plain`) instead.
 * - Duplicate-key errors (E11000, code 11000) carry no `keyPattern`, `keyValue` or index name, so
 *   code cannot tell which unique index collided: re-read by the key in question (mongo-compat.ts).
 * - `$elemMatch` with plain field conditions fails ("unknown operator: channel"); dotted paths
 *   work but match across array elements. Officers keep a derived `chatKeys` array instead.
 * - No collations (queries or indexes): case-insensitive lookups normalise the value in code
 *   (join codes are stored and searched in upper case).
 * - No partial indexes (`partialFilterExpression`) and no TTL indexes (`expireAfterSeconds`):
 *   expiry lives in Redis or in jobs, and unique indexes must hold for every document.
 * - Field names starting with '$' or containing '.' are refused (code 2, "invalid key"); MongoDB
 *   5+ accepts some of them. Repositories check keys themselves so both behave the same.
 * - Works as on MongoDB: unique compound and multikey indexes, `$in` on arrays, `$max`/`$min`/
 *   `$inc` (sequentially), `$group`/`$unwind` aggregation, admin `ping`, `dropDatabase`.
 */

export interface ConnectOptions {
  /** How long to wait for a reachable server before giving up (default 10 s). */
  serverSelectionTimeoutMs?: number;
  /** Overrides the database named in the URI (tests use one database per file). */
  dbName?: string;
}

/**
 * Opens a dedicated connection and builds every unique and lookup index before returning:
 * idempotent writes rely on the unique indexes, so a store without them must not start.
 * Indexes are only ever added here, never dropped (an operator removes stale ones by hand), bar
 * the one group-key-migration.ts replaces.
 */
export async function connectDatabase(uri: string, opts: ConnectOptions = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 10_000,
    ...(opts.dbName === undefined ? {} : { dbName: opts.dbName }),
    // Indexes are built below, awaited, so a failure stops start-up instead of being logged.
    autoIndex: false,
    autoCreate: false,
  });
  try {
    await conn.asPromise();
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw new Error(`Cannot reach MongoDB at ${redactUri(uri)}: ${messageOf(error)}. Is the database running and MONGODB_URI right?`, {
      cause: error,
    });
  }
  try {
    await ensureIndexes(conn);
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw new Error(`Cannot build the database indexes: ${messageOf(error)}`, { cause: error });
  }
  try {
    await moveGroupsToChatKeys(conn);
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw new Error(`Cannot move groups to their chat keys: ${messageOf(error)}`, { cause: error });
  }
  return conn;
}

/** Builds the indexes of every model on this connection; safe to repeat. */
export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of Object.values(createModels(conn))) {
    await model.createIndexes();
  }
}

/** Readiness check: true when the server answers a ping within `timeoutMs`. Never throws. */
export async function pingDatabase(conn: Connection, timeoutMs = 2_000): Promise<boolean> {
  const db = conn.readyState === mongoose.ConnectionStates.connected ? conn.db : undefined;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const answer = db
      .admin()
      .command({ ping: 1 })
      .then((reply) => reply.ok === 1)
      .catch(() => false);
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The URI without user name and password, for error messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
