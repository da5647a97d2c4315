import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';

/**
 * Spaces messages into one chat across every worker replica: Telegram allows about one message a
 * second into a private chat and twenty a minute into a group. `reserve` claims the next slot
 * atomically (a Redis key that lives for the interval) and returns 0, or how many ms to wait.
 */
export class ChatPacer {
  constructor(
    private readonly redis: IORedis,
    private readonly intervalMs: (channel: ChannelName, chatId: string) => number,
  ) {}

  async reserve(channel: ChannelName, chatId: string): Promise<number> {
    const interval = this.intervalMs(channel, chatId);
    if (interval <= 0) return 0;
    const key = `pace:${channel}:${chatId}`;
    if ((await this.redis.set(key, '1', 'PX', interval, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.redis.pttl(key));
  }
}
