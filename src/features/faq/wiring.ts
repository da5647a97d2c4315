import type { Runtime } from '../../app/runtime';
import { StoreAreaContacts } from './adapters/area-contacts';
import { RedisFaqMisses } from './adapters/faq-misses';
import { loadFaqDocuments } from './faq-content';
import { FaqFeature } from './faq-feature';

/** The bot role's FAQ for residents: answers from the locales, unanswered questions counted (FAQ words, 90 days) for the operators. */
export function createFaqFeature(rt: Runtime): FaqFeature {
  const log = (event: string, fields?: Record<string, string | number | boolean>) => rt.log.info(fields ?? {}, event);
  const misses = new RedisFaqMisses(rt.redis);
  const feature = new FaqFeature({
    t: rt.t,
    documents: loadFaqDocuments(),
    misses,
    contacts: new StoreAreaContacts(rt.store),
    log,
    missed: () => rt.metrics.faqMisses.inc(),
  });
  // Counts kept before issue 14 held free text with no expiry: re-counted by the FAQ's words, then gone.
  void misses
    .migrateLegacy((q) => feature.missKey(q))
    .then((moved) => moved > 0 && log('faq.legacy_misses_migrated', { questions: moved }))
    .catch(() => log('faq.legacy_misses_not_migrated'));
  return feature;
}
