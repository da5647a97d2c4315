import { Schema } from 'mongoose';
import type { Attachment, Lang, SharedLocation } from '../../conversations/messages';
import type { CaseKind } from '../../domain/case-kinds';
import { CASE_OUTCOMES, CASE_STATUSES, type CaseOutcome, type CaseStatus } from '../../domain/case-workflow';

export interface CaseHistoryEntry {
  at: Date;
  /** 'submitted', 'acknowledged', 'resolved', 'escalated', … */
  action: string;
  /** An officer id, 'resident' or 'system'. */
  by: string;
  note?: string;
}

/** A tip (tin báo) or a mediation request (yêu cầu hòa giải), as received and as it moves on. */
export interface Case {
  /** Chosen when the conversation starts: the same submission twice is the same case. */
  caseId: string;
  /** Read over the phone: 'TB-2611-0042'. */
  refCode: string;
  kind: CaseKind;
  category: string;
  /** The resident's answers keyed by field name, stored exactly as typed. */
  fields: Record<string, string>;
  location?: SharedLocation;
  attachments: Attachment[];
  anonymous: boolean;
  /** Contact the resident chose to give, encrypted by the caller. */
  contactEnc?: string;
  /** How to answer the resident later; the chat id is encrypted and never shown to officers. */
  replyTo: { channel: string; chatIdEnc: string };
  lang: Lang;
  groupChatId?: string;
  joinCode?: string;
  areaCode: string | null;
  status: CaseStatus;
  /** Officer ids alerted about the case. */
  recipients: string[];
  history: CaseHistoryEntry[];
  /** Officer workflow (domain/case-workflow.ts): who has the case now, when it was taken and closed, and how. */
  assignedTo?: string;
  acknowledgedAt?: Date;
  acknowledgedBy?: string;
  resolvedAt?: Date;
  outcome?: CaseOutcome;
  submittedAt: Date;
  createdAt: Date;
}

/** What intake knows when it stores a case; the rest starts the same for every case. */
export type NewCase = Omit<Case, 'status' | 'recipients' | 'history' | 'createdAt'> & { recipients?: string[] };

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
    kind: { type: String, enum: ['tip', 'mediation'], required: true, index: true },
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
          { kind: { type: String, enum: ['photo', 'video', 'voice', 'document'], required: true }, ref: { type: String, required: true } },
          { _id: false },
        ),
      ],
      default: [],
    },
    anonymous: { type: Boolean, required: true },
    contactEnc: { type: String },
    replyTo: {
      type: new Schema({ channel: { type: String, required: true }, chatIdEnc: { type: String, required: true } }, { _id: false }),
      required: true,
    },
    lang: { type: String, enum: ['vi', 'en'], required: true },
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
