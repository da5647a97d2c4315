/**
 * Usage: node --import tsx scripts/cv-understanding.ts [--folds 5] [--only NAME,...] [--misread LABEL,...]
 *
 * Chooses the intent reader's model and features by k-fold cross-validation on the TRAIN part of
 * the corpus only: the held-out part (`"set": "test"`) is never read here, so choosing by these
 * figures tunes nothing on it. Folds are stratified by label and fixed (the n-th example of each
 * label goes to fold n mod k), so every run compares the candidates on the same splits. Prints, per
 * candidate, the share of labels right (intent and category or FAQ topic), of intents right, how
 * often readings of each confidence band are right (what the flows' thresholds act on), and the
 * build time of one model. With the chosen reader (`understander`), also the emergency recall and
 * false alarms of the whole Understander (rules and learned alarm) on the folds. With `--misread`,
 * also every train example of those labels (expected or read as) that its fold misread, to see
 * where the corpus' own labels disagree.
 */
import { performance } from 'node:perf_hooks';
import { blend } from '../src/domain/understanding/blend';
import type { Example } from '../src/domain/understanding/corpus';
import { NaiveBayes, type Scored } from '../src/domain/understanding/naive-bayes';
import { SoftmaxRegression, SOFTMAX_DEFAULTS, type SoftmaxOptions } from '../src/domain/understanding/softmax-regression';
import { featuresOf, letterGrams, wordsOf } from '../src/domain/understanding/tokens';
import { labelOf, Understander } from '../src/domain/understanding/understand';
import { fold } from '../src/domain/text';
import { editDistance } from '../src/domain/words';
import { readCorpus } from '../src/i18n/understanding';

interface Candidate {
  name: string;
  build(train: readonly Example[]): (text: string) => Scored<string>[];
}

const noTriples = (f: readonly string[]) => f.filter((x) => !x.startsWith('c:'));

function naiveBayes(name: string, alpha: number, features: (t: string) => string[]): Candidate {
  return {
    name,
    build(train) {
      const nb = new NaiveBayes<string>(alpha);
      for (const e of train) nb.learn(features(e.text), labelOf(e));
      return (text) => {
        const f = features(text);
        return nb.classify(f, undefined, Math.max(1, f.length / 2));
      };
    },
  };
}

function softmax(name: string, features: (t: string) => string[], options: Partial<SoftmaxOptions> = {}): Candidate {
  return {
    name,
    build(train) {
      const model = new SoftmaxRegression(
        train.map((e) => ({ features: features(e.text), label: labelOf(e) })),
        { ...SOFTMAX_DEFAULTS, ...options },
      );
      return (text) => model.classify(features(text));
    },
  };
}

/** The chosen reader, as the bot builds it: the whole Understander (also its emergency reader). */
const understander: Candidate = {
  name: 'understander',
  build(train) {
    const u = new Understander(train);
    return (text) => {
      const r = u.understand(text);
      return [r, ...r.alternatives].map((x) => ({ label: labelOf(x), p: x.confidence }));
    };
  },
};

const words = (t: string) => noTriples(featuresOf(t));
const wordsAndTriples = (t: string) => featuresOf(t);
const wordsAndGrams = (t: string) => [...noTriples(featuresOf(t)), ...letterGrams(t)];

function blended(name: string, a: Candidate, b: Candidate, weight = 0.5): Candidate {
  return {
    name,
    build(train) {
      const [ra, rb] = [a.build(train), b.build(train)];
      return (text) => blend(ra(text), rb(text), weight);
    },
  };
}

const unique = (f: (t: string) => string[]) => (t: string) => [...new Set(f(t))];

const nbWords = naiveBayes('nb words', 0.1, words);
const lrWords = (lambda: number, epochs: number, rate = SOFTMAX_DEFAULTS.rate) =>
  softmax(`lr words λ${lambda} ${epochs} epochs rate ${rate}`, words, { lambda, epochs, rate });
