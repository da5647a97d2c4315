import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import type { Guards } from '../conversations/ports';

/**
 * Shared limits, kept in Redis so they hold across every bot replica:
 * - each platform update is handled once (Telegram retries webhooks; pollers may re-read);
 * - a person sending more than `floodPer10s` messages in 10 s is told once to slow down, then
 *   ignored until the window passes;
 * - a group sending the bot more than `groupPerMinute` commands a minute (many members at once,
 *   or a raid) is told once that the bot answers privately, then ignored until the minute ends:
 *   a platform delivers only about 20 bot messages a minute into one group, so answering more
 *   would only queue replies and delay the group's broadcasts;
 * - a person may submit at most `casesPerHour` cases an hour, so nobody can fill the database.
 */
export class RedisGuards implements Guards {
  constructor(
    private readonly redis: IORedis,
    private readonly limits: { floodPer10s: number; groupPerMinute: number; casesPerHour: number },
  ) {}

  async firstDelivery(channel: ChannelName, updateId: string): Promise<boolean> {
    return (await this.redis.set(`seen:${channel}:${updateId}`, '1', 'EX', 86_400, 'NX')) === 'OK';
  }

  async flood(channel: ChannelName, userId: string): Promise<'ok' | 'warn' | 'drop'> {
    return this.throttle(`flood:${channel}:${userId}`, 10, this.limits.floodPer10s);
  }

  async groupFlood(channel: ChannelName, chatId: string): Promise<'ok' | 'warn' | 'drop'> {
    return this.throttle(`flood-group:${channel}:${chatId}`, 60, this.limits.groupPerMinute);
  }

  async takeCaseAllowance(channel: ChannelName, userId: string): Promise<boolean> {
    return (await this.countInWindow(`cases:${channel}:${userId}`, 3600)) <= this.limits.casesPerHour;
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
