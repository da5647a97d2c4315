/**
 * Word-level helpers shared by everything that reads residents' text (the understanding of
 * messages, the FAQ): typing slips of Telex input, and how far apart two spellings are.
 */

/**
 * What a folded word may have been before a Telex input method failed to turn it into Vietnamese:
 * tone keys left at the end ("tamj", "truws"), doubled vowels ("vieet"), "dd" for đ, "w" for ư/ơ/ă.
 */
export function telexVariants(token: string): string[] {
  const out = new Set<string>();
  let base = token;
  if (base.length >= 3 && /[aeiouyw]/.test(base.slice(0, -1)) && /[sfrxj]$/.test(base)) base = base.slice(0, -1);
  const cleaned = base
    .replace(/dd/g, 'd')
    .replace(/aa/g, 'a')
    .replace(/ee/g, 'e')
    .replace(/oo/g, 'o')
    .replace(/([aou])w/g, '$1')
    .replace(/w/g, 'u');
  if (base !== token) out.add(base);
  if (cleaned !== token) out.add(cleaned);
  return [...out];
}

/** Optimal string alignment distance (a swap of two letters is one edit); stops early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return rowMin;
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}
