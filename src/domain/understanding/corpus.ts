import { AppError } from '../app-error';
import { EMERGENCY_KINDS, type EmergencyKind } from './emergency-rules';

/** What a resident's message is for; `category`/`faq` say more for tip, mediation and faq. */
export const INTENTS = ['tip', 'mediation', 'faq', 'status', 'greeting', 'thanks', 'help', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/** One labelled example of the corpus (data/understanding/README.md). */
export interface Example {
  text: string;
  intent: Intent;
  /** A tip category or mediation kind id, with those intents. */
  category?: string;
  /** An FAQ topic id, with intent faq. */
  faq?: string;
  emergency: EmergencyKind[];
  /** `test` examples are held out: only the evaluation reads them. */
  set: 'train' | 'test';
  /** Reads like an emergency but is none (fire-safety training, "chạy xe"): the false-alarm measure's set. */
  nearMiss?: boolean;
  /**
   * Which round of writing the example came from (absent: the first). Held-out examples of a later
   * round were written by the same hands as that round's training examples, so the evaluation
   * reports them apart from the first round's, the untouched estimate.
   */
  round?: number;
}

export class CorpusError extends AppError {}

/**
 * The examples of one JSON-lines file, checked: a bad line names its file and line number, and
 * the known ids are checked against what the caller passes (the flows' categories, the FAQ's topics).
 */
export function parseCorpus(
  text: string,
  source: string,
  known: { categories: ReadonlySet<string>; faqTopics: ReadonlySet<string> },
): Example[] {
  const examples: Example[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${source}:${i + 1}`;
    let raw: Partial<Example>;
    try {
      raw = JSON.parse(line) as Partial<Example>;
    } catch {
      throw new CorpusError(`${where}: not JSON`);
    }
    const { text: t, intent, category, faq, emergency = [], set, nearMiss, round } = raw;
    if (typeof t !== 'string' || !t.trim()) throw new CorpusError(`${where}: no text`);
    if (!intent || !(INTENTS as readonly string[]).includes(intent)) throw new CorpusError(`${where}: unknown intent ${String(intent)}`);
    if ((intent === 'tip' || intent === 'mediation') && (!category || !known.categories.has(`${intent}:${category}`)))
      throw new CorpusError(`${where}: unknown ${intent} category ${String(category)}`);
    if (intent === 'faq' && (!faq || !known.faqTopics.has(faq))) throw new CorpusError(`${where}: unknown FAQ topic ${String(faq)}`);
    if (!Array.isArray(emergency) || emergency.some((k) => !(EMERGENCY_KINDS as readonly string[]).includes(k)))
      throw new CorpusError(`${where}: unknown emergency kind in ${JSON.stringify(emergency)}`);
    if (set !== 'train' && set !== 'test') throw new CorpusError(`${where}: set must be train or test`);
    if (round !== undefined && !(Number.isInteger(round) && round >= 1))
      throw new CorpusError(`${where}: round must be a whole number from 1`);
    examples.push({
      text: t,
      intent,
      ...(category ? { category } : {}),
      ...(faq ? { faq } : {}),
      emergency,
      set,
      ...(nearMiss ? { nearMiss } : {}),
      ...(round !== undefined && round > 1 ? { round } : {}),
    });
  });
  return examples;
}
