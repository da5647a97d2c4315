import { OutageWatch } from '../ops/outage-watch';
import { pingRedis } from '../redis/connection';
import { pingDatabase } from '../store/connection';
import type { Runtime } from './runtime';

/**
 * Every process watches the database and Redis for the operators (src/ops/outage-watch.ts): the
 * alert window in Redis makes the processes together send one message per outage. Nothing runs
 * without an operators' chat.
 */
export function startOutageWatch(rt: Runtime): { stop(): void } {
  if (!rt.operators.enabled) return { stop: () => undefined };
  const { outageMs } = rt.config.operators;
  const watch = new OutageWatch(rt.operators, {
    probes: { database: () => pingDatabase(rt.db), redis: () => pingRedis(rt.redis) },
    outageMs,
    // A few pings within the outage time, so it is told close to it, and no more than every 10 s.
    everyMs: Math.max(250, Math.min(10_000, Math.floor(outageMs / 4))),
  });
  watch.start();
  return watch;
}
