import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Tipsters' contact details, chat ids and everything Redis keeps of a conversation are encrypted at
 * rest (Decree 13/2023 on personal data): AES-256-GCM with a random nonce, so equal phone numbers
 * give different ciphertexts and a tampered value fails to open instead of decrypting to garbage.
 *
 * Format `v2.<key id>.<nonce>.<tag>.<data>` (base64url). The key id lets several keys be loaded at
 * once: values open with whichever key sealed them and are always sealed with the newest, so a key
 * is rotated by adding a new one, and `scripts/admin rotate-key` re-seals what is stored with it (src/cli/rotate-key.ts). The associated data
 * (`aad`: the Redis key name, or the record and field) binds a value to where it is stored, so a
 * sealed phone number copied into another case or field does not open there. `v1.<nonce>.<tag>.<data>`
 * values (no key id, no associated data) written before still open, with any loaded key.
 */
export class SealedBox {
  private readonly keys: { id: string; key: Buffer }[];

  /** `keys`: the newest first; the others only open what they sealed. */
  constructor(keys: Buffer | readonly Buffer[]) {
    const list = Buffer.isBuffer(keys) ? [keys] : [...keys];
    if (list.length === 0) throw new Error('SealedBox needs a key');
    for (const k of list) if (k.length !== 32) throw new Error('SealedBox needs 32-byte keys');
    this.keys = list.map((key) => ({ id: keyIdOf(key), key }));
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  seal(plain: string, aad = ''): string {
    const { id, key } = this.keys[0];
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v2', id, ...[nonce, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join('.');
  }

  open(sealed: string, aad = ''): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, id, nonce, tag, data] = parts;
      const entry = this.keys.find((k) => k.id === id);
      if (!entry) throw new Error('SealedBox: sealed with a key that is not loaded');
      return decrypt(entry.key, nonce, tag, data, aad);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, nonce, tag, data] = parts;
      for (const { key } of this.keys) {
        try {
          return decrypt(key, nonce, tag, data, null);
        } catch {
          // another loaded key may have sealed it
        }
      }
      throw new Error('SealedBox: no loaded key opens this value');
    }
    throw new Error('SealedBox: not a sealed value');
  }

  /**
   * Bytes (evidence files) sealed the same way, as bytes: `v`, 2, the key id's length and the key id,
   * the nonce (12), the tag (16), the data. No base64: a 10 MB photo stays 10 MB at rest.
   */
  sealBytes(plain: Buffer, aad = ''): Buffer {
    const { id, key } = this.keys[0];
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    const keyId = Buffer.from(id, 'latin1');
    return Buffer.concat([Buffer.from([0x76, 2, keyId.length]), keyId, nonce, cipher.getAuthTag(), data]);
  }

  openBytes(sealed: Buffer, aad = ''): Buffer {
    if (sealed.length < 3 || sealed[0] !== 0x76 || sealed[1] !== 2) throw new Error('SealedBox: not sealed bytes');
    const idEnd = 3 + sealed[2];
    const id = sealed.subarray(3, idEnd).toString('latin1');
    const entry = this.keys.find((k) => k.id === id);
    if (!entry) throw new Error('SealedBox: sealed with a key that is not loaded');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, sealed.subarray(idEnd, idEnd + 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(idEnd + 12, idEnd + 28));
    return Buffer.concat([decipher.update(sealed.subarray(idEnd + 28)), decipher.final()]);
  }

  /** True when the value is already sealed with the newest key (rotation leaves it alone). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.currentKeyId}.`);
  }

  /** True when the bytes are already sealed with the newest key. */
  isCurrentBytes(sealed: Buffer): boolean {
    const id = Buffer.from(this.currentKeyId, 'latin1');
    return (
      sealed.length >= 3 + id.length &&
      sealed[0] === 0x76 &&
      sealed[1] === 2 &&
      sealed[2] === id.length &&
      sealed.subarray(3, 3 + id.length).equals(id)
    );
  }

  /** The bytes sealed again with the newest key, or the same buffer when they already are. */
  resealBytes(sealed: Buffer, aad = ''): Buffer {
    return this.isCurrentBytes(sealed) ? sealed : this.sealBytes(this.openBytes(sealed, aad), aad);
  }

  /** The value sealed again with the newest key, or the same string when it already is. */
  reseal(sealed: string, aad = '', openAad = aad): string {
    return this.isCurrent(sealed) ? sealed : this.seal(this.open(sealed, openAad), aad);
  }
}

/** A key's public name: a hash of it, so the id says nothing of the key and never needs configuring. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('totuquan-key-id:').update(key).digest('base64url').slice(0, 8);
}

function decrypt(key: Buffer, nonce: string, tag: string, data: string, aad: string | null): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  if (aad !== null) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
