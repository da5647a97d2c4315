import type { Model } from 'mongoose';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import type { CasePlan, CaseStatus } from '../../domain/case-workflow';
import type { Case, NewCase } from './case.schema';
import { AppError } from '../../domain/app-error';

/** What a map marker needs of a case with a location: nothing of the tipster, none of their words. */
export type LocatedCase = Pick<Case, 'refCode' | 'status' | 'kind' | 'category' | 'areaCode' | 'submittedAt'> & {
  location: NonNullable<Case['location']>;
};

/** What a change was planned from (domain/case-workflow `planChange` reads these of the case). */
export type PlanBasis = Pick<Case, 'status'> & { assignedTo?: string | null };

/** How many cases, by kind and category, by status and by area (statistics). */
export interface CaseCounts {
  byCategory: { kind: string; category: string; count: number }[];
  byStatus: { status: string; count: number }[];
  byArea: { areaCode: string | null; count: number }[];
}

/**
 * The reference code of a new case is already used by another case. The caller draws a new code;
 * nothing was written.
 */
export class RefCodeTakenError extends AppError {
  constructor(readonly refCode: string) {
    super(`reference code ${refCode} is already used by another case: draw a new one`);
  }
}

/**
 * History lines whose note is someone's words (an officer's note or question, the resident's
 * answer); the others note an outcome, an officer id or a level, which statistics keep.
 */
