import type { Model } from 'mongoose';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import type { Case, NewCase } from './case.schema';

/**
 * The reference code of a new case is already used by another case. The caller draws a new code;
 * nothing was written.
 */
export class RefCodeTakenError extends Error {
  constructor(readonly refCode: string) {
    super(`reference code ${refCode} is already used by another case: draw a new one`);
    this.name = 'RefCodeTakenError';
  }
}

/** Field names become document keys: a '$' or '.' in one would be read as an operator or a path. */
export function assertSafeFieldKeys(fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === '' || key.startsWith('$') || key.includes('.')) {
      throw new Error(`case field name ${JSON.stringify(key)} is not allowed: no '$' at the start, no '.'`);
    }
    if (typeof value !== 'string') throw new Error(`case field ${JSON.stringify(key)} must be text`);
  }
}

export class CaseRepository {
  constructor(private readonly model: Model<Case>) {}

  /**
   * Stores the case unless one with the same `caseId` exists, in one write, and says which
   * happened. A re-delivered queue job, a double confirm or two workers racing all end with one
   * case; everyone gets the stored one back (its refCode wins over the one passed in).
   *
   * The write is a plain insert guarded by the unique index on `caseId`: E11000 means the case is
   * already there, and it is read back. (An E11000 with no case of this id means the refCode is
   * another case's.) Not `findOneAndUpdate` + `$setOnInsert` + `upsert`: FerretDB 1.24 reports
   * `updatedExisting` correctly but silently drops top-level `null` and `[]` values from
   * `$setOnInsert`, so a new case would lack `areaCode: null` and `recipients: []`.
   */
  async insertIfAbsent(input: NewCase): Promise<{ case: Case; created: boolean }> {
    assertSafeFieldKeys(input.fields);
    const now = new Date();
    const fresh: Case = {
      ...input,
      fields: { ...input.fields },
      attachments: input.attachments.map(({ kind, ref }) => ({ kind, ref })),
      status: 'new',
      recipients: [...new Set(input.recipients ?? [])],
      history: [{ at: input.submittedAt, action: 'submitted', by: 'resident' }],
      createdAt: now,
    };
    for (const key of Object.keys(fresh) as (keyof Case)[]) {
      if (fresh[key] === undefined) delete fresh[key];
    }
    try {
      const doc = await this.model.create({ _id: fresh.caseId, ...fresh });
      return { case: plain(doc.toObject({ flattenMaps: true, versionKey: false }) as Stored<Case>), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.byCaseId(input.caseId);
      if (existing) return { case: existing, created: false };
      throw new RefCodeTakenError(input.refCode);
    }
  }

  /** Replaces who was alerted (routing may run again after a retry: the result is the same). */
  async setRecipients(caseId: string, officerIds: string[]): Promise<Case | null> {
    const updated = await this.model
      .findOneAndUpdate({ _id: caseId }, { $set: { recipients: [...new Set(officerIds)] } }, { new: true })
      .lean<Stored<Case>>()
      .exec();
    return plain(updated);
  }

  async byCaseId(caseId: string): Promise<Case | null> {
    return plain(await this.model.findOne({ _id: caseId }).lean<Stored<Case>>().exec());
  }

  /** Exact match: callers normalise what a person typed (upper case, no spaces) first. */
  async byRefCode(refCode: string): Promise<Case | null> {
    return plain(await this.model.findOne({ refCode }).lean<Stored<Case>>().exec());
  }

  async count(filter: { kind?: string } = {}): Promise<number> {
    return this.model.countDocuments(filter.kind === undefined ? {} : { kind: filter.kind }).exec();
  }
}
