/**
 * The two shapes every channel speaks: what a person sent (normalised from Telegram, Zalo or the
 * console) and what the bot answers (rendered by each channel in its own way: buttons on Telegram,
 * numbered options on Zalo and the console). Flows only ever see these, never a platform's types.
 */

import type { Attachment, ChannelName, Lang, SharedLocation } from '../domain/chat';

export type { Attachment, ChannelName, Lang, SharedLocation } from '../domain/chat';

/**
 * `unsupported` when the platform passed on no content at all (Zalo does so for protected accounts,
 * such as children's): asking the question again cannot help, so the bot says so instead.
 */
export const CONTENT_WITHHELD = 'withheld';
/** `unsupported` for a live location: refused, since its later moves would follow the sender (see the Telegram normaliser). */
export const LIVE_LOCATION = 'live_location';

export interface InboundMessage {
  channel: ChannelName;
  /** Platform update id, used to drop re-deliveries (webhook retries, poller restarts). */
  updateId: string;
  chatId: string;
  chatType: 'private' | 'group';
  /** The sender's platform user id (opaque string). */
  userId: string;
  /** The sender's display name; only for group registration, never logged or stored with a tip. */
  userName?: string;
  /** Platform language hint (Telegram's language_code). */
  languageHint?: string;
  text?: string;
  /** `/cmd args` split out of `text` by the channel; name lower-cased, without the slash or @bot. */
  command?: { name: string; args: string };
  /** A button press: the option id the bot put on the button. */
  choice?: string;
  location?: SharedLocation;
  /** A phone number shared with the platform's contact button (only the sender's own). */
  contactPhone?: string;
  attachments?: Attachment[];
  /** Something the bot cannot read: sticker, poll, game, unknown event; or CONTENT_WITHHELD. */
  unsupported?: string;
  /** The group's title when the bot was added to a group or a group command came in. */
  groupTitle?: string;
  /** True when this update says the bot itself was just added to the group. */
  botAddedToGroup?: boolean;
  /** True when the sender is an administrator of the group (Telegram tells; Zalo cannot). */
  senderIsGroupAdmin?: boolean;
  /** A group message that names the bot (@bot) or replies to one of its messages: it is talking to the bot. */
  mentionsBot?: boolean;
}

export interface Option {
  /** Short stable id: Telegram puts it in callback_data (<= 64 bytes), text channels number it. */
  id: string;
  label: string;
}

export interface OutboundMessage {
  text: string;
  /** The language it is written in, so text channels can add their hints in the same language. */
  lang?: Lang;
  /** Choices for the person; on text channels they are numbered 1..n. */
  options?: Option[];
  /** Ask for a place or a phone number with the platform's own button where it has one (label: the button's words). */
  request?: { kind: 'contact'; label: string };
  /**
   * Links to open (the deep link from a group into private chat). `login`: Telegram opens it as a
   * login_url button, adding the person's signed Telegram fields (the dashboard's login).
   */
  links?: { label: string; url: string; login?: true }[];
  /** A map pin to show (officer alerts). */
  location?: SharedLocation;
  /** Media to re-send (officer alerts). */
  attachments?: Attachment[];
  /** An emergency's numbers: tried even while a platform holds replies (Zalo's spent quota). */
  urgent?: true;
}

/**
 * The message with every U+0000 removed from its strings. A NUL carries nothing a person typed
 * (only broken clients and fuzzers send one), and a database may refuse it: PostgreSQL's JSON,
 * under the local database, cannot hold it, so a lookup or a stored tip would fail on it.
 */
export function withoutNul(msg: InboundMessage): InboundMessage {
  return clean(msg) as InboundMessage;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
  return value;
}
