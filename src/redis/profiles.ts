import type IORedis from 'ioredis';
import type { KeyedHash } from '../domain/keyed-hash';
import type { SealedBox } from '../domain/sealed-box';
import { chatKey } from '../domain/chat';
import type { ChannelName } from '../conversations/messages';
import type { Profiles, UserProfile } from '../conversations/ports';
import { hashedKey } from './hashed-keys';

const FIELDS = ['lang', 'joinCode', 'introduced'] as const;

/** A person's profile key, `profile:<keyed hash of channel:userId>` (also what erasure deletes). */
export const profileKey = (hash: KeyedHash, channel: ChannelName, userId: string): string =>
  hashedKey(hash, 'profile', chatKey(channel, userId));

/**
 * A resident's language and group code (and whether the bot has said it is automated): all it remembers about a person between
 * conversations. A hash per user in Redis (persisted by its append-only file), named by a keyed
 * hash of the user (`profile:<hash>`) and with each value sealed, bound to its key and field, so
 * Redis links no user id to a group. It expires after a year without use, so nothing about
 * people who left lingers; `/xoadulieu` deletes it at once.
 */
export class RedisProfiles implements Profiles {
  constructor(
    private readonly redis: IORedis,
    private readonly box: SealedBox,
    private readonly hash: KeyedHash,
    private readonly ttlSeconds = 365 * 86_400,
  ) {}

  redisKey(channel: ChannelName, userId: string): string {
    return profileKey(this.hash, channel, userId);
  }

  async get(channel: ChannelName, userId: string): Promise<UserProfile> {
    const name = this.redisKey(channel, userId);
    const h = await this.redis.hgetall(name);
    const profile: UserProfile = {};
    const lang = this.open(h.lang, name, 'lang');
    if (lang === 'vi' || lang === 'en') profile.lang = lang;
    const joinCode = this.open(h.joinCode, name, 'joinCode');
    if (joinCode) profile.joinCode = joinCode;
    if (this.open(h.introduced, name, 'introduced') === 'true') profile.introduced = true;
    return profile;
  }

  async update(channel: ChannelName, userId: string, patch: UserProfile): Promise<void> {
    const name = this.redisKey(channel, userId);
    const fields = FIELDS.filter((f) => patch[f] !== undefined).map((f) => [f, this.box.seal(String(patch[f]), `${name}#${f}`)]);
    if (fields.length === 0) return;
    await this.redis.multi().hset(name, Object.fromEntries(fields)).expire(name, this.ttlSeconds).exec();
  }

  /** Forgets the person (erasure). */
  async remove(channel: ChannelName, userId: string): Promise<void> {
    await this.redis.del(this.redisKey(channel, userId));
  }

  private open(sealed: string | undefined, name: string, field: string): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.box.open(sealed, `${name}#${field}`);
    } catch {
      return undefined;
    }
  }
}
