import type IORedis from 'ioredis';
import { chatKey } from '../domain/chat';
import type { KeyedHash } from '../domain/keyed-hash';
import type { ChannelName } from '../conversations/messages';
import type { Guards } from '../conversations/ports';
import { hashedKey } from './hashed-keys';

/**
 * Shared limits, kept in Redis so they hold across every bot replica:
 * - each platform update is handled once (Telegram retries webhooks; pollers may re-read): marked
 *   when its handling has finished, not when it arrives, so one cut short is handled again;
 * - a person sending more than `floodPer10s` messages in 10 s is told once to slow down, then
 *   ignored until the window passes;
 * - a group sending the bot more than `groupPerMinute` commands a minute (many members at once,
 *   or a raid) is told once that the bot answers privately, then ignored until the minute ends:
 *   a platform delivers only about 20 bot messages a minute into one group, so answering more
 *   would only queue replies and delay the group's broadcasts;
 * - a person may submit at most `casesPerHour` cases an hour, so nobody can fill the database.
 * Every key is named by a keyed hash of the person, group or update (redis/hashed-keys.ts), never
 * by their id. The hourly case count is a clock hour, the same window for everyone: a counter that
 * started with a person's first case would, by its expiry, tell when they sent it.
 */
export class RedisGuards implements Guards {
  constructor(
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly limits: { floodPer10s: number; groupPerMinute: number; casesPerHour: number },
    private readonly clock: () => number = Date.now,
  ) {}

  async handled(channel: ChannelName, updateId: string): Promise<boolean> {
    return (await this.redis.exists(this.seenKey(channel, updateId))) === 1;
  }

  async markHandled(channel: ChannelName, updateId: string): Promise<void> {
    // A day: longer than any platform redelivers, or the inbox retries, an update.
    await this.redis.set(this.seenKey(channel, updateId), '1', 'EX', 86_400);
  }

  /** Zalo's update ids may hold the chat id (zalo/normalise.ts), so this key is hashed too. */
  private seenKey(channel: ChannelName, updateId: string): string {
    return hashedKey(this.hash, 'seen', chatKey(channel, updateId));
  }

  async flood(channel: ChannelName, userId: string): Promise<'ok' | 'warn' | 'drop'> {
    return this.throttle(hashedKey(this.hash, 'flood', chatKey(channel, userId)), 10, this.limits.floodPer10s);
  }

  async groupFlood(channel: ChannelName, chatId: string): Promise<'ok' | 'warn' | 'drop'> {
    return this.throttle(hashedKey(this.hash, 'flood-group', chatKey(channel, chatId)), 60, this.limits.groupPerMinute);
  }

  async takeCaseAllowance(channel: ChannelName, userId: string): Promise<boolean> {
    const hour = Math.floor(this.clock() / 3_600_000);
    const key = `${hashedKey(this.hash, 'cases', chatKey(channel, userId))}:${hour}`;
    const result = await this.redis
      .multi()
      .incr(key)
      .pexpireat(key, (hour + 1) * 3_600_000)
      .exec();
    return Number(result?.[0]?.[1] ?? 0) <= this.limits.casesPerHour;
  }

  /** Within the limit; one warning on the first message over it; silence after that. */
  private async throttle(key: string, seconds: number, limit: number): Promise<'ok' | 'warn' | 'drop'> {
    const count = await this.countInWindow(key, seconds);
    if (count <= limit) return 'ok';
    return count === limit + 1 ? 'warn' : 'drop';
  }

  /** Fixed window counter: INCR and set the expiry on the first hit, in one round trip. */
  private async countInWindow(key: string, seconds: number): Promise<number> {
    const result = await this.redis.multi().incr(key).expire(key, seconds, 'NX').exec();
    return Number(result?.[0]?.[1] ?? 0);
  }
}
