import type { Model } from 'mongoose';
import { plain, type Stored } from '../mongo-compat';
import type { AuditAction, AuditEvent } from './audit.schema';

/** Which audit events a page shows: null areas for everywhere (a superadmin). */
export interface AuditQuery {
  areaCodes: string[] | null;
  action?: AuditAction;
  from?: Date;
  to?: Date;
  offset: number;
  limit: number;
}

export class AuditRepository {
  constructor(private readonly model: Model<AuditEvent>) {}

  async record(e: AuditEvent): Promise<void> {
    const doc: AuditEvent = { at: e.at, actor: e.actor, action: e.action, channel: e.channel, areaCodes: [...new Set(e.areaCodes)] };
    if (e.refCode) doc.refCode = e.refCode;
    if (e.detail && Object.keys(e.detail).length > 0) doc.detail = { ...e.detail };
    await this.model.create(doc);
  }

  /** One page, newest first, and how many there are. */
  async page(q: AuditQuery): Promise<{ items: AuditEvent[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (q.areaCodes !== null) filter.areaCodes = { $in: q.areaCodes };
    if (q.action) filter.action = q.action;
    if (q.from || q.to) filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const [rows, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .skip(q.offset)
        .limit(q.limit)
        .select({ _id: 0 })
        .lean<Stored<AuditEvent>[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items: rows.map((r) => plain(r)), total };
  }

  /** Retention: deletes the events older than `cutoff`; how many went. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ at: { $lt: cutoff } }).exec();
    return result.deletedCount;
  }
}
