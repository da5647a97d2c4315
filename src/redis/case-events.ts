import type IORedis from 'ioredis';
import { createRedis } from './connection';

/** What happened to a case, as the dashboard's live view hears it: its code only, nothing of the tipster. */
export interface CaseEvent {
  type: 'new' | 'changed';
  refCode: string;
}

const CHANNEL = 'tnd:case-events';

/**
 * Case events between processes over Redis pub/sub: the worker says a case was stored, the officer
 * desk (chat, web or escalation, on any replica) that one changed, and every dashboard process
 * hears it and tells the browsers that may see the case. A message carries the reference code
 * alone, so nothing identifying passes through Redis, and pub/sub keeps nothing (no key, no
 * append-only file entry): a listener that is away misses events, which a page reload repairs.
 */
export class CaseEvents {
  private subscriber?: IORedis;
  private readonly listeners = new Set<(e: CaseEvent) => void>();

  constructor(
    private readonly redis: IORedis,
    private readonly redisUrl: string,
  ) {}

  /** Best effort: a live view is a convenience, and a case's change must never fail because Redis's pub/sub did. */
  async publish(e: CaseEvent): Promise<void> {
    await this.redis.publish(CHANNEL, JSON.stringify(e)).catch(() => undefined);
  }

  /** Calls `listener` for every event from now on; the returned function stops it. One connection for all listeners. */
  async listen(listener: (e: CaseEvent) => void): Promise<() => void> {
    if (!this.subscriber) {
      // A subscribed connection can do nothing else, so it is a connection of its own, kept reconnecting.
      const sub = createRedis(this.redisUrl, 'blocking', 'case-events');
      this.subscriber = sub;
      sub.on('message', (_channel: string, message: string) => {
        const e = parse(message);
        if (e) for (const l of this.listeners) l(e);
      });
      await sub.subscribe(CHANNEL);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

function parse(message: string): CaseEvent | null {
  try {
    const e = JSON.parse(message) as Partial<CaseEvent>;
    if ((e.type === 'new' || e.type === 'changed') && typeof e.refCode === 'string' && e.refCode.length <= 32)
      return { type: e.type, refCode: e.refCode };
  } catch {
    // Not ours: ignored.
  }
  return null;
}