const WORDS_IN_HISTORY = new Set(['note', 'question', 'answer']);

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

  /** Which of these attachment references (`evidence:<id>`) a case still names. */
  async attachmentsAmong(refs: readonly string[]): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await this.model
      .find({ 'attachments.ref': { $in: refs } })
      .select({ attachments: 1 })
      .lean<{ attachments: { ref: string }[] }[]>()
      .exec();
    const wanted = new Set(refs);
    return new Set(rows.flatMap((r) => r.attachments.map((a) => a.ref)).filter((ref) => wanted.has(ref)));
  }

  async byCaseId(caseId: string): Promise<Case | null> {
    return plain(await this.model.findOne({ _id: caseId }).lean<Stored<Case>>().exec());
  }

  /** Exact match: callers normalise what a person typed (upper case, no spaces) first. */
  async byRefCode(refCode: string): Promise<Case | null> {
    return plain(await this.model.findOne({ refCode }).lean<Stored<Case>>().exec());
  }

  /**
   * The highest sequence number among stored cases whose code starts `prefix` (e.g. `TB-2612-`):
   * codes given out before the ref_codes collection existed are known only here. Read only when a
   * code turned out to be taken, so a scan of one month's codes is acceptable.
   */
  async highestSequence(prefix: string): Promise<number> {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const rows = await this.model
      .find({ refCode: { $regex: `^${escaped}\\d+$` } })
      .select({ refCode: 1 })
      .lean<{ refCode: string }[]>()
      .exec();
    return rows.reduce((max, r) => Math.max(max, Number(r.refCode.slice(prefix.length)) || 0), 0);
  }

  /** The ids of the cases a resident sent, found by their blind index (domain/reporter-index.ts). */
  async idsByReporterIndex(reporterIndex: string): Promise<string[]> {
    const rows = await this.model.find({ reporterIndex }).select({ _id: 1 }).lean<{ _id: string }[]>().exec();
    return rows.map((r) => String(r._id));
  }

  /**
   * The resident erased their data: the case stays for the officers (what happened, where, when),
   * but the contact they left, their chat and the blind index go, so nothing links it to them and
   * nobody can write to them about it any more. Safe to repeat.
   */
  async unlinkReporter(caseId: string, at: Date): Promise<void> {
    await this.model
      .updateOne({ _id: caseId }, { $unset: { contactEnc: 1, replyTo: 1, reporterIndex: 1 }, $set: { unlinkedAt: at } })
      .exec();
  }

  /**
   * Up to `limit` cases stored before the blind index existed that still have a reply chat (not
   * erased, not purged), with their sealed chat: the daily run gives each its index once.
   */
  async withoutReporterIndex(limit: number): Promise<{ caseId: string; replyTo: NonNullable<Case['replyTo']> }[]> {
    const rows = await this.model
      .find({ reporterIndex: { $exists: false }, replyTo: { $exists: true }, unlinkedAt: { $exists: false } })
      .limit(limit)
      .select({ _id: 1, replyTo: 1 })
      .lean<{ _id: string; replyTo: NonNullable<Case['replyTo']> }[]>()
      .exec();
    return rows.map((r) => ({ caseId: String(r._id), replyTo: { channel: r.replyTo.channel, chatIdEnc: r.replyTo.chatIdEnc } }));
  }

  /** Sets the blind index of a case that has none yet (never replaces one). */
  async setReporterIndex(caseId: string, reporterIndex: string): Promise<void> {
    await this.model.updateOne({ _id: caseId, reporterIndex: { $exists: false } }, { $set: { reporterIndex } }).exec();
  }

  /**
   * Up to `limit` ids of cases closed before `cutoff` whose content retention has not yet removed,
   * oldest first. A scan on FerretDB (no index serves it there), acceptable once a day.
   */
  async closedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.model
      .find({ status: 'resolved', resolvedAt: { $lt: cutoff }, purgedAt: { $exists: false } })
      .sort({ resolvedAt: 1, _id: 1 })
      .limit(limit)
      .select({ _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    return rows.map((r) => String(r._id));
  }

  /**
   * Retention: a long-closed case keeps what statistics count (kind, category, area, group, status,
   * outcome, dates, who handled it) and loses the resident's words, place, media references, the
   * contact, the chat and the blind index, and the texts of notes, questions and answers in its
   * history (each line's date, action and author stay). Safe to repeat.
   */
  async purgeContent(caseId: string, at: Date): Promise<boolean> {
    const current = await this.byCaseId(caseId);
    if (!current) return false;
    const history = current.history.map(({ at: when, action, by, note }) =>
      note === undefined || WORDS_IN_HISTORY.has(action) ? { at: when, action, by } : { at: when, action, by, note },
    );
    const result = await this.model
      .updateOne(
        { _id: caseId },
        {
          $set: { fields: {}, attachments: [], history, purgedAt: current.purgedAt ?? at },
          $unset: { location: 1, contactEnc: 1, replyTo: 1, reporterIndex: 1 },
        },
      )
      .exec();
    return result.matchedCount > 0;
  }

  async count(filter: { kind?: string } = {}): Promise<number> {
    return this.model.countDocuments(filter.kind === undefined ? {} : { kind: filter.kind }).exec();
  }

  /**
   * Writes a change planned by domain/case-workflow `planChange`, in one conditional update: only
   * while the case still has the status and the assignee the plan was made from (all a plan reads
   * of the case, besides its being open); null when it no longer has them (or is gone), and the
   * caller plans again from the case as it now is. Two writers of one case (officers on any bot
   * replica, the web, the escalation worker) therefore never overwrite each other, with no lock:
   * the database checks and writes in one step, as MongoDB does and as our FerretDB does with its
   * document locks (docs/local-database.md).
   */
  async applyPlan(caseId: string, from: PlanBasis, plan: CasePlan): Promise<Case | null> {
    const update: Record<string, unknown> = {};
    const set = Object.fromEntries(Object.entries(plan.set).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length > 0) update.$set = set;
    if (plan.history.length > 0)
      update.$push = {
        history: {
          $each: plan.history.map(({ at, action, by, note }) => (note === undefined ? { at, action, by } : { at, action, by, note })),
        },
      };
    if (plan.addRecipients.length > 0) update.$addToSet = { recipients: { $each: plan.addRecipients } };
    // `assignedTo: null` also matches a case that never had one, as MongoDB reads null.
    const filter = { _id: caseId, status: from.status, assignedTo: from.assignedTo ?? null };
    if (Object.keys(update).length === 0) return plain(await this.model.findOne(filter).lean<Stored<Case>>().exec());
    return plain(await this.model.findOneAndUpdate(filter, update, { new: true }).lean<Stored<Case>>().exec());
  }

  /**
   * One page of the cases in the areas (null: everywhere), oldest first, and how many there are.
   * `mineOrFree`: only cases nobody has taken or this officer has.
   */
  async page(
    q: CaseQuery & {
      /** The dashboard reads the newest first; the chat's list works from the oldest. */
      newestFirst?: boolean;
      offset: number;
      limit: number;
    },
  ): Promise<{ items: Case[]; total: number }> {
    const filter = caseFilter(q);
    const order = q.newestFirst ? -1 : 1;
    const [rows, total] = await Promise.all([
      this.model.find(filter).sort({ submittedAt: order, _id: order }).skip(q.offset).limit(q.limit).lean<Stored<Case>[]>().exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items: rows.map((row) => plain(row)), total };
  }

  /**
   * The newest `limit` cases of the query that have a location, with only what a map marker needs
   * (a projection: the resident's words, media and the sealed values are never read), and whether
   * there were more.
   */
  async located(q: CaseQuery, limit: number): Promise<{ items: LocatedCase[]; truncated: boolean }> {
    const rows = await this.model
      .find({ ...caseFilter(q), location: { $exists: true } })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(limit + 1)
      .select({ _id: 0, refCode: 1, status: 1, kind: 1, category: 1, areaCode: 1, location: 1, submittedAt: 1 })
      .lean<LocatedCase[]>()
      .exec();
    const items = rows.slice(0, limit).map(({ refCode, status, kind, category, areaCode, location, submittedAt }) => ({
      refCode,
      status,
      kind,
      category,
      areaCode: areaCode ?? null,
      location: { latitude: location.latitude, longitude: location.longitude },
      submittedAt: new Date(submittedAt),
    }));
    return { items, truncated: rows.length > limit };
  }

  /** Cases of one kind and category in one area submitted since `since`, oldest first (hotspot detection). */
  async recentInArea(q: { areaCode: string; kind: string; category: string; since: Date }): Promise<Case[]> {
    const rows = await this.model
      .find({ areaCode: q.areaCode, kind: q.kind, category: q.category, submittedAt: { $gte: q.since } })
      .sort({ submittedAt: 1, _id: 1 })
      .lean<Stored<Case>[]>()
      .exec();
    return rows.map((row) => plain(row));
  }

  /** Cases in the areas (null: everywhere) submitted in [from, to), oldest first (reports). */
  async submittedBetween(q: { areaCodes: string[] | null; from: Date; to: Date }): Promise<Case[]> {
    const filter: Record<string, unknown> = { submittedAt: { $gte: q.from, $lt: q.to } };
    if (q.areaCodes !== null) filter.areaCode = { $in: q.areaCodes };
    const rows = await this.model.find(filter).sort({ submittedAt: 1, _id: 1 }).lean<Stored<Case>[]>().exec();
    return rows.map((row) => plain(row));
  }

  /**
   * Counts of the cases in the areas (null: everywhere) submitted since `since`: by kind and
   * category, by status and by area. Three `$match` + `$group` pipelines (no `$facet` on FerretDB).
   */
  async countsSince(q: { areaCodes: string[] | null; since: Date; kinds?: readonly string[] }): Promise<CaseCounts> {
    const match: Record<string, unknown> = { submittedAt: { $gte: q.since } };
    if (q.areaCodes !== null) match.areaCode = { $in: q.areaCodes };
    if (q.kinds !== undefined) match.kind = { $in: [...q.kinds] };
    const group = (id: unknown) =>
      this.model
        .aggregate<{ _id: Record<string, string | null>; count: number }>([{ $match: match }, { $group: { _id: id, count: { $sum: 1 } } }])
        .exec();
    const [byCategory, byStatus, byArea] = await Promise.all([
      group({ kind: '$kind', category: '$category' }),
      group({ status: '$status' }),
      group({ areaCode: '$areaCode' }),
    ]);
    const desc = <T extends { count: number }>(rows: T[], key: (r: T) => string) =>
      rows.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
    return {
      byCategory: desc(
        byCategory.map((r) => ({ kind: String(r._id.kind), category: String(r._id.category), count: r.count })),
        (r) => `${r.kind}.${r.category}`,
      ),
      byStatus: desc(
        byStatus.map((r) => ({ status: String(r._id.status), count: r.count })),
        (r) => r.status,
      ),
      byArea: desc(
        byArea.map((r) => ({ areaCode: r._id.areaCode ?? null, count: r.count })),
        (r) => r.areaCode ?? '',
      ),
    };
  }

  /**
   * The dashboard's counts of the cases a query selects, grouped in the database by kind,
   * category, area, status and outcome at once, then summed here into the four counts. One
   * `$match` + `$group` pipeline: FerretDB has no `$facet`, and there every pipeline is a pass over
   * the cases (measured: each pass costs about as much as reading the cases' timestamps), so one
   * group of a few hundred combinations beats four small ones.
   */
  async groupedCounts(q: CaseQuery): Promise<CaseCounts & { byOutcome: { kind: string; outcome: string | null; count: number }[] }> {
    const rows = await this.model
      .aggregate<{ _id: Record<string, string | null>; count: number }>([
        { $match: caseFilter(q) },
        {
          $group: {
            _id: { kind: '$kind', category: '$category', areaCode: '$areaCode', status: '$status', outcome: '$outcome' },
            count: { $sum: 1 },
          },
        },
      ])
      .exec();
    const sum = <T>(key: (id: Record<string, string | null>) => string, make: (id: Record<string, string | null>, count: number) => T) => {
      const totals = new Map<string, { id: Record<string, string | null>; count: number }>();
      for (const r of rows) {
        const k = key(r._id);
        const t = totals.get(k);
        if (t) t.count += r.count;
        else totals.set(k, { id: r._id, count: r.count });
      }
      return [...totals.values()].sort((x, y) => y.count - x.count).map((t) => make(t.id, t.count));
    };
    return {
      byCategory: sum(
        (id) => `${id.kind}.${id.category}`,
        (id, count) => ({ kind: String(id.kind), category: String(id.category), count }),
      ),
      byArea: sum(
        (id) => id.areaCode ?? '',
        (id, count) => ({ areaCode: id.areaCode ?? null, count }),
      ),
      byStatus: sum(
        (id) => String(id.status),
        (id, count) => ({ status: String(id.status), count }),
      ),
      byOutcome: sum(
        (id) => `${id.kind}.${id.outcome ?? ''}`,
        (id, count) => ({ kind: String(id.kind), outcome: id.outcome ?? null, count }),
      ),
    };
  }

  /**
   * The three timestamps of every case a query selects, and nothing else (a projection): what
   * weeks and waiting-time percentiles are worked out from, which FerretDB cannot group on.
   */
  async timestamps(q: CaseQuery): Promise<{ submittedAt: Date; acknowledgedAt?: Date; resolvedAt?: Date }[]> {
    return this.model
      .find(caseFilter(q))
      .select({ _id: 0, submittedAt: 1, acknowledgedAt: 1, resolvedAt: 1 })
      .lean<{ submittedAt: Date; acknowledgedAt?: Date; resolvedAt?: Date }[]>()
      .exec();
  }

  async countOf(q: CaseQuery): Promise<number> {
    return this.model.countDocuments(caseFilter(q)).exec();
  }

  /**
   * Every case a query selects, newest first, with only `fields`, read from the database a batch
   * at a time (a cursor), so an export of many thousand cases never holds them all.
   */
  async *stream<K extends keyof Case>(q: CaseQuery, fields: readonly K[], batchSize = 500): AsyncGenerator<Pick<Case, K>> {
    const projection = Object.fromEntries([['_id', 0], ...fields.map((f) => [f, 1])]) as Record<string, 0 | 1>;
    const cursor = this.model
      .find(caseFilter(q))
      .sort({ submittedAt: -1, _id: -1 })
      .select(projection)
      .lean<Pick<Case, K>>()
      .cursor({ batchSize });
    try {
      for await (const row of cursor) yield row as Pick<Case, K>;
    } finally {
      await cursor.close();
    }
  }
}

/**
 * Which cases a list, map, statistic or export is about: the staff member's scope (areas, kinds)
 * and the reader's filters. One shape and one translation to a filter (`caseFilter`), so every
 * view of the cases applies the same rules.
 */
export interface CaseQuery {
  /** null: every area (a superadmin). */
  areaCodes: string[] | null;
  statuses: readonly CaseStatus[];
  kinds?: readonly string[];
  category?: string;
  mineOrFree?: string;
  /** Submitted at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  /** Part of the reference code, any case (the dashboard's search box). */
  refText?: string;
}

/** The database filter of a `CaseQuery`. */
export function caseFilter(q: CaseQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = { status: { $in: [...q.statuses] } };
  if (q.areaCodes !== null) filter.areaCode = { $in: q.areaCodes };
  if (q.kinds !== undefined) filter.kind = { $in: [...q.kinds] };
  if (q.category !== undefined) filter.category = q.category;
  if (q.mineOrFree !== undefined) filter.assignedTo = { $in: [null, q.mineOrFree] };
  if (q.from || q.to) filter.submittedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
  // Escaped: what an officer types is matched as text, never as a pattern.
  if (q.refText) filter.refCode = { $regex: q.refText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
  return filter;
}
