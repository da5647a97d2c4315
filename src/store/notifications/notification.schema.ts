import { Schema } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';

/** `batched`: held by a flood cap for the officer's digest (src/outbox/flood-gate.ts), which sends it. */
export const NOTIFICATION_STATUSES = ['pending', 'batched', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * One alert about one case to one officer on one platform: the outbox's unit of work and its
 * memory of what was already sent, so a retried job never sends a part twice.
 */
export interface Notification {
  /** `${caseId}.${recipientId}.${channel}`: also the outbox job id. */
  notificationId: string;
  caseId: string;
  recipientId: string;
  channel: ChannelName;
  chatId: string;
  status: NotificationStatus;
  /** An alert may need several messages (text, location, photos); this many went out. */
  partsSent: number;
  attempts: number;
  lastError?: string;
  sentAt?: Date;
  createdAt: Date;
}

/** Deterministic, so running routing again yields the same notifications and the same job ids. */
export function notificationIdFor(caseId: string, recipientId: string, channel: ChannelName): string {
  return `${caseId}.${recipientId}.${channel}`;
}

export const notificationSchema = new Schema<Notification>(
  {
    notificationId: { type: String, required: true, unique: true },
    caseId: { type: String, required: true },
    recipientId: { type: String, required: true },
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String, required: true },
    status: { type: String, enum: NOTIFICATION_STATUSES, default: 'pending', index: true },
    partsSent: { type: Number, default: 0, min: 0 },
    attempts: { type: Number, default: 0, min: 0 },
    lastError: { type: String },
    sentAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notifications', versionKey: false },
);
// Also serves `forCase` (prefix caseId).
notificationSchema.index({ caseId: 1, recipientId: 1, channel: 1 }, { unique: true });

// _id is the notificationId itself: FerretDB 1.24 (SQLite) finds documents quickly only by _id and scans
// the collection for any other field, so the hot lookups go by _id (see NotificationRepository.byId).
notificationSchema.add({ _id: String } as Parameters<typeof notificationSchema.add>[0]);
