import type { AreaBoundary } from '../../domain/area-boundary';
import type { WebAction, WebActionOutcome } from '../../domain/web-action';
import type { AuditAction, AuditEvent } from '../../domain/audit';
import type { CaseKind } from '../../domain/case-kinds';
import type { DeskCase } from '../../domain/case-record';
import type { CaseStatistics } from '../../domain/case-statistics';
import type { ReportedCase } from '../../conversations/case-columns';
import type { CaseSearch, CaseStatus, Staff } from '../../domain/case-workflow';
import type { ChannelName, Lang, OutboundMessage } from '../../conversations/messages';

/**
 * What the web dashboard needs from the rest of the bot, as interfaces. The officer desk's cases,
 * rules and actions come through `DashboardDesk` (wired in src/app/dashboard.ts), so the web reads
 * and acts exactly as the chat does; the login links and sessions are this feature's own (Redis).
 */

/** An officer record's holder as the access rules know them, read fresh on every request. */
export interface DashboardStaff extends Staff {
  /** What the case history records as the actor. */
  actingAs: string;
  lang?: Lang;
}

/** The list's filters, as the URL carries them (web/filters.ts). */
export type CaseFilter = CaseSearch;
/** The same filters for every case they select (statistics, exports): no page. */
export type WholeFilter = Omit<CaseFilter, 'offset' | 'limit'>;

/** What a form on a case's page asks (the chat's actions: web/case-routes.ts), and what came of it. */
export type { WebAction, WebActionOutcome } from '../../domain/web-action';

/** An area on the map: its outline when it has one, an active hotspot, and how many of the shown cases lie in it. */
export interface MapArea {
  code: string;
  name: string;
  boundary: AreaBoundary | null;
  hotspot: boolean;
  cases: number;
}

/** What a marker needs of a case, and nothing more: never the tipster, their words or media. */
export interface MapCase {
  refCode: string;
  status: CaseStatus;
  kind: CaseKind;
  category: string;
  lat: number;
  lon: number;
  submittedAt: Date;
}

export interface MapData {
  areas: MapArea[];
  cases: MapCase[];
  /** More cases matched than the cap: the newest are shown. */
  truncated: boolean;
}

export interface DashboardDesk {
  /** The staff member of an officer record (never cached), or null when the record is gone. */
  staffOf(officerId: string): Promise<DashboardStaff | null>;
  /** The staff member writing from this chat account, for `/dangnhap`. */
  staffByChat(channel: ChannelName, userId: string): Promise<DashboardStaff | null>;
  /** Every case the staff member may see by the filter, newest first. */
  search(staff: DashboardStaff, q: CaseFilter): Promise<{ items: DeskCase[]; total: number }>;
  /** Counts, weeks and waiting times of the cases the filter selects within the staff member's scope. */
  statistics(staff: DashboardStaff, q: WholeFilter & { from: Date; to: Date }): Promise<CaseStatistics>;
  /** Exactly the cases the filter selects, newest first, with the report's columns only, read a batch at a time. */
  exportCases(staff: DashboardStaff, q: WholeFilter): Promise<{ total: number; rows: AsyncIterable<ReportedCase> }>;
  /**
   * The map: the areas the filter shows within the staff member's scope, and the newest `limit`
   * cases with a location matching the same filter as the list (no paging).
   */
  mapData(staff: DashboardStaff, q: Omit<CaseFilter, 'offset' | 'limit'>, limit: number): Promise<MapData>;
  /** The areas the staff member covers (and those below), for the area filter. */
  areasOf(staff: DashboardStaff): Promise<{ code: string; name: string }[]>;
  byRef(refCode: string): Promise<DeskCase | null>;
  officerName(officerId: string): Promise<string | undefined>;
  /** The tipster's contact, only when they gave it and are not anonymous. */
  contact(c: DeskCase): string | undefined;
  /** An action as the chat takes it: same rules, history, notices to the resident and the officer's chat. */
  act(staff: DashboardStaff, c: DeskCase, action: WebAction): Promise<WebActionOutcome>;
  /** A case's file from the evidence store (our sealed copy), opened; null when it is not (or no longer) there. */
  evidence(evidenceId: string): Promise<{ bytes: Buffer; mime: string } | null>;
  /** Whom the case can be handed to (active officers of its area and above), as the chat offers them. */
  colleagues(c: DeskCase): Promise<{ officerId: string; name: string }[]>;
  /** A durable message to every chat of the officer (the outbox), sent once per `noticeId`. */
  tellOfficer(officerId: string, noticeId: string, render: (lang: Lang, channel: ChannelName) => OutboundMessage[]): Promise<void>;
}

/** Cases stored and changed anywhere (src/redis/case-events.ts): only their codes. */
export interface LiveCases {
  listen(listener: (e: { type: 'new' | 'changed'; refCode: string }) => void): Promise<() => void>;
}

/** One-time login links: a random token, kept only hashed, for a few minutes, spent once. */
export interface LoginTokens {
  issue(officerId: string): Promise<string>;
  /** Whom the token logs in, without spending it (the page behind the link). */
  peek(token: string): Promise<string | null>;
  /** Whom the token logs in, spending it: a second call answers null. */
  spend(token: string): Promise<string | null>;
  /** True the first time a signed Telegram login (by its hash) is used, false ever after within `ttlMs`. */
  claimOnce(signature: string, ttlMs: number): Promise<boolean>;
}

export interface Session {
  officerId: string;
  csrf: string;
  createdAt: number;
}

export interface Sessions {
  create(officerId: string): Promise<{ id: string; session: Session }>;
  /**
   * The live session, its idle time renewed unless `renew` is false (a live stream's heartbeat is
   * not the officer using the page); null when unknown, idle too long or past its maximum age.
   */
  load(id: string, renew?: boolean): Promise<Session | null>;
  end(id: string): Promise<void>;
  /** Logs the officer out everywhere: how many sessions ended. */
  endAll(officerId: string): Promise<number>;
}

/** The audit log (store/audit, joined in src/app/audit.ts): written on logins, logouts and exports, read by supervisors. */
export interface DashboardAudit {
  record(e: Omit<AuditEvent, 'at'>): Promise<void>;
  /** Newest first; `areaCodes` null for everywhere (a superadmin). */
  page(q: {
    areaCodes: string[] | null;
    action?: AuditAction;
    from?: Date;
    to?: Date;
    offset: number;
    limit: number;
  }): Promise<{ items: AuditEvent[]; total: number }>;
}

/** The FAQ's unanswered questions, in the FAQ's own words only (src/features/faq, joined in src/app/dashboard.ts). */
export interface UnansweredQuestions {
  top(limit: number): Promise<{ question: string; count: number }[]>;
}
