import type IORedis from 'ioredis';
import type { OutboundMessage } from '../conversations/messages';
import { chatKey, type ChannelName } from '../domain/chat';
import type { KeyedHash } from '../domain/keyed-hash';
import type { SealedBox } from '../domain/sealed-box';
import { hashedKey } from './hashed-keys';

/** A reply held back while the platform refused to send (Zalo's spent quota), and when it was said. */
export interface HeldReply {
  at: number;
  message: OutboundMessage;
}

/** Clears the chat's "a sender job exists" flag, atomically, only when nothing is left to send. */
const FINISH_IF_EMPTY = "if redis.call('LLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) return 1 end return 0";

/**
 * Replies to a chat held back while Zalo's quota is spent, to be sent in order once it takes
 * messages again (outbox/held-replies-processor.ts). One Redis list a chat, oldest first, each entry
 * sealed (it holds what the bot said to a resident), under a keyed-hash name (redis/hashed-keys.ts)
 * that says nothing of the chat; and beside it a flag that one outbox job is on its way for that
 * chat, so there is only ever one sender per chat and the order holds. Both expire a while after
 * the oldest entry could still be sent (`maxAgeMs`): what is older is dropped, not sent.
 */
export class RedisHeldReplies {
  constructor(
    private readonly redis: IORedis,
    private readonly box: SealedBox,
    private readonly hash: KeyedHash,
    /** Replies older than this are dropped instead of sent (ZALO_HELD_REPLY_MAX_AGE_MS). */
    readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Appends the replies, in order. True when no sender job was on its way for this chat: the
   * caller queues one (with the chat sealed in it).
   */
  async hold(channel: ChannelName, chatId: string, messages: readonly OutboundMessage[]): Promise<boolean> {
    if (messages.length === 0) return false;
    const at = this.clock();
    const entries = messages.map((message) => this.box.seal(JSON.stringify({ at, message } satisfies HeldReply)));
    const ttl = this.maxAgeMs * 2;
    const [list, flag] = this.keys(channel, chatId);
    const result = await this.redis
      .multi()
      .rpush(list, ...entries)
      .pexpire(list, ttl)
      .set(flag, '1', 'PX', ttl, 'NX')
      .exec();
    return result?.[2]?.[1] === 'OK';
  }

  /** True while replies wait for this chat: a new reply must go behind them, not before. */
  async pending(channel: ChannelName, chatId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(channel, chatId)[0])) === 1;
  }

  /** The oldest reply waiting, left in place until `shift` (so a crash mid-send loses nothing). */
  async first(channel: ChannelName, chatId: string): Promise<HeldReply | null> {
    const sealed = await this.redis.lindex(this.keys(channel, chatId)[0], 0);
    return sealed === null ? null : (JSON.parse(this.box.open(sealed)) as HeldReply);
  }

  /** Removes the oldest reply (sent, given up, or too old). */
  async shift(channel: ChannelName, chatId: string): Promise<void> {
    await this.redis.lpop(this.keys(channel, chatId)[0]);
  }

  /** True, and the chat's sender flag cleared, when nothing is left; false when a reply came in meanwhile. */
  async finishIfEmpty(channel: ChannelName, chatId: string): Promise<boolean> {
    const [list, flag] = this.keys(channel, chatId);
    return (await this.redis.eval(FINISH_IF_EMPTY, 2, list, flag)) === 1;
  }

  /** Everything held for the chat goes (its sender job gave up); the count of replies dropped. */
  async clear(channel: ChannelName, chatId: string): Promise<number> {
    const [list, flag] = this.keys(channel, chatId);
    const result = await this.redis.multi().llen(list).del(list, flag).exec();
    return Number(result?.[0]?.[1] ?? 0);
  }

  isTooOld(reply: HeldReply): boolean {
    return this.clock() - reply.at > this.maxAgeMs;
  }

  private keys(channel: ChannelName, chatId: string): [list: string, flag: string] {
    const name = chatKey(channel, chatId);
    return [hashedKey(this.hash, 'held-replies', name), hashedKey(this.hash, 'held-replies-job', name)];
  }
}
