import type { Connection } from 'mongoose';
import { isBoundCaseField, openCaseField, sealCaseField, type CaseSealedField } from '../domain/case-seals';
import type { SealedBox } from '../domain/sealed-box';
import { EvidenceRepository } from './evidence/evidence.repository';
import { createModels } from './models';

/** What one part of a key rotation did: values sealed again, values already on the newest key, values that do not open. */
export interface ResealCount {
  resealed: number;
  current: number;
  unreadable: number;
}

export const noReseals = (): ResealCount => ({ resealed: 0, current: 0, unreadable: 0 });

/**
 * Every sealed value the database holds, sealed again with the newest key (scripts/admin
 * rotate-key): the cases' contact and reply chat (`contactEnc`, `replyTo.chatIdEnc`), the notices'
 * resident chat (`chatIdEnc`) and the evidence store's files. Read in batches in `_id` order; each
 * document is written back only if its sealed values are still those that were read (so an erasure
 * or a retention run meanwhile is never undone), and a value already on the newest key is left as
 * it is, so the rotation can be stopped and run again at any time.
 */
export class DatabaseKeyRotation {
  constructor(
    private readonly conn: Connection,
    private readonly box: SealedBox,
    private readonly batch: number,
  ) {}

  async cases(): Promise<ResealCount> {
    const model = createModels(this.conn).case;
    const count = noReseals();
    for (let after = ''; ;) {
      const rows = await model
        .find({ _id: { $gt: after } })
        .select({ _id: 1, contactEnc: 1, replyTo: 1 })
        .sort({ _id: 1 })
        .limit(this.batch)
        .lean<{ _id: string; contactEnc?: string; replyTo?: { channel: string; chatIdEnc: string } }[]>()
        .exec();
      if (rows.length === 0) return count;
      after = rows[rows.length - 1]!._id;
      for (const r of rows) {
        const contact = this.resealed(r.contactEnc, count, { caseId: r._id, field: 'contact' });
        const chat = this.resealed(r.replyTo?.chatIdEnc, count, { caseId: r._id, field: 'replyTo' });
        const set: Record<string, string> = {};
        if (contact) set.contactEnc = contact;
        if (chat) set['replyTo.chatIdEnc'] = chat;
        if (Object.keys(set).length === 0) continue;
        await model
          .updateOne(
            {
              _id: r._id,
              ...(r.contactEnc === undefined ? {} : { contactEnc: r.contactEnc }),
              ...(r.replyTo === undefined ? {} : { 'replyTo.chatIdEnc': r.replyTo.chatIdEnc }),
            },
            { $set: set },
          )
          .exec();
      }
    }
  }

  async notices(): Promise<ResealCount> {
    const model = createModels(this.conn).notice;
    const count = noReseals();
    for (let after = ''; ;) {
      const rows = await model
        .find({ _id: { $gt: after } })
        .select({ _id: 1, chatIdEnc: 1, caseId: 1 })
        .sort({ _id: 1 })
        .limit(this.batch)
        .lean<{ _id: string; chatIdEnc?: string; caseId?: string }[]>()
        .exec();
      if (rows.length === 0) return count;
      after = rows[rows.length - 1]!._id;
      for (const r of rows) {
        // A notice to a tipster carries their case's chat value, bound to the case.
        const chat = this.resealed(r.chatIdEnc, count, r.caseId ? { caseId: r.caseId, field: 'replyTo' } : undefined);
        if (chat) await model.updateOne({ _id: r._id, chatIdEnc: r.chatIdEnc }, { $set: { chatIdEnc: chat } }).exec();
      }
    }
  }

  async evidence(): Promise<ResealCount> {
    const files = new EvidenceRepository(this.conn, this.box);
    const count = noReseals();
    for (let after = ''; ;) {
      const ids = await files.idsAfter(after, this.batch);
      if (ids.length === 0) return count;
      after = ids[ids.length - 1]!;
      for (const id of ids) {
        try {
          const outcome = await files.reseal(id);
          if (outcome !== 'gone') count[outcome] += 1;
        } catch {
          count.unreadable += 1;
        }
      }
    }
  }

  /**
   * The value sealed with the newest key when it is not yet (counted); undefined when nothing is to
   * be written. A case's field is also bound to its case and field (domain/case-seals.ts) when it
   * was sealed before the binding, so after a run no value can be moved to another case.
   */
  private resealed(sealed: string | undefined, count: ResealCount, of?: { caseId: string; field: CaseSealedField }): string | undefined {
    if (sealed === undefined) return undefined;
    const bound = !of || isBoundCaseField(this.box, sealed, of.caseId, of.field);
    if (this.box.isCurrent(sealed) && bound) {
      count.current += 1;
      return undefined;
    }
    try {
      const again = of
        ? sealCaseField(this.box, openCaseField(this.box, sealed, of.caseId, of.field), of.caseId, of.field)
        : this.box.reseal(sealed);
      count.resealed += 1;
      return again;
    } catch {
      count.unreadable += 1;
      return undefined;
    }
  }
}
