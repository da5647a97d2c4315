/**
 * Remembers lookups of rarely changing records (areas, officers, groups by join code) for a short
 * time. Every alert reads the area tree, the officers and the group; on FerretDB each of those
 * reads costs 10-15 ms, several per alert, for data an operator changes a few times a year.
 *
 * Staleness is bounded by `ttlMs`: a change written by another process (the admin script, the
 * other role) is seen by this one within that time; a change written through the same repository
 * clears its cache at once. Misses (null) are not remembered, so a record created elsewhere is
 * found on the next lookup. Concurrent lookups of one key share one query. With `ttlMs` 0 nothing
 * is remembered. Each caller gets its own copy, so one that changes what it got changes nobody else's.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: Promise<V | null>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    /** Oldest entries are dropped beyond this (groups may number in the thousands). */
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (this.ttlMs <= 0) return load();
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > at) return hit.value.then(copy);
    if (hit) this.entries.delete(key);
    const value = load().then(
      (v) => {
        if (v === null) this.forgetIfSame(key, value);
        return v;
      },
      (error: unknown) => {
        this.forgetIfSame(key, value);
        throw error;
      },
    );
    this.entries.set(key, { value, expires: at + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value.then(copy);
  }

  clear(): void {
    this.entries.clear();
  }

  private forgetIfSame(key: string, value: Promise<V | null>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

function copy<V>(value: V): V {
  return value === null ? value : structuredClone(value);
}
