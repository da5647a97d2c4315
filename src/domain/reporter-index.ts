import { chatKey, type ChannelName } from './chat';
import type { KeyedHash } from './keyed-hash';

/**
 * The blind index of the person who sent a case: a keyed hash of `channel:userId` stored on the
 * case at intake. It lets `/xoadulieu` (and the operator's `scripts/admin erase-user`) find a
 * resident's cases with one query instead of opening every case's sealed chat id, while the
 * database alone still says nothing of who sent what: without KEY_HMAC_SECRET a guessed user id
 * cannot be tested against it. Its own `purpose`, so it matches none of the Redis key names.
 */
export const reporterIndexOf = (hash: KeyedHash, channel: ChannelName, userId: string): string =>
  hash.of('erasure', chatKey(channel, userId));
