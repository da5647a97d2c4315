import type { Model } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';
import { LookupCache } from '../lookup-cache';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import type { Broadcast, BroadcastStatus } from './broadcast.schema';

/**
 * Broadcasts by id. Every status change has one writer at a time: the bot creates it, the
 * broadcast job moves it to `sending` (or the sender's cancel, after winning the Redis fence, to
 * `cancelled`), and the report job to `done`.
 */
export class BroadcastRepository {
  private readonly contents: LookupCache<Omit<Broadcast, 'targets'>>;

  constructor(
    private readonly model: Model<Broadcast>,
    /** How long a broadcast's content is remembered for its deliveries (see LookupCache); 0 for never. */
    lookupCacheMs = 0,
  ) {
    this.contents = new LookupCache(lookupCacheMs, 100);
  }

  /** Stores it unless one with this id exists (a second press of "Send"); returns the stored one. */
  async insertIfAbsent(b: Broadcast): Promise<{ broadcast: Broadcast; created: boolean }> {
    try {
      const doc = await this.model.create({ _id: b.broadcastId, ...b });
      return { broadcast: plain(doc.toObject({ versionKey: false }) as Stored<Broadcast>), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.byId(b.broadcastId);
      if (!existing) throw error;
      return { broadcast: existing, created: false };
    }
  }

  async byId(broadcastId: string): Promise<Broadcast | null> {
    return plain(await this.model.findOne({ _id: broadcastId }).lean<Stored<Broadcast>>().exec());
  }

  /** What a delivery needs (the words, the photo, whether it was cancelled), without the target list. */
  /**
   * Remembered: every group's delivery asks, and FerretDB reads the whole document, targets and
   * all, before it projects them away (650 ms for a 5,000-group broadcast under load, which held
   * the broadcast to 8 groups a second). Nothing a delivery reads changes once deliveries exist:
   * the words are fixed when it is written, and a cancel that comes after the fan-out is refused.
   */
  async content(broadcastId: string): Promise<Omit<Broadcast, 'targets'> | null> {
    return this.contents.get(broadcastId, async () =>
      plain(await this.model.findOne({ _id: broadcastId }, { targets: 0 }).lean<Stored<Omit<Broadcast, 'targets'>>>().exec()),
    );
  }

  async markSending(broadcastId: string): Promise<Broadcast | null> {
    return this.set(broadcastId, { status: 'sending', startedAt: new Date() });
  }

  async markCancelled(broadcastId: string): Promise<Broadcast | null> {
    return this.set(broadcastId, { status: 'cancelled', finishedAt: new Date() });
  }

  async markDone(broadcastId: string, result: NonNullable<Broadcast['result']>): Promise<Broadcast | null> {
    return this.set(broadcastId, { status: 'done', finishedAt: new Date(), result });
  }

  /** A sender's broadcasts in these states, soonest first (scheduled by time, others by creation). */
  async bySender(channel: ChannelName, userId: string, statuses: readonly BroadcastStatus[]): Promise<Broadcast[]> {
    const rows = await this.model
      .find({ 'sender.userId': userId, 'sender.channel': channel, status: { $in: [...statuses] } })
      .sort({ scheduledFor: 1, createdAt: 1 })
      .lean<Stored<Broadcast>[]>()
      .exec();
    return rows.map((row) => plain(row));
  }

  async count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }

  private async set(broadcastId: string, fields: Partial<Broadcast>): Promise<Broadcast | null> {
    this.contents.clear();
    return plain(await this.model.findOneAndUpdate({ _id: broadcastId }, { $set: fields }, { new: true }).lean<Stored<Broadcast>>().exec());
  }
}
