import type { Model } from 'mongoose';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import { DELIVERY_STATUSES, type BroadcastDelivery, type DeliveryStatus } from './delivery.schema';

export type DeliveryCounts = Record<DeliveryStatus, number>;

/** Per-group deliveries of broadcasts. Hot lookups go by `_id` (= deliveryId), as FerretDB wants. */
export class DeliveryRepository {
  constructor(private readonly model: Model<BroadcastDelivery>) {}

  /**
   * Creates the deliveries that do not exist; those that do (a retried fan-out) are returned as
   * they are, progress included, so a fan-out retried while a group's job is sending never writes
   * an old copy over the job's progress (a plain insert, never an upsert). One unordered bulk
   * insert: a 5,000-group fan-out is ten round trips instead of 5,000, which kept the first group
   * waiting 24 s on FerretDB. Returned in the order given.
   */
  async createManyIfAbsent(list: Omit<BroadcastDelivery, 'partsSent' | 'attempts' | 'createdAt'>[]): Promise<BroadcastDelivery[]> {
    if (list.length === 0) return [];
    const createdAt = new Date();
    const docs = list.map((d) => ({ _id: d.deliveryId, ...d, partsSent: 0, attempts: 0, createdAt }));
    let clashed = false;
    try {
      // throwOnValidationError: unordered, mongoose would otherwise drop an invalid one silently.
      await this.model.insertMany(docs, { ordered: false, throwOnValidationError: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      clashed = true;
    }
    if (!clashed) return docs.map(({ _id, ...d }) => d);
    // Some existed: what is stored wins, as in createIfAbsent (one by one: this is the rare retry).
    const stored: BroadcastDelivery[] = [];
    for (const d of list) {
      const found = await this.byId(d.deliveryId);
      if (!found) throw new Error(`delivery ${d.deliveryId} was neither inserted nor found`);
      stored.push(found);
    }
    return stored;
  }

  async byId(deliveryId: string): Promise<BroadcastDelivery | null> {
    return plain(await this.model.findOne({ _id: deliveryId }).lean<Stored<BroadcastDelivery>>().exec());
  }

  /**
   * The group's job takes a pending delivery up: counts the attempt and reads it in one update
   * (null when it is no longer pending, or gone). `attempts` counts the jobs that took it up.
   */
  async takeUp(deliveryId: string): Promise<BroadcastDelivery | null> {
    const d = await this.model
      .findOneAndUpdate({ _id: deliveryId, status: 'pending' }, { $inc: { attempts: 1 } }, { new: true })
      .lean<Stored<BroadcastDelivery>>()
      .exec();
    return d ? plain(d) : null;
  }

  async markPartSent(deliveryId: string, partsSent: number): Promise<void> {
    await this.model.updateOne({ _id: deliveryId }, { $max: { partsSent } }).exec();
  }

  /**
   * Final state, once: a delivery already sent, failed or skipped keeps what it was. `partsSent`
   * saves the last part's progress in the same write.
   *
   * One update guarded by `status: 'pending'` (a round trip per group, where reading first made
   * two); when the guard refuses, the delivery as it already is.
   */
  async finish(
    deliveryId: string,
    status: Exclude<DeliveryStatus, 'pending'>,
    how: { reason?: string; partsSent?: number } = {},
  ): Promise<BroadcastDelivery | null> {
    const fields: Partial<BroadcastDelivery> = {
      status,
      finishedAt: new Date(),
      ...(how.reason ? { reason: how.reason.slice(0, 200) } : {}),
    };
    const update = how.partsSent !== undefined ? { $set: fields, $max: { partsSent: how.partsSent } } : { $set: fields };
    const finished = await this.model
      .findOneAndUpdate({ _id: deliveryId, status: 'pending' }, update, { new: true })
      .lean<Stored<BroadcastDelivery>>()
      .exec();
    return finished ? plain(finished) : this.byId(deliveryId);
  }

  /** How many of a broadcast's deliveries are in each state, zero included. */
  async counts(broadcastId: string): Promise<DeliveryCounts> {
    const rows = await this.model
      .aggregate<{ _id: string; count: number }>([{ $match: { broadcastId } }, { $group: { _id: '$status', count: { $sum: 1 } } }])
      .exec();
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
