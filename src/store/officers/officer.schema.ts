import { Schema } from 'mongoose';
import type { ChannelName, Lang } from '../../conversations/messages';
import { CHANNEL_NAMES, LANGS } from '../../domain/chat';

export const OFFICER_ROLES = ['officer', 'supervisor', 'mediator'] as const;
/** officer: CSKV; supervisor: trưởng công an xã/phường; mediator: hòa giải viên. */
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export { CHANNEL_NAMES, LANGS };

export interface OfficerChat {
  channel: ChannelName;
  chatId: string;
}

/** A person who receives alerts about the areas they cover. */
export interface Officer {
  /** Stable id chosen by the operator, e.g. 'cskv-bd-01'. */
  officerId: string;
  name: string;
  role: OfficerRole;
  /** Areas at any level; a ward's code covers the whole ward for routing by ancestry. */
  areaCodes: string[];
  /** Where alerts go: the officer's private chat on each platform they use. */
  chats: OfficerChat[];
  lang: Lang;
  active: boolean;
}

/**
 * What is stored: the officer plus `chatKeys` ('telegram:12345'), derived from `chats` on every
 * write. FerretDB 1.24 cannot run `$elemMatch` over plain fields ("unknown operator: channel"), and
 * dotted paths would match a channel of one chat with the id of another, so lookups by chat go
 * through this flat, indexed array instead.
 */
export interface OfficerRecord extends Officer {
  chatKeys: string[];
}

export function chatKey(channel: ChannelName, chatId: string): string {
  return `${channel}:${chatId}`;
}

const chatSchema = new Schema<OfficerChat>(
  {
    channel: { type: String, enum: CHANNEL_NAMES, required: true },
    chatId: { type: String, required: true },
  },
  { _id: false },
);

export const officerSchema = new Schema<OfficerRecord>(
  {
    officerId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    role: { type: String, enum: OFFICER_ROLES, required: true },
    areaCodes: { type: [String], default: [], index: true },
    chats: { type: [chatSchema], default: [] },
    chatKeys: { type: [String], default: [], index: true },
    lang: { type: String, enum: LANGS, default: 'vi' },
    active: { type: Boolean, default: true },
  },
  { collection: 'officers', versionKey: false },
);
