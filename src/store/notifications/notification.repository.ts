import type { Model } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';
import { plain, upsertWithRetry, type Stored } from '../mongo-compat';
import { NOTIFICATION_STATUSES, notificationIdFor, type Notification, type NotificationStatus } from './notification.schema';

/** Failure reasons come from platform APIs; keep the stored text bounded. */
const MAX_ERROR_LENGTH = 500;

export class NotificationRepository {
  constructor(private readonly model: Model<Notification>) {}

  /**
   * The notification for this case, officer and platform, created pending if it is new. Safe to
   * repeat: an existing one is returned as it is, progress included (its chat id is not changed,
   * so a half-sent alert is finished in the chat it started in).
   *
   * An upsert with `$setOnInsert` is safe here because no initial value is `null` or `[]`, which
   * FerretDB 1.24 would drop from `$setOnInsert`; keep it that way or insert instead (see cases).
   */
  async ensure(n: { caseId: string; recipientId: string; channel: ChannelName; chatId: string }): Promise<Notification> {
    const notificationId = notificationIdFor(n.caseId, n.recipientId, n.channel);
    const onInsert = {
      caseId: n.caseId,
      recipientId: n.recipientId,
      channel: n.channel,
      chatId: n.chatId,
      status: 'pending' as const,
      partsSent: 0,
      attempts: 0,
      createdAt: new Date(),
    };
    const saved = await upsertWithRetry(() =>
      this.model
        .findOneAndUpdate(
          { _id: notificationId },
          { $setOnInsert: { notificationId, ...onInsert } },
          { upsert: true, new: true, runValidators: true },
        )
        .lean<Stored<Notification>>()
        .exec(),
    );
    if (!saved) throw new Error(`notification ${notificationId}: the upsert returned nothing`);
    return plain(saved);
  }

  /** By `_id` (= notificationId), the one index every database serves without being asked. */
  async byId(notificationId: string): Promise<Notification | null> {
    return plain(await this.model.findOne({ _id: notificationId }).lean<Stored<Notification>>().exec());
  }

  /**
   * Records progress after each part; `$max` so a late or repeated report never moves it back.
   */
  async markPartSent(notificationId: string, partsSent: number): Promise<Notification | null> {
    if (!Number.isInteger(partsSent) || partsSent < 0) throw new Error(`partsSent must be a whole number >= 0, got ${partsSent}`);
    return this.update(notificationId, { $max: { partsSent } });
  }

  /**
   * Final state, with the count of parts sent in the same write: the last part's progress and the
   * final state are one database round trip, not two. Repeating it keeps the first `sentAt` (`$min`).
   */
  async markSent(notificationId: string, partsSent: number): Promise<Notification | null> {
    if (!Number.isInteger(partsSent) || partsSent < 0) throw new Error(`partsSent must be a whole number >= 0, got ${partsSent}`);
    return this.update(notificationId, { $set: { status: 'sent' }, $min: { sentAt: new Date() }, $max: { partsSent } });
  }

  /**
   * Gave up (blocked bot, chat gone, retries spent). Never overrides a notification already sent:
   * one update guarded by the status, and the notification as it is when the guard refuses.
   */
  async markFailed(notificationId: string, reason: string): Promise<Notification | null> {
    const failed = { $set: { status: 'failed', lastError: String(reason).slice(0, MAX_ERROR_LENGTH) } };
    return (await this.update(notificationId, failed, { status: { $ne: 'sent' } })) ?? this.byId(notificationId);
  }

  /** Held by a flood cap: the officer's digest sends it. Only a pending one (a retry finds it batched). */
  async markBatched(notificationId: string): Promise<Notification | null> {
    return (await this.update(notificationId, { $set: { status: 'batched' } }, { status: 'pending' })) ?? this.byId(notificationId);
  }

  /** The alerts waiting for one officer's digest on one platform, oldest first. */
  async batchedFor(recipientId: string, channel: ChannelName): Promise<Notification[]> {
    const rows = await this.model
      .find({ recipientId, channel, status: 'batched' })
      .sort({ createdAt: 1 })
      .lean<Stored<Notification>[]>()
      .exec();
    return rows.map((row) => plain(row));
  }

  /**
   * The alert job takes a pending notification up: counts the attempt and reads it in one update
   * (null when it is not pending any more, or gone). `attempts` counts the jobs that took it up,
   * whether they then sent it, held it for a digest or withheld it.
   */
  async takeUp(notificationId: string): Promise<Notification | null> {
    return this.update(notificationId, { $inc: { attempts: 1 } }, { status: 'pending' });
  }

  async forCase(caseId: string): Promise<Notification[]> {
    const rows = await this.model.find({ caseId }).sort({ recipientId: 1, channel: 1 }).lean<Stored<Notification>[]>().exec();
    return rows.map((row) => plain(row));
  }

  /** For metrics and the health page: every status, zero included. */
  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const rows = await this.model.aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]).exec();
    const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
    for (const row of rows) {
      if ((NOTIFICATION_STATUSES as readonly string[]).includes(row._id)) counts[row._id as NotificationStatus] = row.count;
    }
    return counts;
  }

  /** One notification's update, only while it matches `only` (when given); null when it does not. */
  private async update(
    notificationId: string,
    update: Record<string, unknown>,
    only: Record<string, unknown> = {},
  ): Promise<Notification | null> {
    return plain(
      await this.model
        .findOneAndUpdate({ ...only, _id: notificationId }, update, { new: true })
        .lean<Stored<Notification>>()
        .exec(),
    );
  }
}
