import type { Model } from 'mongoose';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import { DELIVERY_STATUSES, type BroadcastDelivery, type DeliveryStatus } from './delivery.schema';

export type DeliveryCounts = Record<DeliveryStatus, number>;

/** Per-group deliveries of broadcasts. Hot lookups go by `_id` (= deliveryId), as FerretDB wants. */
export class DeliveryRepository {
  constructor(private readonly model: Model<BroadcastDelivery>) {}

  /**
   * Creates the delivery unless it exists; an existing one is returned as it is, progress included.
   * A plain insert (never an upsert) so a fan-out retried while the group's job is sending cannot
   * write an old copy of the document back over the job's progress on FerretDB. Insert first and
   * read only on E11000: a fan-out's first run, the usual case, costs one write per group.
   */
  async createIfAbsent(d: Omit<BroadcastDelivery, 'partsSent' | 'attempts' | 'createdAt'>): Promise<BroadcastDelivery> {
    try {
      const doc = await this.model.create({ _id: d.deliveryId, ...d, partsSent: 0, attempts: 0, createdAt: new Date() });
      return plain(doc.toObject({ versionKey: false }) as Stored<BroadcastDelivery>);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.byId(d.deliveryId);
      if (!winner) throw error;
      return winner;
    }
  }

  async byId(deliveryId: string): Promise<BroadcastDelivery | null> {
    return plain(await this.model.findOne({ _id: deliveryId }).lean<Stored<BroadcastDelivery>>().exec());
  }

  async recordAttempt(deliveryId: string): Promise<void> {
    await this.model.updateOne({ _id: deliveryId }, { $inc: { attempts: 1 } }).exec();
  }

  async markPartSent(deliveryId: string, partsSent: number): Promise<void> {
    await this.model.updateOne({ _id: deliveryId }, { $max: { partsSent } }).exec();
  }

  /**
   * Final state, once: a delivery already sent, failed or skipped keeps what it was. `partsSent`
   * saves the last part's progress in the same write.
   *
   * Read, then write by `_id` alone, not one guarded `{ _id, status: 'pending' }` update: FerretDB
   * pushes only a bare `_id` filter down to its index and scans the whole collection for any other
   * (a 5,000-group broadcast spent most of its time there). The read and the write are not atomic,
   * and need not be: a delivery has one writer, the outbox job whose id is the delivery id, and the
   * failed-job handler that runs only after that job has stopped.
   */
  async finish(deliveryId: string, status: Exclude<DeliveryStatus, 'pending'>, how: { reason?: string; partsSent?: number } = {}): Promise<BroadcastDelivery | null> {
    const current = await this.byId(deliveryId);
    if (!current || current.status !== 'pending') return current;
    const fields: Partial<BroadcastDelivery> = {
      status,
      finishedAt: new Date(),
      ...(how.reason ? { reason: how.reason.slice(0, 200) } : {}),
      ...(how.partsSent !== undefined ? { partsSent: Math.max(how.partsSent, current.partsSent) } : {}),
    };
    await this.model.updateOne({ _id: deliveryId }, { $set: fields }).exec();
    return { ...current, ...fields };
  }

  /** How many of a broadcast's deliveries are in each state, zero included. */
  async counts(broadcastId: string): Promise<DeliveryCounts> {
    const rows = await this.model.aggregate<{ _id: string; count: number }>([{ $match: { broadcastId } }, { $group: { _id: '$status', count: { $sum: 1 } } }]).exec();
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as DeliveryCounts;
    for (const row of rows) if ((DELIVERY_STATUSES as readonly string[]).includes(row._id)) counts[row._id as DeliveryStatus] = row.count;
    return counts;
  }

  async forBroadcast(broadcastId: string, status?: DeliveryStatus): Promise<BroadcastDelivery[]> {
    const rows = await this.model
      .find({ broadcastId, ...(status ? { status } : {}) })
      .sort({ title: 1, chatId: 1 })
      .lean<Stored<BroadcastDelivery>[]>()
      .exec();
    return rows.map((row) => plain(row));
  }
}
