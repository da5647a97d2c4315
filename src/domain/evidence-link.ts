import type { KeyedHash } from './keyed-hash';

/**
 * Short-lived links to our copy of a file, for platforms that take a photo by URL only (Zalo's
 * sendPhoto): `<base>/evidence/<id>?exp=<unix ms>&sig=<HMAC>`. The HMAC (KEY_HMAC_SECRET, its own
 * purpose) covers the id and the expiry, so a link cannot be stretched or pointed at another file;
 * the id is random and says nothing of the case or the sender.
 */
export class EvidenceLinks {
  constructor(
    private readonly hash: KeyedHash,
    private readonly baseUrl: string,
    private readonly ttlMs: number,
  ) {}

  url(evidenceId: string, now = Date.now()): string {
    const exp = now + this.ttlMs;
    return `${this.baseUrl}/evidence/${encodeURIComponent(evidenceId)}?exp=${exp}&sig=${this.signature(evidenceId, exp)}`;
  }

  /** True when `sig` is ours for this id and expiry, and the expiry has not passed. */
  valid(evidenceId: string, exp: string | undefined, sig: string | undefined, now = Date.now()): boolean {
    if (!exp || !sig || !/^\d{1,15}$/.test(exp) || Number(exp) < now) return false;
    return sameString(this.signature(evidenceId, Number(exp)), sig);
  }

  private signature(evidenceId: string, exp: number): string {
    return this.hash.of('evidence-link', `${evidenceId}.${exp}`);
  }
}

/** Compares in time that does not depend on where the strings differ. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