/** Letter grams of the folded words, 3 to 5 letters with the word's edges (the fifth round's try). */
const wordsAndWordGrams = (t: string) => [
  ...words(t),
  ...wordsOf(t).folded.flatMap((w) => {
    const s = ` ${w} `;
    const out: string[] = [];
    for (const n of [3, 4, 5]) for (let i = 0; i + n <= s.length && s.length > n; i++) out.push(`g:${s.slice(i, i + n)}`);
    return out;
  }),
];

/**
 * Seventh round (issue 13): other features and other ways to train the same reader, each beside
 * the reader as it is (`7 current`: 83.9 % of labels, 92.2 % of intents, on the sixth round's
 * corpus). None was kept: a question mark and the first and last words 83.6 % (intents 92.7 %);
 * word pairs one word apart 83.3 %; word triples 82.9 %; numbers by kind (an amount, a phone, an
 * hour, a house number) 83.9 %; typos read back to the commonest training word an edit away
 * 84.0 % (with their pairs 83.9 %); training copies without diacritics 83.7 %; copies with a
 * fifth or a third of the words left out 83.5 %; intent first, then the category within it,
 * 83.5 %; three regressions of different seeds averaged 84.2 % for 2.7 times the build; supervised term
 * weights in the regression (idf times ½ + 1 − the entropy of the labels a feature is seen with,
 * tried with the regression's options patched and not kept in code) 83.7–84.2 %. Every
 * change of reader since the fifth round lands within half a point: what is left is in the data.
 * English stems (english-stem.ts) read 84.2 % (intents 92.3 %), the English examples 73.7 % → 75.8 %
 * of labels: they are kept, and `7 current` is now the reader with them.
 */
