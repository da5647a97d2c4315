import { Schema } from 'mongoose';
import type { CaseRecord } from '../../domain/case-record';
import { CASE_KINDS } from '../../features/reporting/flows';
import { CASE_OUTCOMES, CASE_STATUSES, type CaseHistoryLine } from '../../domain/case-workflow';
import { ATTACHMENT_KINDS, LANGS, type ChannelName } from '../../domain/chat';

/** A line of a case's history: 'submitted', 'acknowledged', 'resolved', 'escalated', … by an officer id, 'resident' or 'system'. */
export type CaseHistoryEntry = CaseHistoryLine;

/**
 * A case as stored (domain/case-record.ts): the record under two older names for its sealed values,
 * `contactEnc` and `replyTo.chatIdEnc`, kept so that stored cases need no migration. `caseRecordOf`
 * reads one back as the record.
 */
export type Case = Omit<CaseRecord, 'contactSealed' | 'replyTo'> & {
  contactEnc?: string;
  replyTo?: { channel: ChannelName; chatIdEnc: string };
};

/** A stored case as the record the views pick from (the desk's case, the alert). */
export function caseRecordOf(c: Case): CaseRecord {
  const { contactEnc, replyTo, ...rest } = c;
  return {
    ...rest,
    contactSealed: contactEnc,
    replyTo: replyTo && { channel: replyTo.channel, chatIdSealed: replyTo.chatIdEnc },
    // Copies, never the document's own Dates (and a string from a hand-made document reads as one too).
    submittedAt: new Date(c.submittedAt),
    acknowledgedAt: c.acknowledgedAt ? new Date(c.acknowledgedAt) : undefined,
    resolvedAt: c.resolvedAt ? new Date(c.resolvedAt) : undefined,
    unlinkedAt: c.unlinkedAt ? new Date(c.unlinkedAt) : undefined,
    purgedAt: c.purgedAt ? new Date(c.purgedAt) : undefined,
    createdAt: new Date(c.createdAt),
    history: c.history.map(({ at, action, by, note }) => ({ at: new Date(at), action, by, ...(note === undefined ? {} : { note }) })),
  };
}

/** What intake knows when it stores a case; the rest starts the same for every case. */
export type NewCase = Omit<Case, 'status' | 'recipients' | 'history' | 'createdAt' | 'replyTo' | 'unlinkedAt' | 'purgedAt'> & {
  replyTo: NonNullable<Case['replyTo']>;
  recipients?: string[];
};

const historySchema = new Schema<CaseHistoryEntry>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    by: { type: String, required: true },
    note: { type: String },
  },
  { _id: false },
);

export const caseSchema = new Schema<Case>(
  {
    caseId: { type: String, required: true, unique: true },
    refCode: { type: String, required: true, unique: true },
    kind: { type: String, enum: CASE_KINDS.ids, required: true, index: true },
    category: { type: String, required: true },
    // A Map of strings, not Mixed: values are cast to strings and keys checked, never interpreted.
    fields: { type: Map, of: String, default: {} },
    location: {
      type: new Schema({ latitude: { type: Number, required: true }, longitude: { type: Number, required: true } }, { _id: false }),
      default: undefined,
    },
    attachments: {
      type: [
        new Schema(
          { kind: { type: String, enum: ATTACHMENT_KINDS, required: true }, ref: { type: String, required: true } },
          { _id: false },
        ),
      ],
      default: [],
    },
    anonymous: { type: Boolean, required: true },
    contactEnc: { type: String },
    // Removed when the resident erases their data, or by retention once the case is long closed.
    replyTo: {
      type: new Schema({ channel: { type: String, required: true }, chatIdEnc: { type: String, required: true } }, { _id: false }),
      default: undefined,
    },
    // Blind index of the sender (domain/reporter-index.ts), for erasure; removed with replyTo.
    reporterIndex: { type: String, index: true },
    unlinkedAt: { type: Date },
    purgedAt: { type: Date },
    lang: { type: String, enum: LANGS, required: true },
    groupChatId: { type: String },
    joinCode: { type: String },
    areaCode: { type: String, default: null, index: true },
    status: { type: String, enum: CASE_STATUSES, default: 'new', index: true },
    recipients: { type: [String], default: [], index: true },
    history: { type: [historySchema], default: [] },
    assignedTo: { type: String },
    acknowledgedAt: { type: Date },
    acknowledgedBy: { type: String },
    resolvedAt: { type: Date },
    outcome: { type: String, enum: CASE_OUTCOMES },
    submittedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { collection: 'cases', versionKey: false },
);

// _id is the caseId itself: FerretDB 1.24 (SQLite) finds documents quickly only by _id and scans
// the collection for any other field, so the hot lookups go by _id (see NotificationRepository.byId).
caseSchema.add({ _id: String } as Parameters<typeof caseSchema.add>[0]);

// The officer desk's queries on MongoDB: hotspot counts after every case, and officers' lists.
caseSchema.index({ areaCode: 1, kind: 1, category: 1, submittedAt: 1 });
caseSchema.index({ areaCode: 1, status: 1, submittedAt: 1 });
// The dashboard's list, map and export of every case the reader may see, newest first: read in
// this order and stopped after a page, never sorted whole (on FerretDB too: its PostgreSQL index
// serves the ORDER BY that docs/local-database.md's pushdown patch writes).
caseSchema.index({ submittedAt: -1, _id: -1 });
