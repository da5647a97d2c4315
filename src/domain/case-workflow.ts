import type { CaseKindRules } from './case-kinds';

/**
 * How a case moves once it is stored, and who may move it: the officer workflow's rules, with no
 * I/O. A case is `new` until someone responsible acts on it, `acknowledged` ("Đã tiếp nhận") while
 * it is worked on, and `resolved` with a public outcome; a resolved case is closed to every action.
 */

export const CASE_STATUSES = ['new', 'acknowledged', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The outcome the resident is told when the case closes. Ids go into callback data: keep them short and stable. */
export const CASE_OUTCOMES = ['verified_handled', 'transferred', 'not_confirmed', 'mediated_success', 'mediated_failed'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export function isCaseOutcome(value: string): value is CaseOutcome {
  return (CASE_OUTCOMES as readonly string[]).includes(value);
}

/** What staff can do to a case. */
export type DeskAction = 'view' | 'ack' | 'note' | 'ask' | 'resolve' | 'reassign';

/** Roles held by officer records; residents and group admins have none, superadmins come from config. */
export type StaffRole = 'officer' | 'supervisor' | 'mediator';

/** The person acting, as the access rules need to know them. */
export interface Staff {
  /** The officer record's id; null for a superadmin who has no officer record. */
  officerId: string | null;
  role: StaffRole | null;
  superadmin: boolean;
  areaCodes: string[];
  active: boolean;
}

/** What the access rules need to know of a case. */
export interface GuardedCase {
  /** Its kind's rule (case-kinds.ts): is it a mediators' case? */
  handledByMediators: boolean;
  status: CaseStatus;
  /** The case's area and its ancestors, leaf first; empty when the area is unknown. */
  areaPath: string[];
  /** Officers who were alerted (routing, escalation, reassignment). */
  recipients: string[];
}

export type Refusal = 'not_staff' | 'inactive' | 'out_of_area' | 'wrong_kind' | 'not_allowed' | 'closed';

/** True when one of the staff's areas is the case's area or one above it. */
export function coversArea(staffAreas: readonly string[], areaPath: readonly string[]): boolean {
  return staffAreas.some((code) => areaPath.includes(code));
}

/** True for anyone who may use the officer commands at all (lists, statistics). */
export function isStaff(staff: Staff | null): staff is Staff {
  return staff !== null && (staff.superadmin || (staff.role !== null && staff.active));
}

/**
 * Null when `staff` may take `action` on the case, else why not. Officers and supervisors act on
 * cases in their areas and below; mediators only on mediation requests there, and never reassign;
 * a superadmin acts anywhere. A case whose area is unknown went to the supervisors at the top,
 * so those who were alerted about it may act on it. Nobody changes a resolved case.
 */
export function refusalFor(staff: Staff | null, action: DeskAction, c: GuardedCase): Refusal | null {
  if (staff === null || (!staff.superadmin && staff.role === null)) return 'not_staff';
  if (!staff.superadmin) {
    if (!staff.active) return 'inactive';
    if (staff.role === 'mediator' && !c.handledByMediators) return 'wrong_kind';
    if (staff.role === 'mediator' && action === 'reassign') return 'not_allowed';
    const reachable =
      coversArea(staff.areaCodes, c.areaPath) ||
      (c.areaPath.length === 0 && staff.officerId !== null && c.recipients.includes(staff.officerId));
    if (!reachable) return 'out_of_area';
  }
  if (c.status === 'resolved' && action !== 'view') return 'closed';
  return null;
}

/** A change to a case, as recorded in its history. `by` is an officer id, 'superadmin', 'resident' or 'system'. */
export type CaseChange =
  | { action: 'ack'; by: string }
  | { action: 'note' | 'ask'; by: string; note: string }
  | { action: 'answer'; by: 'resident'; note: string }
  /** The tipster asked to be asked no more about the case: recorded, never with anything of theirs. */
  | { action: 'stopQuestions'; by: 'resident' }
  | { action: 'resolve'; by: string; outcome: CaseOutcome }
  | { action: 'reassign'; by: string; to: string }
  | { action: 'escalate'; by: 'system'; level: number; to: string[] };

export interface CaseHistoryLine {
  at: Date;
  action: string;
  by: string;
  note?: string;
}

/** What a change does to the stored case; the store applies it in one write. */
export interface CasePlan {
  set: {
    status?: CaseStatus;
    acknowledgedAt?: Date;
    acknowledgedBy?: string;
    assignedTo?: string;
    resolvedAt?: Date;
    outcome?: CaseOutcome;
  };
  history: CaseHistoryLine[];
  addRecipients: string[];
  /** This change moved the case from new to acknowledged (the resident is told, escalation stops). */
  acknowledges: boolean;
  resolves: boolean;
}

export interface PlannableCase {
  status: CaseStatus;
  assignedTo?: string;
}

/**
 * The effect of `change` on a case in its current state: a plan to write, 'closed' when the case
 * is resolved, or 'unchanged' when there is nothing to do (acknowledging twice, escalating a case
 * someone already took). Any officer's work on a new case (a note, a question, closing it)
 * acknowledges it too: it was evidently received, so the resident is told and escalation stops.
 */
export function planChange(c: PlannableCase, change: CaseChange, now: Date): CasePlan | 'closed' | 'unchanged' {
  if (c.status === 'resolved') return 'closed';
  const plan: CasePlan = { set: {}, history: [], addRecipients: [], acknowledges: false, resolves: false };
  const acknowledge = () => {
    if (c.status !== 'new') return;
    plan.set.status = 'acknowledged';
    plan.set.acknowledgedAt = now;
    plan.set.acknowledgedBy = change.by;
    if (!c.assignedTo && change.by !== 'superadmin') plan.set.assignedTo = change.by;
    plan.history.push({ at: now, action: 'acknowledged', by: change.by });
    plan.acknowledges = true;
  };
  switch (change.action) {
    case 'ack':
      if (c.status !== 'new') return 'unchanged';
      acknowledge();
      return plan;
    case 'note':
    case 'ask':
      acknowledge();
      plan.history.push({ at: now, action: change.action === 'note' ? 'note' : 'question', by: change.by, note: change.note });
      return plan;
    case 'answer':
      plan.history.push({ at: now, action: 'answer', by: 'resident', note: change.note });
      return plan;
    case 'stopQuestions':
      plan.history.push({ at: now, action: QUESTIONS_STOPPED, by: 'resident' });
      return plan;
    case 'resolve':
      acknowledge();
      plan.set.status = 'resolved';
      plan.set.resolvedAt = now;
      plan.set.outcome = change.outcome;
      plan.history.push({ at: now, action: 'resolved', by: change.by, note: change.outcome });
      plan.resolves = true;
      return plan;
    case 'reassign':
      if (c.assignedTo === change.to) return 'unchanged';
      plan.set.assignedTo = change.to;
      plan.addRecipients.push(change.to);
      plan.history.push({ at: now, action: 'reassigned', by: change.by, note: change.to });
      return plan;
    case 'escalate':
      if (c.status !== 'new') return 'unchanged';
      plan.addRecipients.push(...change.to);
      plan.history.push({ at: now, action: 'escalated', by: 'system', note: `level ${change.level}: ${change.to.join(', ')}` });
      return plan;
  }
}

/** The history line of a tipster's lasting "stop questions": no officer may ask about the case after it. */
export const QUESTIONS_STOPPED = 'questions_stopped';

/** True once the tipster asked for no more questions about the case (it lasts as long as the case is open). */
export const questionsStopped = (c: { history: readonly Pick<CaseHistoryLine, 'action'>[] }): boolean =>
  c.history.some((h) => h.action === QUESTIONS_STOPPED);

/** History entries a resident may never see: everything but the public milestones. */
export const PUBLIC_HISTORY_ACTIONS: readonly string[] = ['submitted', 'acknowledged', 'resolved'];

export interface EscalationDelays {
  urgentMs: number;
  normalMs: number;
}

/** How long a new case may wait for acknowledgement before it goes up a level. */
export function escalationDelayMs(kind: Pick<CaseKindRules, 'urgentCategories'>, category: string, delays: EscalationDelays): number {
  return isUrgent(kind, category) ? delays.urgentMs : delays.normalMs;
}

export function isUrgent(kind: Pick<CaseKindRules, 'urgentCategories'>, category: string): boolean {
  return kind.urgentCategories.includes(category);
}

export interface SupervisorLike {
  officerId: string;
  role: StaffRole;
  areaCodes: string[];
  active: boolean;
}

/**
 * Who an unacknowledged case escalates to, level by level: level 1 is the supervisors of the
 * nearest area (leaf first) that has any, level 2 those of the next area up that has any, and so on.
 */
export function supervisorLevels<S extends SupervisorLike>(areaPath: readonly string[], people: readonly S[]): S[][] {
  const levels: S[][] = [];
  for (const code of areaPath) {
    const here = people.filter((p) => p.active && p.role === 'supervisor' && p.areaCodes.includes(code));
    if (here.length > 0) levels.push([...here].sort((a, b) => a.officerId.localeCompare(b.officerId)));
  }
  return levels;
}

/** The middle value (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A search among the cases someone may see, as the dashboard's list asks it (its filters in the
 * URL) and the officer desk answers it: all optional but the statuses and the page.
 */
export interface CaseSearch {
  statuses: CaseStatus[];
  category?: string;
  areaCode?: string;
  from?: Date;
  to?: Date;
  refText?: string;
  offset: number;
  limit: number;
}