const SEVENTH: Candidate[] = (() => {
  const current = (name: string, features: (t: string) => string[], augment?: (train: readonly Example[]) => Example[]) => {
    const nb = naiveBayes('nb', 0.1, features);
    const lr = softmax('lr', features, { lambda: 5e-6, epochs: 8, rate: 4 });
    const b = blended(name, nb, lr, 2 / 3);
    return augment ? { name, build: (train: readonly Example[]) => b.build(augment(train)) } : b;
  };
  const shape = (t: string) => {
    const f = wordsOf(t).folded;
    const out: string[] = [];
    if (t.includes('?')) out.push('p:?');
    if (f.length > 0) out.push(`s:${f[0]}`, `e:${f[f.length - 1]}`);
    if (f.length > 1) out.push(`e2:${f[f.length - 2]}_${f[f.length - 1]}`);
    return out;
  };
  const skips = (t: string) => {
    const f = wordsOf(t).folded;
    const out: string[] = [];
    for (let i = 0; i + 2 < f.length; i++) out.push(`k:${f[i]}_${f[i + 2]}`);
    return out;
  };
  const triples = (t: string) => {
    const f = wordsOf(t).folded;
    const out: string[] = [];
    for (let i = 0; i + 2 < f.length; i++) out.push(`t:${f[i]}_${f[i + 1]}_${f[i + 2]}`);
    return out;
  };
  const foldedCopies = (train: readonly Example[]) => [
    ...train,
    ...train
      .filter(
        (e) =>
          fold(e.text) !==
          e.text
            .normalize('NFC')
            .toLowerCase()
            .replace(/[^\p{L}\p{N}]+/gu, ' ')
            .trim(),
      )
      .map((e) => ({ ...e, text: fold(e.text) })),
  ];
  /** Intent first, then the category among that intent's labels: P(label) = P(intent) · P(label | intent). */
  const hierarchical: Candidate = {
    name: '7 hierarchical',
    build(train) {
      const intentOf = (l: string) => l.split(':')[0];
      const flat = current('flat', words).build(train);
      const bayes = new NaiveBayes<string>(0.1);
      for (const e of train) bayes.learn(words(e.text), e.intent);
      const regression = new SoftmaxRegression(
        train.map((e) => ({ features: words(e.text), label: e.intent as string })),
        { ...SOFTMAX_DEFAULTS, lambda: 5e-6, epochs: 8, rate: 4 },
      );
      return (text) => {
        const w = words(text);
        const pi = new Map(
          blend(bayes.classify(w, undefined, Math.max(1, w.length / 2)), regression.classify(w), 2 / 3).map((s) => [s.label, s.p]),
        );
        const f = flat(text);
        const within = new Map<string, number>();
        for (const s of f) within.set(intentOf(s.label), (within.get(intentOf(s.label)) ?? 0) + s.p);
        return f
          .map((s) => ({ label: s.label, p: ((pi.get(intentOf(s.label)) ?? 0) * s.p) / (within.get(intentOf(s.label)) || 1) }))
          .sort((a, b) => b.p - a.p);
      };
    },
  };
  const seeds: Candidate = {
    name: '7 three seeds',
    build(train) {
      const nb = naiveBayes('nb', 0.1, words).build(train);
      const lrs = [13, 1, 2].map((seed) => softmax('lr', words, { lambda: 5e-6, epochs: 8, rate: 4, seed }).build(train));
      return (text) => {
        const avg = blend(blend(lrs[0](text), lrs[1](text), 1 / 2), lrs[2](text), 2 / 3);
        return blend(nb(text), avg, 2 / 3);
      };
    },
  };
  /** Numbers by kind, not value: an amount, a phone number, a house number or an hour reads alike whatever its digits. */
  const numbers = (t: string) => {
    const out: string[] = [];
    const f = wordsOf(t).folded;
    f.forEach((w, i) => {
      if (!/\d/.test(w)) return;
      const digits = w.replace(/\D/g, '').length;
      out.push('n:number');
      if (digits >= 9) out.push('n:phone');
      if (/^\d+(k|tr|trieu|ty|d)$/.test(w) || /^(trieu|nghin|ngan|k|tr|ty|dong|d|cu|xi)$/.test(f[i + 1] ?? '')) out.push('n:money');
      if (/^\d+(h|g|gio)$/.test(w) || /^(h|gio|g|phut|am|pm)$/.test(f[i + 1] ?? '')) out.push('n:hour');
      if (/^(so|hem|ngo|kiet|duong|nha|phong|lo|block|ngach)$/.test(f[i - 1] ?? '')) out.push('n:address');
    });
    return out;
  };
  /**
   * Typos read back: a folded word the training part never says, of 4 letters or more, also counts
   * as the commonest training word one edit away (two from 8 letters), if there is one.
   */
  const corrected = (name: string, pairs: boolean): Candidate => ({
    name,
    build(train) {
      const freq = new Map<string, number>();
      for (const e of train) for (const w of wordsOf(e.text).folded) freq.set(w, (freq.get(w) ?? 0) + 1);
      const vocabulary = [...freq.entries()]
        .filter(([w, n]) => n >= 2 && w.length >= 3 && !/\d/.test(w))
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const cache = new Map<string, string | undefined>();
      const fix = (w: string): string | undefined => {
        if (freq.has(w) || w.length < 4 || /\d/.test(w)) return undefined;
        if (cache.has(w)) return cache.get(w);
        const max = w.length >= 8 ? 2 : 1;
        let best: string | undefined;
        for (const [v] of vocabulary)
          if (Math.abs(v.length - w.length) <= max && editDistance(w, v, max) <= max) {
            best = v;
            break;
          }
        cache.set(w, best);
        return best;
      };
      const features = (t: string) => {
        const f = wordsOf(t).folded;
        const fixed = f.map((w) => fix(w));
        const out = words(t);
        fixed.forEach((v) => v && out.push(`w:${v}`));
        if (pairs)
          for (let i = 0; i + 1 < f.length; i++)
            if (fixed[i] || fixed[i + 1]) out.push(`b:${fixed[i] ?? f[i]}_${fixed[i + 1] ?? f[i + 1]}`);
        return out;
      };
      return current(name, features).build(train);
    },
  });
  /** Copies of each training example with some of its words left out, seeded: the regression then leans on more of them. */
  const dropout = (name: string, copies: number, drop: number, both: boolean): Candidate => ({
    name,
    build(train) {
      let seed = 7;
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
      const extra: Example[] = [];
      for (const e of train)
        for (let c = 0; c < copies; c++) {
          const kept = e.text.split(/\s+/).filter(() => next() >= drop);
          if (kept.length > 0) extra.push({ ...e, text: kept.join(' ') });
        }
      const nb = naiveBayes('nb', 0.1, words).build(both ? [...train, ...extra] : train);
      const lr = softmax('lr', words, { lambda: 5e-6, epochs: 8, rate: 4 }).build([...train, ...extra]);
      return (text) => blend(nb(text), lr(text), 2 / 3);
    },
  });
  return [
    dropout('7 dropout 1×0.2', 1, 0.2, false),
    dropout('7 dropout 2×0.2', 2, 0.2, false),
    dropout('7 dropout 2×0.3', 2, 0.3, false),
    dropout('7 dropout 2×0.2 both', 2, 0.2, true),
    corrected('7 corrected words', false),
    corrected('7 corrected words and pairs', true),
    current('7 numbers', (t) => [...words(t), ...numbers(t)]),
    hierarchical,
    seeds,
    current('7 current', words),
    current('7 shape', (t) => [...words(t), ...shape(t)]),
    current('7 skips', (t) => [...words(t), ...skips(t)]),
    current('7 triples', (t) => [...words(t), ...triples(t)]),
    current('7 folded copies', words, foldedCopies),
  ];
})();

