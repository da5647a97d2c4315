/**
 * What the domain knows of the chats cases come from: the platform, the language the person
 * writes in, and what they can send besides words (a map pin, media by the platform's reference).
 * A case keeps all four, so they are domain terms; conversations/messages.ts re-exports them.
 */

export const CHANNEL_NAMES = ['telegram', 'zalo', 'console'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface SharedLocation {
  latitude: number;
  longitude: number;
}

export const ATTACHMENT_KINDS = ['photo', 'video', 'voice', 'document'] as const;

/** A photo, video, voice note or document: by the platform's reference as it arrives, by our copy once kept. */
export interface Attachment {
  kind: (typeof ATTACHMENT_KINDS)[number];
  /**
   * As it arrives: the Telegram file_id or the URL Zalo gives (which expires). Once the evidence
   * store has kept the file: `evidence:<id>` (evidenceRef), and nothing of the platform's link.
   */
  ref: string;
}

const EVIDENCE_PREFIX = 'evidence:';

/** An attachment's reference to our own encrypted copy of the file (the evidence store). */
export const evidenceRef = (evidenceId: string): string => `${EVIDENCE_PREFIX}${evidenceId}`;

/** The evidence id of an attachment kept in the evidence store; undefined for a platform's reference. */
export function evidenceIdOf(a: Pick<Attachment, 'ref'>): string | undefined {
  return a.ref.startsWith(EVIDENCE_PREFIX) ? a.ref.slice(EVIDENCE_PREFIX.length) : undefined;
}

/**
 * A chat's key wherever one is needed: its conversation slot and lock, a group's `_id` in the
 * database. One spelling, so a group found by key is the chat the bot talks to.
 */
export const chatKey = (channel: ChannelName, chatId: string): string => `${channel}:${chatId}`;

/** The groups collection's `_id` (and a broadcast target's key). */
export const groupKey = (g: { channel: ChannelName; chatId: string }): string => chatKey(g.channel, g.chatId);
