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

/** A photo, video, voice note or document, by the platform's own reference (file id or URL). */
export interface Attachment {
  kind: (typeof ATTACHMENT_KINDS)[number];
  /** Telegram file_id, or the URL Zalo gives; re-sent as it is, never downloaded. */
  ref: string;
}

/**
 * A chat's key wherever one is needed: its conversation slot and lock, a group's `_id` in the
 * database. One spelling, so a group found by key is the chat the bot talks to.
 */
export const chatKey = (channel: ChannelName, chatId: string): string => `${channel}:${chatId}`;

/** The groups collection's `_id` (and a broadcast target's key). */
export const groupKey = (g: { channel: ChannelName; chatId: string }): string => chatKey(g.channel, g.chatId);
