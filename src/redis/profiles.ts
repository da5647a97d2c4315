import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import type { Profiles, UserProfile } from '../conversations/ports';

/**
 * A resident's language and group code: all the bot remembers about a person between
 * conversations. A hash per user in Redis (persisted by its append-only file), expiring after a
 * year without use, so nothing about people who left lingers.
 */
export class RedisProfiles implements Profiles {
  constructor(
    private readonly redis: IORedis,
    private readonly ttlSeconds = 365 * 86_400,
  ) {}

  async get(channel: ChannelName, userId: string): Promise<UserProfile> {
    const h = await this.redis.hgetall(key(channel, userId));
    const profile: UserProfile = {};
    if (h.lang === 'vi' || h.lang === 'en') profile.lang = h.lang;
    if (h.joinCode) profile.joinCode = h.joinCode;
    return profile;
  }

  async update(channel: ChannelName, userId: string, patch: UserProfile): Promise<void> {
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined) as [string, string][];
    if (fields.length === 0) return;
    await this.redis.multi().hset(key(channel, userId), Object.fromEntries(fields)).expire(key(channel, userId), this.ttlSeconds).exec();
  }
}

const key = (channel: ChannelName, userId: string) => `profile:${channel}:${userId}`;
