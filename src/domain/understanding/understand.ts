import type { Example, Intent } from './corpus';
import { emergencyByRules, type EmergencyKind } from './emergency-rules';
import { NaiveBayes, type Scored } from './naive-bayes';
import { blend } from './blend';
import { SOFTMAX_DEFAULTS, SoftmaxRegression, type SoftmaxOptions } from './softmax-regression';
import { featuresOf } from './tokens';

/** One reading of a message: its intent and, for tips, mediation and the FAQ, what exactly. */
export interface Reading {
  intent: Intent;
  /** Tip category or mediation kind id. */
  category?: string;
  /** FAQ topic id. */
  faq?: string;
  /** 0–1: how sure the classifier is of this reading (its posterior). */
  confidence: number;
}

/** What the bot understood of a text: emergencies first, then the likeliest reading and the runners-up. */
export interface Understanding extends Reading {
  emergency: EmergencyKind[];
  /** The next likeliest readings, most likely first (at most three). */
  alternatives: Reading[];
}

/**
 * The learned emergency model: its smoothing and how sure it must be to add its reading to the
 * rules'. Chosen by five-fold cross-validation on the train part (never the held-out part): alone,
 * at α 0.1 and 0.99 it finds 79 % of emergencies for 1.9 % false alarms (α 0.5: 59 %, 0.9 %); the
 * rules find most of the rest. A false alarm costs one message with the numbers; a miss may cost a life.
 * Rechecked on the second round's corpus: with the rules, every threshold from 0.8 to 0.995 finds
 * 231 of the 233 train emergencies by cross-validation, for 80 (0.8) down to 69 (0.99) false
 * alarms in 3078 messages; 0.99 stays.
 * Raised to 0.9999 with the eighth round's English examples (none an emergency): a multinomial Bayes
 * reads a Vietnamese word as rarer among calm messages once a thousand English ones share that
 * class, so calm Vietnamese messages looked more like emergencies. By cross-validation on 5277 train
 * messages, with the rules: 0.99 finds 279 of 280 emergencies for 19 of 206 near-misses and 105
 * other messages alarmed; 0.995 279, 19, 102; 0.999 279, 15, 91; 0.9999 279, 12, 84; 0.99999 278,
 * 9, 79. A yes/no regression beside it (enough alone from 0.5 to 0.9) found the same or one more for
 * 230 ms of build and alarmed on a bare "chay", so it is not kept.
 */
export const LEARNED_EMERGENCY_THRESHOLD = 0.9999;
const LEARNED_EMERGENCY_ALPHA = 0.1;
/**
 * The intent reader: naive Bayes (α 0.1, no letter triples) and a softmax regression over the same
 * features (softmax-regression.ts: learning rate 4, λ 5e-6, 8 passes), their probabilities averaged
 * ⅔ Bayes, ⅓ regression. Chosen by five-fold cross-validation on the train part only (scripts/cv-understanding.ts,
 * third round's corpus, 3911 examples): labels right (intent and category) 81.3 %, intents 91.8 %,
 * against naive Bayes alone 79.1 % / 90.8 % and the regression alone 79.5 % / 90.6 %. Half and
 * half read 81.5 % / 92.0 %, within a handful of messages, but its readings claim more than they
 * earn (from 60 % right 98.3 % against 99.1 %), and the flows act on the confidence; ⅓ Bayes 81.0 %;
 * regression λ 3e-5 78.9 %, 3e-6 79.6 % (81.4 % blended), 5 passes (blended) 80.9 %; letter triples
 * or letter grams of the whole text, binary counts, α 0.05 did no better for either reader, nor
 * did nearest neighbours (cosine of idf-weighted features, 10 nearest: 72.2 % alone, 79.9 % and
 * 81.1 % as a third or a fifth of the blend, second-round corpus), so they are not kept.
 * Rechecked on the fourth round's corpus (4113 train examples): this reader 82.2 % / 91.7 %, half and
 * half 82.1 %, half and half with λ 3e-6 82.2 %, Bayes alone 79.8 %, the regression alone 80.1 % (λ 3e-6: 80.5 %).
 * Fifth round (issue 13, fourth round's corpus, train part only): the regression was under-trained.
 * At learning rate 0.5 its 8 passes stopped far from the optimum (alone 80.1 %); rate 2 read 82.2 %,
 * rate 4 with λ 5e-6 82.7 % alone and 83.4 % / 92.4 % blended (seeds 1–3 instead of 13: 83.0–83.2 %),
 * against 82.2 % before. Rates 1–4, λ 1e-5 to 3e-6 and 6–12 passes all land at 82.7–83.7 % blended;
 * 12 passes cost half as much build again for 0.1–0.3 points, so 8 stay. Not kept, by the same
 * cross-validation: letter grams of the folded text (3–5 letters within words, or 3–4, 4–5, 3–5
 * across the spaces) as extra features, 0.1–0.5 points at best in the regression (weighed at half)
 * and worse in Bayes, for two to four times the build; sublinear term counts (1 + log tf) in the
 * regression 82.3 %; no idf 81.2 %; word pairs weighed ½, 1.5 or 2 and diacritic words ½ or 1.5
 * (82.6–83.2 %); averaging the regression's weights over the later passes (no better, slower);
 * complement naive Bayes (82.7 % blended), Bayes over tf-idf or log counts, α 0.03 or 0.2 and
 * temperatures n/3 or n (82.6–83.1 %); blend weights ½ to ¾ (83.1–83.5 %). On the fifth round's
 * corpus (4281 train examples) this reader reads 83.8 % / 92.8 %, the reader before 82.8 % / 92.5 %.
 * In the blend the readings claim a little more than before (20–35 % right 71 % against 80 %, from
 * 35 % 92 %, from 60 % 98.4 % against 99.0 %); the flows act from 35 % and 60 %, where it holds.
 * The regression costs most of the build (about 300 ms of processor time).
 * Seventh round (sixth round's corpus, 83.9 % / 92.2 %): question marks and the first and last
 * words, skipping pairs, word triples, numbers by kind, typos read back to a training word, copies
 * without diacritics or with words left out, intent before category, three seeds averaged,
 * supervised term weights: 82.9–84.2 %, none kept (scripts/cv-understanding.ts, `7 …`). What moved
 * the figure was English: its words' stems (tokens.ts) and more English examples (the corpus).
 */
