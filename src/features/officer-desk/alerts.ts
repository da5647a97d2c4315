import type { AlertCase } from '../../domain/case-record';
import { caseFacts, caseMedia, type CaseViewContext } from '../../conversations/case-view';
import type { OutboundMessage } from '../../conversations/messages';

/** What an alert shows of a case: a view of the case record (domain/case-record.ts). */
export type { AlertCase };

/** What an alert needs besides the case: the reader's language, the area's name, the opened contact. */
export type AlertContext = CaseViewContext;

/**
 * The officer's alert: the text first (everything needed to act), then the map pin and each
 * attachment as its own message. The lines are the case view's (case-view.ts), which `/xem` shows too.
 */
export function renderAlert(c: AlertCase, ctx: AlertContext): OutboundMessage[] {
  const { t, lang } = ctx;
  return [{ text: [t(lang, `alert.title.${c.kind}`, { code: c.refCode }), ...caseFacts(c, ctx)].join('\n') }, ...caseMedia(c, ctx)];
}
