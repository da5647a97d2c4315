import { Schema } from 'mongoose';
import type { ChannelName, Lang } from '../../conversations/messages';

export const BROADCAST_STATUSES = ['queued', 'scheduled', 'sending', 'done', 'cancelled'] as const;
/** queued: send now, fan-out pending; scheduled: waits for its time; sending: fanned out; done: reported. */
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export const SENDER_ROLES = ['superadmin', 'officer', 'supervisor', 'group-admin'] as const;
export type SenderRole = (typeof SENDER_ROLES)[number];

/** One group a broadcast goes to, as it was when the broadcast was confirmed. */
export interface BroadcastTarget {
  channel: ChannelName;
  chatId: string;
  title: string;
}

/**
 * An advisory (tuyên truyền) sent by a group admin, an officer or a supervisor to the groups they
 * may reach. The text is stored exactly as residents see it (header and footer included), so the
 * preview, every delivery and the record are the same words.
 */
export interface Broadcast {
  broadcastId: string;
  sender: {
    channel: ChannelName;
    userId: string;
    /** The sender's private chat with the bot: where the delivery report goes. */
    chatId: string;
    role: SenderRole;
    officerId?: string;
    lang: Lang;
  };
  /** What the sender picked ("Phường Sài Gòn", "Tổ 3"), for lists and reports. */
  audienceLabel: string;
  targets: BroadcastTarget[];
  text: string;
  /** A photo to send with the text, by the platform's file reference. */
  photo?: string;
  /** The library advisory it came from, if any (locales: broadcast.library.<id>). */
  advisoryId?: string;
  status: BroadcastStatus;
  /** Absent: sent as soon as confirmed. */
  scheduledFor?: Date;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Filled in once, by the report. */
  result?: { delivered: number; failed: number; skipped: number };
}

const targetSchema = new Schema<BroadcastTarget>(
  {
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String, required: true },
    title: { type: String, default: '' },
  },
  { _id: false },
);

export const broadcastSchema = new Schema<Broadcast>(
  {
    broadcastId: { type: String, required: true, unique: true },
    sender: {
      channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
      userId: { type: String, required: true },
      chatId: { type: String, required: true },
      role: { type: String, enum: SENDER_ROLES, required: true },
      officerId: { type: String },
      lang: { type: String, enum: ['vi', 'en'], required: true },
    },
    audienceLabel: { type: String, default: '' },
    targets: { type: [targetSchema], default: [] },
    text: { type: String, required: true },
    photo: { type: String },
    advisoryId: { type: String },
    status: { type: String, enum: BROADCAST_STATUSES, required: true, index: true },
    scheduledFor: { type: Date },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date },
    finishedAt: { type: Date },
    result: { delivered: Number, failed: Number, skipped: Number },
  },
  { collection: 'broadcasts', versionKey: false },
);
broadcastSchema.index({ 'sender.userId': 1, 'sender.channel': 1, status: 1 });
// _id is the broadcastId: FerretDB 1.24 finds documents quickly only by _id (see notifications).
broadcastSchema.add({ _id: String } as Parameters<typeof broadcastSchema.add>[0]);
