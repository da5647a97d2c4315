import type IORedis from 'ioredis';
import type { BroadcastDraft, BroadcastDrafts } from '../conversations/broadcast/ports';

/** Unfinished broadcasts, one key per chat, gone on their own a while after the idle limit. */
export class RedisBroadcastDrafts implements BroadcastDrafts {
  constructor(
    private readonly redis: IORedis,
    private readonly idleMs: number,
    private readonly prefix = 'bcdraft:',
  ) {}

  async get(key: string): Promise<BroadcastDraft | null> {
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as BroadcastDraft;
    } catch {
      return null;
    }
  }

  async set(key: string, draft: BroadcastDraft): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(draft), 'PX', this.idleMs + 3_600_000);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
