import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import { chatKey } from '../domain/chat';
import type { KeyedHash } from '../domain/keyed-hash';
import { hashedKey } from '../redis/hashed-keys';

/**
 * Claims the next send slot on the platform: slots `interval` apart, by Redis's clock so replicas
 * on hosts with skewed clocks share one timeline. Returns the slot (ms on that clock) and how many
 * ms until it comes.
 */
const NEXT_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', slot + interval - now + 1000)
return { slot, slot - now }
`;

/**
 * Spaces messages across every worker replica, in two ways:
 * - into one chat: Telegram allows about one message a second into a private chat and twenty a
 *   minute into a group. `reserve` claims the chat's next slot atomically (a Redis key that lives
 *   for the interval) and returns 0, or how many ms to wait (the job is put back as delayed);
 * - on the whole platform: `platformSlot` hands out slots evenly spaced at the configured rate.
 *   BullMQ's limiter counts jobs per fixed window, so 25 at the end of one second and 25 at the
 *   start of the next are 50 in one sliding second, and Telegram answered the 5,000-group
 *   benchmark's bursts with 429s although 25/s is under its 30/s. Evenly spaced, no second holds
 *   more than the rate. The waits are short (concurrency × spacing), so the job waits in place.
 * - for bulk sends (broadcast deliveries): `bulkSlot` hands out slots at the broadcast's own
 *   rate, below the platform's, before the platform slot. The platform's timeline is shared with
 *   the bot's replies and the officers' alerts, and Telegram counts them all towards its 30 a
 *   second: a broadcast at the full platform rate left them no room, so the bot's replies went
 *   over the limit and the 429 paused every alert behind it (the mixed-day benchmark). With the
 *   broadcast below the platform rate, replies and alerts take the slots it leaves; when they
 *   need more, the broadcast waits for them, as it should.
 * A chat's key is named by its keyed hash (`pace:<hash>`): residents' chats get notices too.
 */
export class ChatPacer {
  constructor(
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly intervalMs: (channel: ChannelName, chatId: string) => number,
    /** Spacing of all sends on the platform (1000 / rate); 0 for none. */
    private readonly platformIntervalMs: (channel: ChannelName) => number = () => 0,
    /** Spacing of bulk sends (1000 / the broadcast rate); 0 for none. */
    private readonly bulkIntervalMs: (channel: ChannelName) => number = () => 0,
  ) {}

  async reserve(channel: ChannelName, chatId: string): Promise<number> {
    const interval = this.intervalMs(channel, chatId);
    if (interval <= 0) return 0;
    const key = hashedKey(this.hash, 'pace', chatKey(channel, chatId));
    if ((await this.redis.set(key, '1', 'PX', interval, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.redis.pttl(key));
  }

  /** Waits for this send's slot on the platform. */
  async platformSlot(channel: ChannelName): Promise<void> {
    const claimed = await this.claimPlatformSlot(channel);
    if (claimed && claimed.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, claimed.waitMs));
  }

  /** The slot claimed (ms on Redis's clock) and the wait until it; null when the platform is not paced. */
  claimPlatformSlot(channel: ChannelName): Promise<{ slot: number; waitMs: number } | null> {
    return this.claim(`pace-platform:${channel}`, this.platformIntervalMs(channel));
  }

  /** Waits for a bulk send's slot (a broadcast delivery), then for its platform slot. */
  async bulkSlot(channel: ChannelName): Promise<void> {
    const claimed = await this.claim(`pace-bulk:${channel}`, this.bulkIntervalMs(channel));
    if (claimed && claimed.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, claimed.waitMs));
  }

  /** Slots are whole milliseconds on Redis's clock: a rate above 1,000 a second is not paced at all. */
  private async claim(key: string, intervalMs: number): Promise<{ slot: number; waitMs: number } | null> {
    if (!(intervalMs >= 1)) return null;
    const [slot, waitMs] = (await this.redis.eval(NEXT_SLOT, 1, key, Math.round(intervalMs))) as [number, number];
    return { slot, waitMs };
  }
}
