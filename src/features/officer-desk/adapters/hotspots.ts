import type IORedis from 'ioredis';
import { CASE_KINDS } from '../../reporting/flows';

/**
 * The Redis key that marks a hotspot alert raised for one area, kind and category: set (NX) by the
 * worker's hotspot check when the supervisors are alerted, living as long as the window, so the
 * next cases of that window stay quiet (workers/case-watch.ts). While it lives the hotspot is
 * active: the dashboard's map shows it on its area.
 */
export function hotspotKey(areaCode: string, kind: string, category: string): string {
  return `hotspot:${areaCode}:${kind}:${category}`;
}

/** How many keys one MGET asks for: a ward's areas times the categories stay within a few batches. */
const BATCH = 500;

/**
 * The areas among `areaCodes` with an active hotspot of one of `kinds` (every kind when not
 * given: a mediator's map must not reveal that tips gathered somewhere). Reads known keys (areas
 * × categories) rather than scanning Redis: the cost grows with the areas shown, not the keyspace.
 */
export async function activeHotspotAreas(redis: IORedis, areaCodes: readonly string[], kinds?: readonly string[]): Promise<Set<string>> {
  const pairs = CASE_KINDS.all
    .filter((k) => kinds === undefined || kinds.includes(k.id))
    .flatMap((k) => k.categories.map((category) => [k.id, category] as const));
  const keys = areaCodes.flatMap((area) => pairs.map(([kind, category]) => ({ area, key: hotspotKey(area, kind, category) })));
  const hot = new Set<string>();
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = keys.slice(i, i + BATCH);
    const values = await redis.mget(batch.map((k) => k.key));
    values.forEach((v, j) => {
      if (v !== null) hot.add(batch[j].area);
    });
  }
  return hot;
}
