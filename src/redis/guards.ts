import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import type { Guards } from '../conversations/ports';

/**
 * Shared limits, kept in Redis so they hold across every bot replica:
 * - each platform update is handled once (Telegram retries webhooks; pollers may re-read);
 * - a person sending more than `floodPer10s` messages in 10 s is told once to slow down, then
 *   ignored until the window passes;
 * - a person may submit at most `casesPerHour` cases an hour, so nobody can fill the database.
 */
export class RedisGuards implements Guards {
  constructor(
    private readonly redis: IORedis,
    private readonly limits: { floodPer10s: number; casesPerHour: number },
  ) {}

  async firstDelivery(channel: ChannelName, updateId: string): Promise<boolean> {
    return (await this.redis.set(`seen:${channel}:${updateId}`, '1', 'EX', 86_400, 'NX')) === 'OK';
  }

  async flood(channel: ChannelName, userId: string): Promise<'ok' | 'warn' | 'drop'> {
    const count = await this.countInWindow(`flood:${channel}:${userId}`, 10);
    if (count <= this.limits.floodPer10s) return 'ok';
    return count === this.limits.floodPer10s + 1 ? 'warn' : 'drop';
  }

  async takeCaseAllowance(channel: ChannelName, userId: string): Promise<boolean> {
    return (await this.countInWindow(`cases:${channel}:${userId}`, 3600)) <= this.limits.casesPerHour;
  }

  /** Fixed window counter: INCR and set the expiry on the first hit, in one round trip. */
  private async countInWindow(key: string, seconds: number): Promise<number> {
    const result = await this.redis.multi().incr(key).expire(key, seconds, 'NX').exec();
    return Number(result?.[0]?.[1] ?? 0);
  }
}
