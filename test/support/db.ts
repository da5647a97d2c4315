import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../src/store/connection';
import { createStore, type Store, type StoreOptions } from '../../src/store/models';

export interface TestDatabase {
  conn: Connection;
  store: Store;
  /** A URI naming this database, for a process of its own (a script under test). */
  uri: string;
  /** Drops the database and closes the connection. */
  close(): Promise<void>;
}

let opened = 0;

/**
 * A fresh, empty database on the server `scripts/services` started (FerretDB on PostgreSQL) or the one
 * MONGODB_URI names, with all indexes built. Each call gets its own database, so test files
 * running in parallel never see each other's rows.
 */
export async function openTestDatabase(options: StoreOptions = {}): Promise<TestDatabase> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run tests through `npm test` (scripts/services starts the database)');
  opened += 1;
  const dbName = `test_${process.pid}_${opened}_${randomBytes(3).toString('hex')}`;
  const conn = await connectDatabase(uri, { dbName, serverSelectionTimeoutMs: 10_000 });
  return {
    conn,
    store: createStore(conn, options),
    uri: withDatabase(uri, dbName),
    async close() {
      try {
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    },
  };
}

function withDatabase(uri: string, dbName: string): string {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}
