import type { Attachment, Lang, OutboundMessage, SharedLocation } from './messages';
import type { Translate } from './ports';

/** What an alert shows of a case: no chat ids, and the contact only when the tipster agreed. */
export interface AlertCase {
  refCode: string;
  kind: 'tip' | 'mediation';
  category: string;
  fields: Record<string, string>;
  location?: SharedLocation;
  attachments: Attachment[];
  anonymous: boolean;
  submittedAt: Date;
}

export interface AlertContext {
  t: Translate;
  lang: Lang;
  areaName: string | null;
  /** Opened only for tipsters who chose to leave a contact; never the chat id. */
  contact?: string;
  timeZone?: string;
}

const TIP_FIELDS = ['what', 'where', 'when', 'whenDetail'];
const MEDIATION_FIELDS = ['parties', 'description', 'mediatedBefore', 'reachTime'];
/** Fields whose value is a choice id, shown by its label. */
const CHOICE_LABELS: Record<string, string> = { when: 'when', mediatedBefore: 'yesNo', reachTime: 'reachTime' };

/**
 * The officer's alert: the text first (everything needed to act), then the map pin and each
 * attachment as its own message, re-sent by reference. Plain text only, so whatever a resident
 * typed (HTML, Markdown, "$where") is shown literally and can never change the formatting.
 */
export function renderAlert(c: AlertCase, ctx: AlertContext): OutboundMessage[] {
  const { t, lang } = ctx;
  const fieldNames = c.kind === 'tip' ? TIP_FIELDS : MEDIATION_FIELDS;
  const lines = [
    t(lang, `alert.title.${c.kind}`, { code: c.refCode }),
    `${t(lang, 'fields.category')}: ${t(lang, `categories.${c.kind}.${c.category}`)}`,
    `${t(lang, 'alert.area')}: ${ctx.areaName ?? t(lang, 'alert.noArea')}`,
  ];
  for (const name of fieldNames) {
    const value = c.fields[name];
    if (value === undefined || value === '') continue;
    const shown = CHOICE_LABELS[name] ? t(lang, `${CHOICE_LABELS[name]}.${value}`) : value;
    lines.push(`${t(lang, `fields.${name}`)}: ${shown}`);
  }
  if (c.location) lines.push(`${t(lang, 'fields.where')}: ${t(lang, 'alert.pinBelow')}`);
  if (c.attachments.length > 0) lines.push(`${t(lang, 'fields.media')}: ${t(lang, 'alert.attachmentsBelow', { count: c.attachments.length })}`);
  lines.push(
    c.anonymous || !ctx.contact
      ? `${t(lang, 'alert.tipster')}: ${t(lang, 'alert.anonymous')}`
      : `${t(lang, 'alert.tipster')}: ${ctx.contact} (${t(lang, 'alert.consented')})`,
  );
  lines.push(`${t(lang, 'alert.received')}: ${formatTime(c.submittedAt, lang, ctx.timeZone)}`);
  const messages: OutboundMessage[] = [{ text: lines.join('\n') }];
  if (c.location) messages.push({ text: t(lang, 'alert.pinCaption', { code: c.refCode }), location: c.location });
  for (const a of c.attachments) messages.push({ text: t(lang, 'alert.attachmentCaption', { code: c.refCode }), attachments: [a] });
  return messages;
}

function formatTime(at: Date, lang: Lang, timeZone = 'Asia/Ho_Chi_Minh'): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(at);
}
