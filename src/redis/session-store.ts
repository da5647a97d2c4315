import type IORedis from 'ioredis';
import type { ConversationState, SessionStore } from '../conversations/ports';

/**
 * Conversation drafts in Redis, one key per chat. The key outlives the idle limit by a day so the
 * service can tell a resident their conversation expired (instead of silently forgetting it);
 * Redis then removes it on its own, so abandoned drafts with residents' words never pile up.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: IORedis,
    private readonly idleMs: number,
    private readonly prefix = 'conv:',
  ) {}

  async get(key: string): Promise<ConversationState | null> {
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as ConversationState;
    } catch {
      return null;
    }
  }

  async set(key: string, state: ConversationState): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(state), 'PX', this.idleMs + 86_400_000);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
