import { createHmac } from 'node:crypto';

/**
 * A keyed hash (HMAC-SHA-256, cut to 128 bits) of a chat or a person, for names that must be found
 * again but must not say who: Redis keys (`chat:<hash>` instead of `chat:telegram:7301957`) and the
 * blind index that finds a resident's cases for erasure without decrypting every case. The secret
 * (KEY_HMAC_SECRET) is not the contact key: whoever reads Redis cannot test a guessed chat id
 * against a key name without it, and rotating the contact key leaves every key name where it is.
 * `purpose` keeps the hashes of one chat unrelated across uses (a Redis key and a database index).
 */
export class KeyedHash {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('KeyedHash needs a secret of at least 32 bytes');
  }

  of(purpose: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\u0000${value}`).digest().subarray(0, 16).toString('base64url');
  }
}
