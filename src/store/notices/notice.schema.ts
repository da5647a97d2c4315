import { Schema } from 'mongoose';
import type { ChannelName, OutboundMessage } from '../../conversations/messages';

export const NOTICE_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/**
 * One message, already written, to one chat: a resident's case update, a question or answer
 * relayed between officer and tipster, an escalation or a hotspot alert. The outbox worker sends
 * it part by part and remembers how far it got, as it does for case alerts (notifications), so a
 * retried job never sends a part twice and a restart loses nothing.
 */
export interface Notice {
  /** Chosen by the caller from what the notice is about (e.g. `n.<caseId>.ack`): also the outbox job id. */
  noticeId: string;
  caseId?: string;
  channel: ChannelName;
  /** An officer's chat, in clear. */
  chatId?: string;
  /** The officer it is for, when it is for one: checked again when it is sent (store/recipient-authority.ts). */
  officerId?: string;
  /** A resident's chat, sealed (domain/sealed-box): opened only by the worker that sends. */
  chatIdEnc?: string;
  parts: OutboundMessage[];
  status: NoticeStatus;
  partsSent: number;
  attempts: number;
  lastError?: string;
  sentAt?: Date;
  createdAt: Date;
}

export const noticeSchema = new Schema<Notice>(
  {
    noticeId: { type: String, required: true },
    caseId: { type: String },
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String },
    officerId: { type: String },
    chatIdEnc: { type: String },
    // Stored as written (text, options, attachments): the sender renders them per platform.
    parts: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: NOTICE_STATUSES, default: 'pending' },
    partsSent: { type: Number, default: 0, min: 0 },
    attempts: { type: Number, default: 0, min: 0 },
    lastError: { type: String },
    sentAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notices', versionKey: false },
);

// _id is the noticeId itself: FerretDB 1.24 (SQLite) finds documents quickly only by _id.
noticeSchema.add({ _id: String } as Parameters<typeof noticeSchema.add>[0]);
