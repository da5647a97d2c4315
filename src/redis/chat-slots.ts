import type IORedis from 'ioredis';
import { TurnSlot, type ChatSlots, type SlotValue } from '../conversations/chat-slot';
import type { ChatLock } from './chat-lock';

/**
 * Every chat's conversation slot (conversations/chat-slot.ts), one key per chat: `chat:<channel>:<chat>`.
 * The key lives as long as the longest conversation in it and Redis then removes it on its own, so
 * abandoned drafts with residents' words never pile up. A change from another chat (an officer's
 * question reaching a tipster) takes that chat's lock, the one every message of it is handled under.
 */
export class RedisChatSlots implements ChatSlots {
  constructor(
    private readonly redis: IORedis,
    private readonly locks: Pick<ChatLock, 'run'>,
    private readonly clock: () => number = Date.now,
    private readonly prefix = 'chat:',
  ) {}

  async load(key: string): Promise<SlotValue | null> {
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as SlotValue;
    } catch {
      return null;
    }
  }

  async save(key: string, value: SlotValue): Promise<void> {
    const until = Math.max(value.active?.expiresAt ?? 0, value.waiting?.expiresAt ?? 0);
    const ttl = until - this.clock();
    if (!value.active && !value.waiting) await this.redis.del(this.prefix + key);
    else if (ttl <= 0) await this.redis.del(this.prefix + key);
    else await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttl));
  }

  async update(key: string, change: (slot: TurnSlot) => void): Promise<void> {
    await this.locks.run(key, async () => {
      const slot = new TurnSlot(await this.load(key), this.clock());
      change(slot);
      if (slot.dirty) await this.save(key, slot.snapshot());
    });
  }
}
