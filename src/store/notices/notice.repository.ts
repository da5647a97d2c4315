import type { Model } from 'mongoose';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import type { Notice } from './notice.schema';

const MAX_ERROR_LENGTH = 500;
/** `lastError` of a notice to a resident who erased their data before it went out. */
export const RESIDENT_ERASED = 'ResidentErased';

export type NewNotice = Pick<Notice, 'noticeId' | 'channel' | 'parts'> &
  Partial<Pick<Notice, 'caseId' | 'chatId' | 'chatIdEnc' | 'officerId'>>;

/** Written messages waiting for (or done with) the outbox; see notice.schema.ts. */
export class NoticeRepository {
  constructor(private readonly model: Model<Notice>) {}

  /**
   * Creates the notice pending unless one with this id exists, which is returned as it is (sent
   * or half sent included): asking twice for the same notice sends it once. An insert guarded by
   * `_id` rather than an upsert, so nothing depends on FerretDB's `$setOnInsert`.
   */
  async ensure(n: NewNotice): Promise<Notice> {
    if (!n.chatId === !n.chatIdEnc) throw new Error(`notice ${n.noticeId}: give exactly one of chatId and chatIdEnc`);
    if (n.parts.length === 0) throw new Error(`notice ${n.noticeId}: nothing to send`);
    const fresh: Notice = {
      noticeId: n.noticeId,
      channel: n.channel,
      parts: n.parts.map((p) => JSON.parse(JSON.stringify(p)) as Notice['parts'][number]),
      status: 'pending',
      partsSent: 0,
      attempts: 0,
      createdAt: new Date(),
      ...(n.caseId === undefined ? {} : { caseId: n.caseId }),
      ...(n.chatId === undefined ? {} : { chatId: n.chatId }),
      ...(n.chatIdEnc === undefined ? {} : { chatIdEnc: n.chatIdEnc }),
      ...(n.officerId === undefined ? {} : { officerId: n.officerId }),
    };
    try {
      const doc = await this.model.create({ _id: fresh.noticeId, ...fresh });
      return plain(doc.toObject({ versionKey: false }) as Stored<Notice>);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.byId(n.noticeId);
      if (!existing) throw error;
      return existing;
    }
  }

  async byId(noticeId: string): Promise<Notice | null> {
    return plain(await this.model.findOne({ _id: noticeId }).lean<Stored<Notice>>().exec());
  }

  /** Which of these attachment references (`evidence:<id>`) a notice's parts still name (a relayed answer's photo). */
  async attachmentsAmong(refs: readonly string[]): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await this.model
      .find({ 'parts.attachments.ref': { $in: refs } })
      .select({ parts: 1 })
      .lean<{ parts: Notice['parts'] }[]>()
      .exec();
    const wanted = new Set(refs);
    return new Set(rows.flatMap((r) => r.parts.flatMap((p) => (p.attachments ?? []).map((a) => a.ref))).filter((ref) => wanted.has(ref)));
  }

  async forCase(caseId: string): Promise<Notice[]> {
    const rows = await this.model.find({ caseId }).sort({ createdAt: 1, _id: 1 }).lean<Stored<Notice>[]>().exec();
    return rows.map((row) => plain(row));
  }

  /** `$max`, so a late or repeated report never moves progress back. One job per notice writes it. */
  async markPartSent(noticeId: string, partsSent: number): Promise<void> {
    await this.model.updateOne({ _id: noticeId }, { $max: { partsSent } }).exec();
  }

  /** Final state, with the count of parts sent in the same write (the last part's progress). */
  async markSent(noticeId: string, partsSent: number): Promise<void> {
    await this.model.updateOne({ _id: noticeId }, { $set: { status: 'sent' }, $min: { sentAt: new Date() }, $max: { partsSent } }).exec();
  }

  /** Never overrides a notice already sent: one update guarded by the status. */
  async markFailed(noticeId: string, reason: string): Promise<void> {
    await this.model
      .updateOne(
        { _id: noticeId, status: { $ne: 'sent' } },
        { $set: { status: 'failed', lastError: String(reason).slice(0, MAX_ERROR_LENGTH) } },
      )
      .exec();
  }

  /**
   * The resident erased their data: the notices about this case written to them lose their sealed
   * chat and their text; one still waiting is failed (`ResidentErased`), so the outbox never sends
   * it. Notices to officers stay. Returns how many were changed; safe to repeat.
   */
  async forgetResident(caseId: string): Promise<number> {
    const rows = await this.model
      .find({ caseId, chatIdEnc: { $exists: true } })
      .select({ _id: 1, status: 1 })
      .lean<{ _id: string; status: string }[]>()
      .exec();
    for (const row of rows) {
      const set: Record<string, unknown> = { parts: [] };
      if (row.status === 'pending') Object.assign(set, { status: 'failed', lastError: RESIDENT_ERASED });
      await this.model.updateOne({ _id: row._id }, { $set: set, $unset: { chatIdEnc: 1 } }).exec();
    }
    return rows.length;
  }

  /**
   * Retention: every notice about a long-closed case loses its text (relayed questions and
   * answers, updates to the resident) and the resident's sealed chat; its id and status stay, so
   * asking for the same notice again still finds it sent. Returns how many still had either.
   */
  async purgeForCase(caseId: string): Promise<number> {
    const rows = await this.model.find({ caseId }).select({ _id: 1, parts: 1, chatIdEnc: 1 }).lean<Stored<Notice>[]>().exec();
    let changed = 0;
    for (const row of rows) {
      if ((row.parts ?? []).length === 0 && row.chatIdEnc === undefined) continue;
      await this.model.updateOne({ _id: row._id }, { $set: { parts: [] }, $unset: { chatIdEnc: 1 } }).exec();
      changed++;
    }
    return changed;
  }

  async recordAttempt(noticeId: string): Promise<void> {
    await this.model.updateOne({ _id: noticeId }, { $inc: { attempts: 1 } }).exec();
  }
}