const CANDIDATES: Candidate[] = [
  naiveBayes('nb α0.1 words (before)', 0.1, words),
  naiveBayes('nb α0.05 words', 0.05, words),
  naiveBayes('nb α0.1 binary words', 0.1, unique(words)),
  naiveBayes('nb α0.1 words+triples', 0.1, wordsAndTriples),
  naiveBayes('nb α0.1 words+grams', 0.1, wordsAndGrams),
  lrWords(3e-5, 8),
  lrWords(1e-5, 8),
  lrWords(3e-6, 8),
  softmax('lr words+grams λ1e-5', wordsAndGrams, { lambda: 1e-5, epochs: 8 }),
  blended('blend ½ nb + ½ lr λ1e-5 8 epochs', nbWords, lrWords(1e-5, 8)),
  blended('blend ½ nb + ½ lr λ1e-5 5 epochs', nbWords, lrWords(1e-5, 5)),
  blended('blend ½ nb + ½ lr λ3e-6 8 epochs', nbWords, lrWords(3e-6, 8)),
  blended('blend ⅓ nb + ⅔ lr λ1e-5 8 epochs', nbWords, lrWords(1e-5, 8), 1 / 3),
  blended('blend ⅔ nb + ⅓ lr λ1e-5 8 epochs', nbWords, lrWords(1e-5, 8), 2 / 3),
  // Fifth round: the regression's learning rate (0.5 left it under-trained), and letter grams.
  lrWords(1e-5, 8, 2),
  lrWords(5e-6, 8, 4),
  blended('blend ⅔ nb + ⅓ lr λ5e-6 12 epochs rate 4', nbWords, lrWords(5e-6, 12, 4), 2 / 3),
  blended('blend ½ nb + ½ lr λ5e-6 8 epochs rate 4', nbWords, lrWords(5e-6, 8, 4)),
  naiveBayes('nb α0.1 words+word grams 3-5', 0.1, wordsAndWordGrams),
  blended(
    'blend ⅔ nb + ⅓ lr words+word grams 3-5 λ5e-6 rate 4',
    nbWords,
    softmax('lr words+word grams', wordsAndWordGrams, { lambda: 5e-6, epochs: 8, rate: 4 }),
    2 / 3,
  ),
  understander,
  ...SEVENTH,
];

const BANDS = [0, 0.2, 0.35, 0.6, 0.8];
const OFFER_AT = [0.3, 0.35, 0.4, 0.45, 0.5];
const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);

function folds(train: readonly Example[], k: number): number[] {
  const seen = new Map<string, number>();
  return train.map((e) => {
    const n = seen.get(labelOf(e)) ?? 0;
    seen.set(labelOf(e), n + 1);
    return n % k;
  });
}

