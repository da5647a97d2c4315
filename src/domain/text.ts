/**
 * Vietnamese text as residents really type it: with or without diacritics, in NFC or decomposed
 * form (some input methods send combining marks), with Telex leftovers and stray spaces. Every
 * comparison the bot makes goes through `fold`, so "cháy nhà", "chay nha" and "CHÁY  NHÀ" match.
 */

/** NFC plus trimmed, so what we store and show is canonical. */
export function normalise(text: string): string {
  return text.normalize('NFC').trim();
}

/** Lower case, no diacritics (đ → d), punctuation to spaces, single spaces. For matching only. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** True when the folded text contains the folded phrase as whole words. */
export function containsPhrase(foldedText: string, foldedPhrase: string): boolean {
  return ` ${foldedText} `.includes(` ${foldedPhrase} `);
}

/** Cuts text to at most `max` characters without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
