import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../mongo-compat';
import type { RefCodeRecord } from './ref-code.schema';

/** Reference codes given out (see ref-code.schema.ts). */
export class RefCodeRepository {
  constructor(private readonly model: Model<RefCodeRecord>) {}

  /** Records the code as given out; false when it already was (its `_id` is taken). */
  async reserve(r: Omit<RefCodeRecord, 'issuedAt'>): Promise<boolean> {
    try {
      await this.model.create({ _id: r.code, ...r, issuedAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The highest number given out for this kind and month; 0 for none. */
  async highest(kind: string, period: string): Promise<number> {
    const top = await this.model.findOne({ kind, period }).sort({ seq: -1 }).select({ seq: 1 }).lean().exec();
    return top?.seq ?? 0;
  }
}
