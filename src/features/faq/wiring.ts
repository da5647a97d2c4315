import type { Runtime } from '../../app/runtime';
import { StoreAreaContacts } from './adapters/area-contacts';
import { RedisFaqMisses } from './adapters/faq-misses';
import { loadFaqDocuments } from './faq-content';
import { FaqFeature } from './faq-feature';

/** The bot role's FAQ for residents: answers from the locales, unanswered questions counted for the operators. */
export function createFaqFeature(rt: Runtime): FaqFeature {
  const log = (event: string, fields?: Record<string, string | number | boolean>) => rt.log.info(fields ?? {}, event);
  return new FaqFeature({
    t: rt.t,
    documents: loadFaqDocuments(),
    misses: new RedisFaqMisses(rt.redis),
    contacts: new StoreAreaContacts(rt.store),
    log,
  });
}
