import type { Scored } from './naive-bayes';

/**
 * A multinomial logistic regression (softmax) over sparse text features, trained by stochastic
 * gradient descent with L2 weight decay. Written here, like naive-bayes.ts, because what it must be
 * (deterministic to the last bit, built synchronously in a few hundred milliseconds from our own
 * Vietnamese features, no I/O, no global state) is short to write and to check, and the npm
 * regressions seen either train asynchronously on tensors (TensorFlow.js, brain.js) or take dense
 * arrays of numbers and bring their own tokenising.
 *
 * Each text is a set of features (binary: a word said twice is no surer), weighted by its inverse
 * document frequency and scaled to unit length, so long and short messages weigh alike.
 */
export interface SoftmaxOptions {
  /** Passes over the examples. */
  epochs: number;
  /** L2 weight decay per example. */
  lambda: number;
  /** The learning rate at the start; it decays as 1 / (1 + rate·lambda·t). */
  rate: number;
  /** Seed of the shuffle of each pass: the same seed, the same model. */
  seed: number;
}

export const SOFTMAX_DEFAULTS: SoftmaxOptions = { epochs: 12, lambda: 1e-4, rate: 0.5, seed: 13 };

/** A small, well-mixed pseudo-random generator (mulberry32): Math.random would make every build differ. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The probability of each of the k labels for one text (into `out`), the true weights being scale · weights. */
function probabilities(
  weights: Float64Array,
  bias: Float64Array,
  scale: number,
  k: number,
  index: Int32Array,
  value: Float64Array,
  out: Float64Array,
): void {
  out.fill(0);
  for (let j = 0; j < index.length; j++) {
    const at = index[j] * k;
    const x = value[j];
    for (let c = 0; c < k; c++) out[c] += weights[at + c] * x;
  }
  let top = -Infinity;
  for (let c = 0; c < k; c++) {
    out[c] = out[c] * scale + bias[c];
    if (out[c] > top) top = out[c];
  }
  let sum = 0;
  for (let c = 0; c < k; c++) sum += out[c] = Math.exp(out[c] - top);
  for (let c = 0; c < k; c++) out[c] /= sum;
}

interface Vector {
  index: Int32Array;
  value: Float64Array;
}

export class SoftmaxRegression<L extends string> {
  private readonly labels: L[] = [];
  private readonly featureIndex = new Map<string, number>();
  private idf = new Float64Array(0);
  /**
   * Weights, feature-major: weights[feature * labels + label], so one feature's weights for every
   * label sit together (the loops read them in that order).
   */
  private weights = new Float64Array(0);
  private bias = new Float64Array(0);

  constructor(
    examples: readonly { features: readonly string[]; label: L }[],
    private readonly options: SoftmaxOptions = SOFTMAX_DEFAULTS,
  ) {
    const df: number[] = [];
    const labelIndex = new Map<L, number>();
    const rows = examples.map(({ features, label }) => {
      if (!labelIndex.has(label)) {
        labelIndex.set(label, this.labels.length);
        this.labels.push(label);
      }
      const seen = new Set<number>();
      for (const f of features) {
        let i = this.featureIndex.get(f);
        if (i === undefined) {
          i = this.featureIndex.size;
          this.featureIndex.set(f, i);
          df.push(0);
        }
        if (!seen.has(i)) {
          seen.add(i);
          df[i]++;
        }
      }
      return { features: [...seen], label: labelIndex.get(label)! };
    });
    const n = examples.length;
    this.idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    const vectors = rows.map((r) => this.weigh(r.features));
    this.train(
      vectors,
      rows.map((r) => r.label),
    );
  }

  private weigh(indices: readonly number[]): Vector {
    const index = Int32Array.from(indices);
    const value = Float64Array.from(indices, (i) => this.idf[i]);
    const norm = Math.sqrt(value.reduce((s, v) => s + v * v, 0)) || 1;
    for (let j = 0; j < value.length; j++) value[j] /= norm;
    return { index, value };
  }

  private train(vectors: Vector[], targets: number[]): void {
    const { epochs, lambda, rate, seed } = this.options;
    const k = this.labels.length;
    // Locals rather than fields in the loops below: they are most of the build.
    const weights = new Float64Array(k * this.featureIndex.size);
    const bias = new Float64Array(k);
    let scale = 1;
    const next = random(seed);
    const order = vectors.map((_, i) => i);
    const p = new Float64Array(k);
    let t = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      // Fisher–Yates with the seeded generator: a fixed order per pass, a different one each pass.
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (const e of order) {
        const eta = rate / (1 + rate * lambda * t++);
        const { index, value } = vectors[e];
        probabilities(weights, bias, scale, k, index, value, p);
        // Weight decay on every weight at once, by shrinking the shared scale; folded back into
        // the weights when it gets small so they stay in range.
        scale *= 1 - eta * lambda;
        if (scale < 1e-6) {
          for (let i = 0; i < weights.length; i++) weights[i] *= scale;
          scale = 1;
        }
        p[targets[e]] -= 1; // now the gradient of the loss by each label's score
        const step = eta / scale;
        for (let j = 0; j < index.length; j++) {
          const at = index[j] * k;
          const x = step * value[j];
          for (let c = 0; c < k; c++) weights[at + c] -= x * p[c];
        }
        for (let c = 0; c < k; c++) bias[c] -= eta * p[c];
      }
    }
    for (let i = 0; i < weights.length; i++) weights[i] *= scale;
    this.weights = weights;
    this.bias = bias;
  }

  /** Every label with its probability, most likely first; features never seen in learning are ignored. */
  classify(features: readonly string[]): Scored<L>[] {
    const known = new Set<number>();
    for (const f of features) {
      const i = this.featureIndex.get(f);
      if (i !== undefined) known.add(i);
    }
    const p = new Float64Array(this.labels.length);
    const { index, value } = this.weigh([...known]);
    probabilities(this.weights, this.bias, 1, this.labels.length, index, value, p);
    // A stable sort: ties keep the order labels were first seen in.
    return this.labels.map((label, c) => ({ label, p: p[c] })).sort((a, b) => b.p - a.p);
  }
}
