/**
 * A multinomial naive Bayes text classifier: counts of features per label, add-α smoothing, and
 * posteriors by the log-sum-exp of the scores. Written here rather than taken from npm: it is forty
 * lines, the features are ours (Vietnamese folded and typed words, pairs, letter triples), and what
 * it needs to be (deterministic, built in milliseconds from the corpus, no I/O, no state outside
 * the object) is easiest to see in forty lines. The npm classifiers seen (natural's BayesClassifier,
 * bayes) tokenise English themselves and are asynchronous or keep global state.
 */
export interface Scored<L extends string> {
  label: L;
  /** Posterior probability, 0–1; the scores of all labels sum to 1. */
  p: number;
}

export class NaiveBayes<L extends string> {
  private readonly labels: L[] = [];
  private readonly docs = new Map<L, number>();
  private readonly counts = new Map<L, Map<string, number>>();
  private readonly totals = new Map<L, number>();
  private readonly vocabulary = new Set<string>();
  private documents = 0;

  constructor(private readonly alpha = 0.5) {}

  learn(features: readonly string[], label: L): void {
    if (!this.docs.has(label)) {
      this.labels.push(label);
      this.counts.set(label, new Map());
      this.totals.set(label, 0);
      this.docs.set(label, 0);
    }
    this.docs.set(label, this.docs.get(label)! + 1);
    this.documents++;
    const counts = this.counts.get(label)!;
    for (const f of features) {
      counts.set(f, (counts.get(f) ?? 0) + 1);
      this.vocabulary.add(f);
    }
    this.totals.set(label, this.totals.get(label)! + features.length);
  }

  /** Every label with its posterior, most likely first; features never seen in learning are ignored. */
  /**
   * `temperature` above 1 softens the posteriors: naive Bayes counts every feature of a text as
   * independent evidence, so a long text (or one with many word pairs) is read with a certainty it
   * has not earned. Dividing the log scores by a temperature that grows with the text's length is
   * the usual remedy; the ranking is unchanged.
   */
  classify(features: readonly string[], among: readonly L[] = this.labels, temperature = 1): Scored<L>[] {
    const known = features.filter((f) => this.vocabulary.has(f));
    const v = this.vocabulary.size;
    const scores = among
      .filter((l) => this.docs.has(l))
      .map((label) => {
        const counts = this.counts.get(label)!;
        const denominator = Math.log(this.totals.get(label)! + this.alpha * v);
        let score = Math.log(this.docs.get(label)! / this.documents);
        for (const f of known) score += Math.log((counts.get(f) ?? 0) + this.alpha) - denominator;
        return { label, score };
      });
    if (scores.length === 0) return [];
    const top = Math.max(...scores.map((s) => s.score));
    const sum = scores.reduce((acc, s) => acc + Math.exp((s.score - top) / temperature), 0);
    // Ties keep the order labels were first learned in, so the answer never depends on Map order.
    return scores.map((s) => ({ label: s.label, p: Math.exp((s.score - top) / temperature) / sum })).sort((a, b) => b.p - a.p);
  }

  get knownLabels(): readonly L[] {
    return this.labels;
  }
}
