import type { Scored } from './naive-bayes';

/**
 * Two readers' probabilities averaged, `weight` for the first: naive Bayes and the regression err
 * on different messages (Bayes trusts a rare word, the regression the words that set labels apart),
 * so their average is right more often than either (scripts/cv-understanding.ts). Labels only one
 * reader knows keep their share; the result sums to 1 when both inputs do. Ties keep the first
 * reader's order.
 */
export function blend<L extends string>(first: readonly Scored<L>[], second: readonly Scored<L>[], weight: number): Scored<L>[] {
  const sum = new Map<L, number>();
  for (const s of first) sum.set(s.label, weight * s.p);
  for (const s of second) sum.set(s.label, (sum.get(s.label) ?? 0) + (1 - weight) * s.p);
  return [...sum.entries()].map(([label, p]) => ({ label, p })).sort((a, b) => b.p - a.p);
}
