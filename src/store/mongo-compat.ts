/*
 * What MongoDB 7/8 and FerretDB 1.24 both need from the repositories' writes and reads.
 */

/**
 * Unique indexes are what make this store's writes idempotent, so a duplicate-key error is an
 * expected outcome, not a failure: the repositories read again to learn who won.
 *
 * FerretDB 1.24 reports the violation as code 11000 with the message "E11000 duplicate key error
 * collection: <db>.<coll>" but without `keyPattern`, `keyValue` or the index name that MongoDB
 * gives. Never branch on which index collided; re-read by the key you care about instead.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, writeErrors } = error as { code?: unknown; message?: unknown; writeErrors?: unknown };
  if (code === 11000 || code === 11001) return true;
  if (Array.isArray(writeErrors) && writeErrors.some((w) => isDuplicateKeyError(w))) return true;
  return typeof message === 'string' && message.includes('E11000');
}

/**
 * Runs an upsert whose filter is the unique key, once more if it lost an insert race.
 *
 * MongoDB can answer two simultaneous upserts of the same new key with one insert and one E11000
 * (it retries some of these itself, not all); the second attempt then matches the winner's
 * document and updates it. FerretDB was not seen to raise it, but the same code runs on both.
 */
export async function upsertWithRetry<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= attempts) throw error;
    }
  }
}

/** A document as the server returns it (lean): the entity plus storage-only fields. */
export type Stored<T> = T & { _id?: unknown };

/**
 * The entity without `_id`, which is storage detail. Done in code rather than with a projection
 * because FerretDB 1.24's findAndModify rejects one ("support for field \"fields\" … is not
 * implemented yet"), and one way for all reads is simpler than two.
 */
export function plain<T>(doc: Stored<T>): T;
export function plain<T>(doc: Stored<T> | null): T | null;
export function plain<T>(doc: Stored<T> | null): T | null {
  if (doc === null) return null;
  const { _id, ...entity } = doc;
  return entity as T;
}
