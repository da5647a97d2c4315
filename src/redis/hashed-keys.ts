import type { KeyedHash } from '../domain/keyed-hash';

/**
 * The one way a Redis key about a chat or a person is named: `<prefix>:<keyed hash of channel:id>`
 * (domain/keyed-hash.ts). Whoever reads Redis, or its append-only file, sees no chat or user id in
 * a key name and cannot find a known person's keys without KEY_HMAC_SECRET.
 */
export const hashedKey = (hash: KeyedHash, prefix: string, chatKey: string): string => `${prefix}:${hash.of('redis', chatKey)}`;
