import type { CaseKind } from '../../domain/case-kinds';
import type { DeskCase } from '../../domain/case-record';
import type { CaseChange, CaseSearch, CaseStatus, Staff, StaffRole } from '../../domain/case-workflow';

export type { CaseSearch };
import type { Attachment, ChannelName, Lang, Option, OutboundMessage } from '../../conversations/messages';

/**
 * What the officer desk needs from the outside world, as interfaces: the cases (src/store/case-desk.ts),
 * durable messages to other chats (src/store/desk-messenger.ts), short-lived chat state in Redis
 * (src/redis/desk-state.ts) and the escalation timers (src/queues/escalations.ts).
 */

/** Someone who may use the officer commands, with what the replies need to know of them. */
export interface DeskStaff extends Staff {
  /** 'superadmin' for a superadmin without an officer record: what the case history records. */
  actingAs: string;
  lang?: Lang;
}

/** A case as staff see it: a view of the case record (domain/case-record.ts); contact and chat stay sealed. */
export type { DeskCase };

export interface OfficerRef {
  officerId: string;
  name: string;
  role: StaffRole;
}

export type ChangeResult =
  | { outcome: 'done'; case: DeskCase; acknowledged: boolean; resolved: boolean }
  | { outcome: 'unchanged' | 'closed'; case: DeskCase }
  | { outcome: 'missing' };

export interface CaseListQuery {
  statuses: CaseStatus[];
  category?: string;
  offset: number;
  limit: number;
}

export interface CaseStats {
  total: number;
  byCategory: { kind: CaseKind; category: string; count: number }[];
  byStatus: { status: CaseStatus; count: number }[];
  byArea: { areaCode: string | null; areaName: string | null; count: number }[];
}

export interface CaseDesk {
  /** The officer, supervisor, mediator or superadmin writing from this account; null for everyone else. */
  staff(channel: ChannelName, userId: string): Promise<DeskStaff | null>;
  byRef(refCode: string): Promise<DeskCase | null>;
  byId(caseId: string): Promise<DeskCase | null>;
  /**
   * Applies one change (read, plan, then one update guarded by what the plan was made from,
   * planned again when the case moved): concurrent actions never lose each other. `via`: where a staff member took it, for the audit log (chat unless told).
   */
  change(caseId: string, change: CaseChange, via?: 'chat' | 'web'): Promise<ChangeResult>;
  /** Active officers of the case's area (at any level above it), by id: whom it can be reassigned to. */
  colleagues(c: DeskCase): Promise<OfficerRef[]>;
  officer(officerId: string): Promise<OfficerRef | null>;
  /** True while the officer is active and responsible for the case, read now (not cached): a relay's asker is checked with it. */
  responsible(officerId: string, caseId: string): Promise<boolean>;
  /** The cases the staff member is responsible for, oldest first. */
  list(staff: DeskStaff, q: CaseListQuery): Promise<{ items: DeskCase[]; total: number }>;
  stats(staff: DeskStaff, since: Date): Promise<CaseStats>;
  /** Names of the areas the staff member covers, for headings; null for everywhere (a superadmin). */
  scopeName(staff: DeskStaff): Promise<string | null>;
  /** True when this chat sent the case (the sealed chat id is opened and compared). */
  isReporter(c: DeskCase, channel: ChannelName, chatId: string): boolean;
  /** The tipster's contact, opened only when they gave it and are not anonymous (domain/case-record `consentedContact`). */
  contact(c: DeskCase): string | undefined;
}

/** Writes the message for one recipient chat, in its language and for its platform (buttons or typed commands). */
export type Render = (lang: Lang, channel: ChannelName) => OutboundMessage[];

/**
 * Messages to chats other than the one being answered. Each is stored before it is queued and
 * sent by the outbox worker, so it survives restarts, and its id makes asking twice send it once.
 */
export interface DeskMessenger {
  /** To the resident who sent the case, in their language, through the chat they used. */
  toReporter(caseId: string, noticeId: string, render: Render): Promise<void>;
  /** To every chat of an officer on the platforms this deployment uses, in the officer's language. */
  toOfficer(officerId: string, noticeId: string, render: Render): Promise<void>;
  /**
   * To one staff chat (the one a question was asked from). With `officerId`, only while that
   * officer is active and responsible for the case, checked now and again when it is sent.
   */
  toChat(channel: ChannelName, chatId: string, lang: Lang, noticeId: string, render: Render, officerId?: string): Promise<void>;
  /** The case's full alert (text, pin, media, buttons), through the outbox, to an officer newly given it. */
  alertOfficer(caseId: string, officerId: string): Promise<void>;
}

/** What an officer's chat is in the middle of: the desk's conversation in the chat's slot, for a short while. */
export type Pending = { kind: 'compose'; caseId: string; what: 'note' | 'ask' } | { kind: 'pick'; options: Option[] } | { kind: 'status' };

/** A question waiting for the tipster's answer, and where the answer goes. */
export interface RelayTicket {
  caseId: string;
  refCode: string;
  /** Who asked: recorded in the history, and whose chats the answer goes back to when asked on the web. */
  askedBy: string;
  /** The chat the question was asked from, where the answer goes back; absent when asked on the web dashboard. */
  channel?: ChannelName;
  chatId?: string;
  lang: Lang;
  /** A short courtesy reply ("cảm ơn anh") held while the tipster is asked whether it is the answer. */
  held?: string;
  /** An answer with a voice note, held (with its text in `held`) until the tipster says to send it: it is their voice. */
  heldMedia?: Attachment[];
}

/** Where a case's tipster is written to: the chat its sealed id opens to (only adapters hold the key). */
export interface DeskState {
  /** Null once the resident erased their data: the case is linked to no chat. */
  reporterChat(c: DeskCase): { channel: ChannelName; chatId: string } | null;
}

export interface Escalations {
  /** The case was acknowledged: its pending escalation timers are removed. */
  cancel(caseId: string): Promise<void>;
}

/** A staff member's change of a case that took effect (`done`), as the audit log records it. */
export interface DeskActionEvent {
  actor: string;
  action: 'ack' | 'note' | 'ask' | 'resolve' | 'reassign';
  via: 'chat' | 'web';
  refCode: string;
  areaCode: string | null;
  /** The outcome of a resolve, the officer id of a reassignment: never a note's text. */
  detail?: Record<string, string>;
}

/**
 * Told of every change staff make to a case, from chat or the web alike (StoreCaseDesk.change is
 * where both paths meet): the audit log, wired in src/app.
 */
export interface DeskAudit {
  caseChanged(e: DeskActionEvent): Promise<void>;
}
