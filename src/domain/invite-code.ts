import { createHash, randomBytes } from 'node:crypto';

/**
 * Officers' one-time invite codes: 12 characters of A-Z and 2-9 (no 0/O, 1/I: read aloud or copied
 * from paper, they are not mistaken), about 60 bits, spent once and for a few days at most. Kept
 * only as a SHA-256 of the code as typed back (spaces, dashes and case ignored).
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newInviteCode(): string {
  return [...randomBytes(12)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The code as the officer typed it, reduced to its characters: "abcd-efgh ijkl" → "ABCDEFGHIJKL". */
export function normaliseInviteCode(typed: string): string {
  return typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function inviteCodeHash(code: string): string {
  return createHash('sha256').update(normaliseInviteCode(code)).digest('hex');
}
