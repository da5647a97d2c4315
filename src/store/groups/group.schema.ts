import { randomInt } from 'node:crypto';
import { Schema } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';

/**
 * A neighbourhood chat group (tổ tự quản) the bot was added to. Residents join it by its code
 * (the group's deep-link button carries it), which routes their tips to the group's area.
 */
export interface Group {
  channel: ChannelName;
  chatId: string;
  title: string;
  /** Bound by an officer or operator; null until then (tips still reach the supervisors). */
  areaCode: string | null;
  /** Unique; shown to residents and read over the phone, so short and unambiguous. */
  joinCode: string;
  active: boolean;
  createdAt: Date;
}

/** No 0/O or 1/I: codes are read aloud and typed from paper. 32^6 ≈ 10^9 codes. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;
/**
 * What a join code may look like once normalised. Wider than the generated codes on purpose: an
 * operator may choose a readable one in the seed ('KP1TO3'). Fits a Telegram /start payload.
 */
export const JOIN_CODE_PATTERN = /^[A-Z0-9]{4,16}$/;

export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i += 1) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** Residents type codes in any case and with stray spaces; there is no collation on FerretDB. */
export function normaliseJoinCode(input: string): string {
  return String(input).trim().toUpperCase();
}

export const groupSchema = new Schema<Group>(
  {
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String, required: true },
    title: { type: String, default: '' },
    areaCode: { type: String, default: null, index: true },
    joinCode: { type: String, required: true, unique: true, match: JOIN_CODE_PATTERN },
    active: { type: Boolean, default: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'groups', versionKey: false },
);
/*
 * _id is `${channel}:${chatId}` (groupKey, conversations/broadcast/ports): one document per chat,
 * found by _id. FerretDB 1.24 answers only a bare `_id` filter from an index and scans the whole
 * collection for any other (a `{ channel, chatId }` lookup took tens of milliseconds at 5,000
 * groups); MongoDB is as fast either way. Groups stored before this key are moved by
 * group-key-migration.ts at start-up.
 */
groupSchema.add({ _id: String } as Parameters<typeof groupSchema.add>[0]);