function main(): void {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const k = Number(arg('--folds') ?? 5);
  const only = arg('--only')?.split(',');
  const misread = arg('--misread')?.split(',');
  const misreads: string[] = [];
  const train = readCorpus().filter((e) => e.set === 'train');
  const fold = folds(train, k);
  for (const c of CANDIDATES.filter((c) => !only || only.some((o) => c.name.startsWith(o)))) {
    let right = 0;
    let intents = 0;
    let buildMs = 0;
    const bands = BANDS.map(() => ({ n: 0, ok: 0 }));
    const confusions = new Map<string, number>();
    // The flows' offer of a report (src/conversations/understood.ts): the first tip or mediation
    // reading at least this sure, or at least 15 % in a message of 8 words or more.
    const offers = OFFER_AT.map(() => ({ wrongOffers: 0, reportsRight: 0 }));
    let reports = 0;
    let others = 0;
    const alarms = { emergencies: 0, caught: 0, near: 0, nearAlarms: 0, calm: 0, calmAlarms: 0 };
    for (let f = 0; f < k; f++) {
      const t0 = performance.now();
      const read = c.build(train.filter((_, i) => fold[i] !== f));
      buildMs += performance.now() - t0;
      train.forEach((e, i) => {
        if (fold[i] !== f) return;
        const [top] = read(e.text);
        const ok = top?.label === labelOf(e);
        if (ok) right++;
        else confusions.set(`${labelOf(e)} → ${top?.label}`, (confusions.get(`${labelOf(e)} → ${top?.label}`) ?? 0) + 1);
        if (!ok && c === understander && misread?.some((m) => m === labelOf(e) || m === top?.label))
          misreads.push(`  ${labelOf(e)} → ${top?.label} (${Math.round(100 * (top?.p ?? 0))} %): ${e.text}`);
        if (top?.label.split(':')[0] === e.intent) intents++;
        const isReport = e.intent === 'tip' || e.intent === 'mediation';
        if (isReport) reports++;
        else others++;
        const long = wordsOf(e.text).folded.length >= 8;
        OFFER_AT.forEach((at, j) => {
          const offer = read(e.text).find((s) => /^(tip|mediation):/.test(s.label) && (s.p >= at || (long && s.p >= 0.15)));
          if (offer && !isReport) offers[j].wrongOffers++;
          if (offer && offer.label === labelOf(e)) offers[j].reportsRight++;
        });
        const band = bands[BANDS.filter((b) => (top?.p ?? 0) >= b).length - 1];
        band.n++;
        if (ok) band.ok++;
      });
      if (c === understander) {
        const u = new Understander(train.filter((_, i) => fold[i] !== f));
        train.forEach((e, i) => {
          if (fold[i] !== f) return;
          const alarm = u.understand(e.text).emergency.length > 0;
          if (e.emergency.length > 0) {
            alarms.emergencies++;
            if (alarm) alarms.caught++;
          } else {
            alarms.calm++;
            if (alarm) alarms.calmAlarms++;
            if (e.nearMiss) {
              alarms.near++;
              if (alarm) alarms.nearAlarms++;
            }
          }
        });
      }
    }
    console.log(
      `${c.name}: labels ${pct(right, train.length)}, intents ${pct(intents, train.length)}, build ${(buildMs / k).toFixed(0)} ms; by confidence ${BANDS.map(
        (b, i) => `${Math.round(b * 100)}%+ ${bands[i].n}/${pct(bands[i].ok, bands[i].n)}`,
      ).join(', ')}`,
    );
    console.log(
      `  offers from ${OFFER_AT.map((at, j) => `${at}: ${pct(offers[j].wrongOffers, others)} of non-reports offered one, ${pct(offers[j].reportsRight, reports)} of reports offered right`).join('; ')}`,
    );
    if (c === understander)
      console.log(
        `  commonest confusions: ${[...confusions.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 25)
          .map(([what, n]) => `${what} ${n}`)
          .join(', ')}`,
      );
    if (c === understander && misread) console.log(misreads.sort().join('\n'));
    if (c === understander)
      console.log(
        `  emergencies caught ${alarms.caught} of ${alarms.emergencies}, near-miss false alarms ${alarms.nearAlarms} of ${alarms.near}, all false alarms ${alarms.calmAlarms} of ${alarms.calm}`,
      );
  }
}

main();
