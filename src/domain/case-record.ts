import type { CaseKind } from './case-kinds';
import type { CaseHistoryLine, CaseOutcome, CaseStatus } from './case-workflow';
import type { Attachment, ChannelName, Lang, SharedLocation } from './chat';

/** How to answer the resident later: the chat id sealed (domain/sealed-box), never shown to staff. */
export interface SealedChat {
  channel: ChannelName;
  chatIdSealed: string;
}

/**
 * A tip (tin báo) or a mediation request (yêu cầu hòa giải), from the resident's confirm to its
 * outcome. Every other shape of a case is a view of this one, picked below (the queued submission,
 * the alert, the officer desk's case) or in src/store/cases/case.schema.ts (the stored document), so
 * a field added here is added everywhere the views pick it, with the same name and type.
 */
export interface CaseRecord {
  /** Chosen when the conversation starts: the same submission twice is the same case. */
  caseId: string;
  /** Read over the phone: 'TB-2611-0042' (domain/reference-code). */
  refCode: string;
  kind: CaseKind;
  category: string;
  /** The resident's answers keyed by step id, exactly as typed; a choice by its id. */
  fields: Record<string, string>;
  location?: SharedLocation;
  attachments: Attachment[];
  anonymous: boolean;
  /** The contact the resident chose to give, sealed; read it with `consentedContact`. */
  contactSealed?: string;
  /** The resident's chat; gone once they erased their data (`unlinkedAt`) or retention purged the case. */
  replyTo?: SealedChat;
  /** Blind index of the sender (domain/reporter-index.ts): finds their cases for erasure. */
  reporterIndex?: string;
  /** When the resident erased their data: the case stays, but nothing links it to them any more. */
  unlinkedAt?: Date;
  /** When retention removed the words, place, media and chat of the closed case (statistics stay). */
  purgedAt?: Date;
  /** The resident's language: what they are written to in. */
  lang: Lang;
  /** The group code the resident gave, which tells the area. */
  joinCode?: string;
  /** That group's chat, when the code named one. */
  groupChatId?: string;
  /** Null when the resident gave no group code or the group has no area yet. */
  areaCode: string | null;
  status: CaseStatus;
  outcome?: CaseOutcome;
  /** The officer who has the case now (domain/case-workflow). */
  assignedTo?: string;
  /** Officer ids alerted about the case: routing, escalation, reassignment. */
  recipients: string[];
  history: CaseHistoryLine[];
  submittedAt: Date;
  acknowledgedAt?: Date;
  acknowledgedBy?: string;
  resolvedAt?: Date;
  /** When the worker stored it. */
  createdAt: Date;
}

/** What the resident sent and when: what every view of the case for staff shows (the contact apart). */
const CASE_CONTENT = [
  'refCode',
  'kind',
  'category',
  'fields',
  'location',
  'attachments',
  'anonymous',
  'submittedAt',
] as const satisfies readonly (keyof CaseRecord)[];
type CaseContent = (typeof CASE_CONTENT)[number];

/**
 * A confirmed case as it goes on the queue, before routing gives it an area and recipients; personal
 * data already sealed. A job is JSON, so its time is an ISO string.
 */
export type CaseSubmission = Omit<
  Pick<CaseRecord, 'caseId' | CaseContent | 'contactSealed' | 'reporterIndex' | 'lang' | 'joinCode'>,
  'submittedAt'
> & { submittedAt: string; replyTo: SealedChat };

/** What an alert shows of a case: no chat ids, and the contact only as opened for it (`consentedContact`). */
export type AlertCase = Pick<CaseRecord, CaseContent>;

/** The record's fields in the officer desk's case: the list `present` copies and the type picks. */
export const DESK_CASE_FIELDS = [
  'caseId',
  ...CASE_CONTENT,
  'contactSealed',
  'areaCode',
  'status',
  'outcome',
  'assignedTo',
  'recipients',
  'acknowledgedAt',
  'acknowledgedBy',
  'resolvedAt',
  'history',
  'lang',
  'replyTo',
  'unlinkedAt',
  'purgedAt',
] as const satisfies readonly (keyof CaseRecord)[];

/**
 * A case as staff see it: its content and where it stands, with its area's name and ancestors; the
 * contact and the resident's chat stay sealed (the store opens them: `consentedContact`, isReporter).
 */
export type DeskCase = Pick<CaseRecord, (typeof DESK_CASE_FIELDS)[number]> & {
  areaName: string | null;
  /** The area and its ancestors, leaf first: what the access rules compare with an officer's areas. */
  areaPath: string[];
};

/** The named fields of a record and nothing else: a view that copies no more than it declares. */
export function pickFields<K extends keyof CaseRecord>(r: CaseRecord, keys: readonly K[]): Pick<CaseRecord, K> {
  return Object.fromEntries(keys.map((k) => [k, r[k]])) as Pick<CaseRecord, K>;
}

/**
 * The contact staff may read: only that of a resident who chose to give one and is not anonymous.
 * The flow seals none for an anonymous tip; checking both keeps an odd job from showing one.
 */
export function consentedContact(c: Pick<CaseRecord, 'anonymous' | 'contactSealed'>, open: (sealed: string) => string): string | undefined {
  return !c.anonymous && c.contactSealed ? open(c.contactSealed) : undefined;
}