const INTENT_ALPHA = 0.1;
const REGRESSION: SoftmaxOptions = { ...SOFTMAX_DEFAULTS, lambda: 5e-6, epochs: 8, rate: 4 };
const BAYES_WEIGHT = 2 / 3;
/**
 * Naive Bayes is sure of itself out of all proportion ("lịch cắt điện tuần này" read as theft at
 * 99.5 %), so its scores are softened by a temperature of half the number of features. Checked by
 * cross-validation on the train part: readings then at 40–60 % are right 92 % of the time, at
 * 20–40 % 82 %, below 20 % 49 % (without it, 72 % of readings claim over 80 % and are right 72 %).
 * Rechecked on the second round's corpus: from 60 % right 97 %, 35–60 % 91 %, 20–35 % 83 %, below
 * 20 % 59 %; cautious rather than overconfident, which is the side the flows can afford (they offer
 * the runners-up instead of choosing). With the regression blended in (third round's corpus):
 * from 60 % right 99 %, 35–60 % 93 %, 20–35 % 80 %, below 20 % 51 %, so the flows' thresholds
 * (src/conversations: a category taken from 60 %, a report offered from 35 %) keep their meaning.
 * docs/understanding.md shows the held-out figures.
 */
const intentTemperature = (features: readonly string[]) => Math.max(1, features.length / 2);
const intentFeatures = (features: readonly string[]) => features.filter((f) => !f.startsWith('c:'));

/** The corpus' label of a reading: `tip:theft`, `faq:vneid`, `greeting`. */
export const labelOf = (e: Pick<Example, 'intent' | 'category' | 'faq'>): string =>
  e.intent === 'tip' || e.intent === 'mediation' ? `${e.intent}:${e.category}` : e.intent === 'faq' ? `faq:${e.faq}` : e.intent;

function readingOf(s: Scored<string>): Reading {
  const [intent, detail] = s.label.split(':') as [Intent, string | undefined];
  const reading: Reading = { intent, confidence: s.p };
  if (detail !== undefined) {
    if (intent === 'faq') reading.faq = detail;
    else reading.category = detail;
  }
  return reading;
}

/**
 * Reads residents' messages: text in, an understanding out, the same for every channel and
 * feature. Emergencies by two readers, the phrase rules (emergency-rules.ts, exact about the
 * diacritics typed) and a classifier learned from the corpus' emergencies and near-misses, either
 * of which is enough; the intent and category by a classifier learned from the rest of the corpus.
 * Built from the examples marked `train` only, deterministically: the same corpus, the same answers.
 */
export class Understander {
  private readonly intents = new NaiveBayes<string>(INTENT_ALPHA);
  private readonly regression: SoftmaxRegression<string>;
  private readonly alarm = new NaiveBayes<'yes' | 'no'>(LEARNED_EMERGENCY_ALPHA);
  private readonly alarmKinds = new NaiveBayes<EmergencyKind>(LEARNED_EMERGENCY_ALPHA);

  constructor(examples: readonly Example[]) {
    const learned: { features: string[]; label: string }[] = [];
    for (const e of examples) {
      if (e.set !== 'train') continue;
      const features = featuresOf(e.text);
      const words = intentFeatures(features);
      this.intents.learn(words, labelOf(e));
      learned.push({ features: words, label: labelOf(e) });
      this.alarm.learn(features, e.emergency.length > 0 ? 'yes' : 'no');
      if (e.emergency.length > 0) this.alarmKinds.learn(features, e.emergency[0]);
    }
    this.regression = new SoftmaxRegression(learned, REGRESSION);
  }

  /** Every label with its probability, likeliest first: the two readers blended. */
  private read(text: string): Scored<string>[] {
    const words = intentFeatures(featuresOf(text));
    return blend(this.intents.classify(words, undefined, intentTemperature(words)), this.regression.classify(words), BAYES_WEIGHT);
  }

  understand(text: string): Understanding {
    const [top = { intent: 'other', confidence: 0 }, ...rest] = this.read(text).map(readingOf);
    return { emergency: this.emergency(text, featuresOf(text)), ...top, alternatives: rest.slice(0, 3) };
  }

  /**
   * The categories of one intent (tip or mediation), likeliest first, each with its share of the
   * whole reading (not renormalised): a sentence about nothing in particular ("không biết chọn gì")
   * gives every category a small share, and the caller shows the whole list.
   */
  rank(intent: 'tip' | 'mediation', text: string): Reading[] {
    return this.read(text)
      .filter((s) => s.label.startsWith(`${intent}:`))
      .map(readingOf);
  }

  private emergency(text: string, features: string[]): EmergencyKind[] {
    const byRules = emergencyByRules(text);
    if (byRules.length > 0) return byRules;
    const [alarm] = this.alarm.classify(features);
    if (alarm?.label !== 'yes' || alarm.p < LEARNED_EMERGENCY_THRESHOLD) return [];
    const [kind] = this.alarmKinds.classify(features);
    return kind ? [kind.label] : ['help'];
  }
}
