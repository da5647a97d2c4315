import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tipsters' contact details and chat ids are encrypted at rest (Decree 13/2023 on personal data):
 * AES-256-GCM with a random nonce, so equal phone numbers give different ciphertexts and a
 * tampered value fails to open instead of decrypting to garbage. Format: v1.<nonce>.<tag>.<data>,
 * base64url, so the key can be rotated later by adding v2.
 */
export class SealedBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SealedBox needs a 32-byte key');
  }

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const [version, nonce, tag, data] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || data === undefined) throw new Error('SealedBox: not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
