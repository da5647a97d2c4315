import type { Lang, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { SenderRole } from './ports';

/**
 * The ready advisories (tuyên truyền) a sender can pick instead of writing one; their words are in
 * the locales (`broadcast.library.<id>.title` / `.text`), short and plain, in both languages.
 */
export const ADVISORY_IDS = ['scam', 'fire', 'holiday_theft', 'drugs', 'vneid', 'residence', 'traffic'] as const;
export type AdvisoryId = (typeof ADVISORY_IDS)[number];

/** Telegram shows at most this much text under a photo; longer texts follow the photo. */
export const CAPTION_LIMIT = 1024;

/**
 * The advisory exactly as residents will read it: who it is from, the body, and the standing
 * reminder of how to reach the police. Built once, shown in the preview and stored, so what the
 * sender approved is what every group gets.
 */
export function composeBroadcastText(t: Translate, lang: Lang, role: SenderRole, senderName: string | undefined, body: string): string {
  const header = t(lang, `broadcast.header.${role}`, { name: senderName ?? '' });
  return `${header}\n\n${body.trim()}\n\n${t(lang, 'broadcast.footer')}`;
}

/** The messages one group receives: the text, with the photo (as its caption when short enough). */
export function broadcastParts(b: { text: string; photo?: string }): OutboundMessage[] {
  if (!b.photo) return [{ text: b.text }];
  const photo = { kind: 'photo' as const, ref: b.photo };
  // Measured in UTF-16 units, as Telegram counts (an emoji is two): a caption is never cut.
  if (b.text.length <= CAPTION_LIMIT) return [{ text: b.text, attachments: [photo] }];
  return [{ text: '', attachments: [photo] }, { text: b.text }];
}
