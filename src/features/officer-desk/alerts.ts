import type { AlertCase } from '../../domain/case-record';
import { caseFacts, caseMedia, type CaseViewContext } from '../../conversations/case-view';
import type { OutboundMessage } from '../../conversations/messages';
import { categoryLabel } from './render';

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

/** A case as a digest lists it: enough to pick it out and open it with /xem. */
export interface DigestCase {
  kind: AlertCase['kind'];
  category: string;
  refCode: string;
  areaName: string | null;
}

/** Lines per message of a digest: short enough for any platform's limit. */
const DIGEST_LINES = 25;

/**
 * The alerts a flood cap held back (src/outbox/flood-gate.ts), as one digest: a title saying why,
 * then one line a case ("TB-2612-0042 · Trộm cắp · Tổ 3"), in messages of DIGEST_LINES lines.
 */
export function renderDigest(cases: readonly DigestCase[], ctx: Pick<AlertContext, 't' | 'lang'>): OutboundMessage[] {
  const { t, lang } = ctx;
  const lines = cases.map(
    (c) => `• ${c.refCode} · ${categoryLabel(t, lang, c.kind, c.category)} · ${c.areaName ?? t(lang, 'alert.noArea')}`,
  );
  const parts: OutboundMessage[] = [];
  for (let i = 0; i < lines.length; i += DIGEST_LINES) {
    const head = i === 0 ? [t(lang, 'alert.digest.title', { count: cases.length }), ''] : [];
    const tail = i + DIGEST_LINES >= lines.length ? ['', t(lang, 'alert.digest.open', { code: cases[0]!.refCode })] : [];
    parts.push({ text: [...head, ...lines.slice(i, i + DIGEST_LINES), ...tail].join('\n') });
  }
  return parts;
}
