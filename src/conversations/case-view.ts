import type { AlertCase } from '../domain/case-record';
import { formatTime } from '../domain/time';
import { officerFieldsOf } from '../features/reporting/flows';
import type { Lang, OutboundMessage } from './messages';
import type { Translate } from './ports';

/**
 * What staff read of a case, wherever they read it: the alert that announces it, `/xem` once the
 * alert has scrolled away, and later a web dashboard. One writer of the lines, so what an officer
 * can read of a tip never depends on where they look. Plain text only, so whatever a resident
 * typed (HTML, Markdown, "$where") is shown literally and can never change the formatting.
 */

export interface CaseViewContext {
  t: Translate;
  lang: Lang;
  /** The area as shown: `areaLabel`; null when the case has none. */
  areaName: string | null;
  /** Opened only for tipsters who chose to leave a contact (domain/case-record `consentedContact`); never the chat id. */
  contact?: string;
  timeZone?: string;
}

/** "Phường Sài Gòn (phuong-sai-gon)", or null for a case without an area. */
export function areaLabel(name: string | null | undefined, code: string | null): string | null {
  return name ? `${name} (${code})` : null;
}

/** The case's lines: category, area, the answers its flow shows officers, pin and media, who sent it and when. */
export function caseFacts(c: AlertCase, ctx: CaseViewContext): string[] {
  const { t, lang } = ctx;
  const lines = [
    `${t(lang, 'fields.category')}: ${t(lang, `categories.${c.kind}.${c.category}`)}`,
    `${t(lang, 'alert.area')}: ${ctx.areaName ?? t(lang, 'alert.noArea')}`,
  ];
  for (const field of officerFieldsOf(c.kind)) {
    const value = c.fields[field.id];
    if (value === undefined || value === '') continue;
    lines.push(`${t(lang, `fields.${field.id}`)}: ${field.labels ? t(lang, `${field.labels}.${value}`) : value}`);
  }
  if (c.location) lines.push(`${t(lang, 'fields.where')}: ${t(lang, 'alert.pinBelow')}`);
  if (c.attachments.length > 0)
    lines.push(`${t(lang, 'fields.media')}: ${t(lang, 'alert.attachmentsBelow', { count: c.attachments.length })}`);
  lines.push(
    c.anonymous || !ctx.contact
      ? `${t(lang, 'alert.tipster')}: ${t(lang, 'alert.anonymous')}`
      : `${t(lang, 'alert.tipster')}: ${ctx.contact} (${t(lang, 'alert.consented')})`,
  );
  lines.push(`${t(lang, 'alert.received')}: ${formatTime(c.submittedAt, lang, ctx.timeZone)}`);
  return lines;
}

/** The map pin and each attachment as a message of its own, after the text, re-sent by reference. */
export function caseMedia(c: AlertCase, ctx: Pick<CaseViewContext, 't' | 'lang'>): OutboundMessage[] {
  const { t, lang } = ctx;
  const messages: OutboundMessage[] = [];
  if (c.location) messages.push({ text: t(lang, 'alert.pinCaption', { code: c.refCode }), location: c.location });
  for (const a of c.attachments) messages.push({ text: t(lang, 'alert.attachmentCaption', { code: c.refCode }), attachments: [a] });
  return messages;
}
