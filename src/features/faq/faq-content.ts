import type { FaqDocument } from './faq-match';
import { LANGS, LOCALES_DIR, readLocale } from '../../i18n/translator';

interface EntryWords {
  title?: unknown;
  questions?: unknown;
  answer?: unknown;
}

/**
 * The FAQ as the matcher needs it, read from the locales (`faq.entries.<id>` in every language):
 * adding a question is editing locales/vi/faq.json and locales/en/faq.json, no code. An entry's
 * sample questions of both languages are matched together, so a Vietnamese question finds its
 * answer even when the person's language is English. Entries keep the order of the Vietnamese file.
 */
export function loadFaqDocuments(dir = LOCALES_DIR): FaqDocument[] {
  const byId = new Map<string, FaqDocument>();
  for (const lang of LANGS) {
    const entries = ((readLocale(lang, dir).faq as { entries?: Record<string, EntryWords> } | undefined)?.entries ?? {}) as Record<
      string,
      EntryWords
    >;
    for (const [id, e] of Object.entries(entries)) {
      if (typeof e.answer !== 'string' || typeof e.title !== 'string')
        throw new Error(`locales/${lang}/faq.json: entry ${id} needs a title and an answer`);
      const questions =
        typeof e.questions === 'string'
          ? e.questions
              .split('|')
              .map((q) => q.trim())
              .filter(Boolean)
          : [];
      const doc = byId.get(id) ?? { id, texts: [], titles: [] };
      doc.titles!.push(e.title);
      doc.texts.push(...questions);
      byId.set(id, doc);
    }
  }
  return [...byId.values()];
}
