import { matchOption } from '../domain/option-match';
import { saysNo, saysYes } from '../domain/understanding/answers';
import { SERVICE_OF, type EmergencyKind, type EmergencyService } from '../domain/understanding/emergency-rules';
import { wordsOf } from '../domain/understanding/tokens';
import type { Understanding } from '../domain/understanding/understand';
import type { Flow } from './flow';
import type { Lang, Option, OutboundMessage } from './messages';
import type { Translate } from './ports';

/**
 * What the service does with its reading of a free message (domain/understanding): the emergency
 * numbers, the service that fits first; and "you want to report *theft*, right?" when a resident
 * opens with the story instead of the menu. The offer holds the chat (slot owner `offer`) until it
 * is answered; yes starts the flow with the category chosen and the message kept as the story.
 */
export const OFFER_OWNER = 'offer';
export const OFFER_PREFIX = 'understood:';
const YES = `${OFFER_PREFIX}yes`;
const NO = `${OFFER_PREFIX}no`;
const PICK = `${OFFER_PREFIX}pick:`;

/**
 * A report is offered when its reading is at least this sure, or when a long message reads as one
 * at all. Rechecked by cross-validation on the train part (scripts/cv-understanding.ts) with the
 * blended reader: from 0.3 to 0.5 the share of non-reports offered a report barely moves (6.9 % to
 * 6.5 %; naive Bayes alone 6.0 % at 0.35), reports offered with the right category fall from
 * 72.4 % to 70.8 % (Bayes alone 64.6 % at 0.35); 0.35 stays. An offer is a question, so a wrong
 * one costs a "no".
 */
export const OFFER_SURE = 0.35;
const LONG_MESSAGE_WORDS = 8;
const LONG_MESSAGE_MIN = 0.15;

export interface Offer {
  flow: string;
  category: string;
  /** Other likely categories, offered as "another category". */
  alternatives: string[];
  /** The resident's message, kept as what happened. */
  story: string;
}

/**
 * The report a message reads as, if any. A long text that reads as a report at all is offered as
 * one even when the FAQ seems likelier: a victim told "your question was noted" thinks the report
 * was taken.
 */
export function offerFor(u: Understanding, text: string, flows: readonly Flow[]): Offer | null {
  const readings = [u, ...u.alternatives];
  const long = wordsOf(text).folded.length >= LONG_MESSAGE_WORDS;
  const report = readings.find(
    (r) =>
      (r.intent === 'tip' || r.intent === 'mediation') &&
      r.category &&
      (r.confidence >= OFFER_SURE || (long && r.confidence >= LONG_MESSAGE_MIN)),
  );
  const flow = report && flows.find((f) => f.kind.id === report.intent && f.storyStep);
  if (!report?.category || !flow) return null;
  const alternatives = readings
    .filter((r) => r !== report && r.intent === report.intent && r.category && r.confidence >= 0.05)
    .map((r) => r.category!)
    .slice(0, 2);
  return { flow: flow.id, category: report.category, alternatives, story: text };
}

const categoryKey = (flow: Flow) => flow.steps.find((s) => s.id === flow.categoryStep);

function label(flow: Flow, category: string, t: Translate, lang: Lang): string {
  const step = categoryKey(flow);
  return t(lang, step?.kind === 'choice' ? `${step.labels}.${category}` : category);
}

export function offerOptions(offer: Offer, flow: Flow, t: Translate, lang: Lang): Option[] {
  return [
    { id: YES, label: t(lang, 'understood.yes') },
    ...offer.alternatives.map((c) => ({ id: `${PICK}${c}`, label: label(flow, c, t, lang) })),
    { id: NO, label: t(lang, 'understood.no') },
  ];
}

export function offerMessage(offer: Offer, flow: Flow, t: Translate, lang: Lang): OutboundMessage {
  return {
    text: t(lang, `understood.ask.${flow.id}`, { category: label(flow, offer.category, t, lang) }),
    options: offerOptions(offer, flow, t, lang),
  };
}

export type OfferAnswer = { accept: string } | 'decline' | 'unclear';

/** A press of the offer's buttons, its number or label typed, or a yes or no in words. */
export function answerOf(offer: Offer, flow: Flow, t: Translate, lang: Lang, input: { choice?: string; text?: string }): OfferAnswer {
  let id = input.choice;
  if (id === undefined && input.text) {
    id = matchOption(offerOptions(offer, flow, t, lang), input.text)?.id;
    if (id === undefined && saysYes(input.text)) id = YES;
    if (id === undefined && saysNo(input.text)) id = NO;
  }
  if (id === YES) return { accept: offer.category };
  if (id === NO) return 'decline';
  if (id?.startsWith(PICK)) return { accept: id.slice(PICK.length) };
  return 'unclear';
}

/** The numbers, the service that fits the emergency first (114 fire, 115 someone hurt, 113 crime), then all of them. */
export function emergencyMessage(kinds: readonly EmergencyKind[], t: Translate, lang: Lang): OutboundMessage {
  const services: EmergencyService[] = [];
  for (const kind of kinds) for (const s of SERVICE_OF[kind]) if (!services.includes(s)) services.push(s);
  const first = kinds.includes('help') ? [] : services.map((s) => t(lang, `emergency.first.${s}`));
  return { text: [...first, t(lang, 'emergency.numbers')].join('\n\n'), urgent: true };
}
