import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCorpus, type Example } from '../domain/understanding/corpus';
import { Understander } from '../domain/understanding/understand';
import { CASE_KINDS } from '../features/reporting/flows';
import { readLocale } from './translator';

/** The labelled examples the bot learns to read residents from (data/understanding/README.md). */
export const CORPUS_DIR = join(__dirname, '..', '..', 'data', 'understanding');

/** Every example of every language's file (`vi.jsonl`, `en.jsonl`), checked against the flows' categories and the FAQ's topics. */
export function readCorpus(dir = CORPUS_DIR): Example[] {
  const known = {
    categories: new Set(CASE_KINDS.all.flatMap((k) => k.categories.map((c) => `${k.id}:${c}`))),
    // The FAQ's topics are its entries in the locales (locales/vi/faq.json).
    faqTopics: new Set(Object.keys((readLocale('vi').faq as { entries: Record<string, unknown> }).entries)),
  };
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => parseCorpus(readFileSync(join(dir, f), 'utf8'), f, known));
}

/** The understanding of messages, learned from the corpus at start-up (milliseconds; see docs/understanding.md). */
export function loadUnderstander(dir = CORPUS_DIR): Understander {
  return new Understander(readCorpus(dir));
}
