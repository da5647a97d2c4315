import { Schema } from 'mongoose';

/**
 * One reference code given out, kept for good: the database's record that the code is taken. The
 * fast counter lives in Redis and can go back (a restart losing its last second, a failover, a
 * restore); this collection cannot, so a code is given out only once its row is written here.
 * Holds no case id and nothing of the resident: a code, its kind, its month and its number.
 */
export interface RefCodeRecord {
  /** The code itself, also `_id`: the unique index that makes a second issue of it fail. */
  code: string;
  kind: string;
  /** YYMM, Vietnam time, as in the code. */
  period: string;
  seq: number;
  issuedAt: Date;
}

export const refCodeSchema = new Schema<RefCodeRecord>(
  {
    code: { type: String, required: true },
    kind: { type: String, required: true },
    period: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'ref_codes', versionKey: false },
);

refCodeSchema.add({ _id: String } as Parameters<typeof refCodeSchema.add>[0]);
refCodeSchema.index({ kind: 1, period: 1, seq: -1 });
