import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One broadcast into one group: the outbox's unit of work and its memory, so a retried or
 * taken-over job never posts twice. One document per group (not counters on the broadcast): each
 * has one writer, that group's outbox job, so thousands of sends never contend for one document.
 */
export interface BroadcastDelivery {
  /** `${broadcastId}.${channel}.${hash of the chat}` (deliveryIdFor): also the outbox job id. */
  deliveryId: string;
  broadcastId: string;
  channel: ChannelName;
  chatId: string;
  title: string;
  status: DeliveryStatus;
  /** A photo and a long text are two messages; this many went out. */
  partsSent: number;
  attempts: number;
  /** Why it failed or was skipped: 'removed' (bot no longer in the group), 'inactive', 'rejected', … */
  reason?: string;
  createdAt: Date;
  finishedAt?: Date;
}

/**
 * Deterministic, valid as a BullMQ job id (no ':'), and safe to log: the group's chat id enters
 * only as a hash, because job ids and delivery ids appear in logs and chat ids must not.
 */
export function deliveryIdFor(broadcastId: string, channel: ChannelName, chatId: string): string {
  return `${broadcastId}.${channel}.${createHash('sha256').update(`${channel}:${chatId}`).digest('base64url').slice(0, 16)}`;
}

export const deliverySchema = new Schema<BroadcastDelivery>(
  {
    deliveryId: { type: String, required: true, unique: true },
    broadcastId: { type: String, required: true, index: true },
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String, required: true },
    title: { type: String, default: '' },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    partsSent: { type: Number, default: 0, min: 0 },
    attempts: { type: Number, default: 0, min: 0 },
    reason: { type: String },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { collection: 'broadcast_deliveries', versionKey: false },
);
deliverySchema.add({ _id: String } as Parameters<typeof deliverySchema.add>[0]);
