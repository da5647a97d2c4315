import type IORedis from 'ioredis';
import type { KeyedHash } from '../domain/keyed-hash';
import type { SealedBox } from '../domain/sealed-box';
import { TurnSlot, type ChatSlots, type SlotValue } from '../conversations/chat-slot';
import type { ChatLock } from './chat-lock';
import { hashedKey } from './hashed-keys';

/** A chat's slot key, `chat:<keyed hash of the slot key>` (also what erasure deletes). */
export const chatSlotKey = (hash: KeyedHash, slotKey: string): string => hashedKey(hash, 'chat', slotKey);

/**
 * Every chat's conversation slot (conversations/chat-slot.ts), one key per chat: `chat:<keyed hash
 * of the chat>` (redis/hashed-keys.ts). The value (drafts with residents' words, places and phone
 * numbers, the case id and reference code once sent, relayed questions, officers' pending picks) is
 * sealed with the contact key, bound to its key name, so neither Redis nor its append-only file
 * holds any of it in clear. The key lives as long as the longest conversation in it and Redis then
 * removes it on its own, so abandoned drafts never pile up. A change from another chat (an
 * officer's question reaching a tipster) takes that chat's lock, the one every message of it is
 * handled under.
 */
export class RedisChatSlots implements ChatSlots {
  constructor(
    private readonly redis: IORedis,
    private readonly locks: Pick<ChatLock, 'run'>,
    private readonly box: SealedBox,
    private readonly hash: KeyedHash,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The Redis key of a slot key (`channel:chatId`, conversations/chat-slot.ts slotKey). */
  redisKey(key: string): string {
    return chatSlotKey(this.hash, key);
  }

  async load(key: string): Promise<SlotValue | null> {
    const name = this.redisKey(key);
    const raw = await this.redis.get(name);
    if (!raw) return null;
    try {
      return JSON.parse(this.box.open(raw, name)) as SlotValue;
    } catch {
      // Unreadable (a key no longer loaded, or tampered with): the chat starts afresh.
      return null;
    }
  }

  async save(key: string, value: SlotValue): Promise<void> {
    const name = this.redisKey(key);
    const until = Math.max(value.active?.expiresAt ?? 0, value.waiting?.expiresAt ?? 0);
    const ttl = until - this.clock();
    if (!value.active && !value.waiting) await this.redis.del(name);
    else if (ttl <= 0) await this.redis.del(name);
    else await this.redis.set(name, this.box.seal(JSON.stringify(value), name), 'PX', Math.ceil(ttl));
  }

  async update(key: string, change: (slot: TurnSlot) => void): Promise<void> {
    await this.locks.run(key, async () => {
      const slot = new TurnSlot(await this.load(key), this.clock());
      change(slot);
      if (slot.dirty) await this.save(key, slot.snapshot());
    });
  }
}
