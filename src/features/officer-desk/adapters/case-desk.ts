import type { ChannelName } from '../../../conversations/messages';
import { openCaseField } from '../../../domain/case-seals';
import type { CaseDesk, CaseListQuery, CaseSearch, CaseStats, ChangeResult, DeskAudit, DeskCase, DeskStaff, OfficerRef } from '../ports';
import { REPORTED_CASE_FIELDS, type ReportedCase } from '../../../conversations/case-columns';
import { durations, weekOf, weeksBetween, type CaseStatistics } from '../../../domain/case-statistics';
import type { CaseKind } from '../../../domain/case-kinds';
import { CASE_KINDS } from '../../reporting/flows';
import { consentedContact, DESK_CASE_FIELDS, pickFields } from '../../../domain/case-record';
import { planChange, type CaseChange, type CaseStatus } from '../../../domain/case-workflow';
import type { SealedBox } from '../../../domain/sealed-box';
import type { AreaBoundary } from '../../../domain/area-boundary';
import type { CaseQuery } from '../../../store/cases/case.repository';
import { AppError } from '../../../domain/app-error';
import { caseRecordOf, type Case } from '../../../store/cases/case.schema';
import type { Store } from '../../../store/models';
import { stillResponsible } from '../../../store/recipient-authority';

/**
 * How often a change is planned again because another writer changed the case between our read
 * and our write. Each retry means someone else's change went through (the case's status or
 * assignee moved), which happens a few times per case at most; a change that still meets a moved
 * case after this many plans is reported as busy rather than looping.
 */
const CHANGE_ATTEMPTS = 8;

export class CaseBusyError extends AppError {
  constructor(readonly caseId: string) {
    super(`case ${caseId} kept changing while this change was planned: try again in a moment`);
  }
}

interface AreaInfo {
  name: string | null;
  path: string[];
}

/** The areas with an active hotspot among these, of these kinds (every kind when not given): adapters/hotspots.ts. */
export type HotspotReader = (areaCodes: readonly string[], kinds?: readonly string[]) => Promise<Set<string>>;

/** What the dashboard's map shows: areas with their outlines, and the located cases of the filter. */
export interface MapView {
  areas: { code: string; name: string; boundary: AreaBoundary | null; hotspot: boolean; cases: number }[];
  cases: { refCode: string; status: CaseStatus; kind: CaseKind; category: string; lat: number; lon: number; submittedAt: Date }[];
  /** More cases matched than `limit`: the newest are shown. */
  truncated: boolean;
}

/** Areas change rarely (an operator's edit); a minute's staleness per replica is harmless. */
const AREA_CACHE_MS = 60_000;

/**
 * A mediator works on mediation requests only: tips are police matters and may concern the
 * mediator's own neighbours, so neither their list nor their counts include tips.
 */
function kindScope(staff: DeskStaff): CaseKind[] | undefined {
  return !staff.superadmin && staff.role === 'mediator' ? CASE_KINDS.all.filter((k) => k.handledByMediators).map((k) => k.id) : undefined;
}

/**
 * The officer desk's view of the database (conversations/officer/ports.ts): who is staff, cases as
 * staff see them, changes as conditional updates, lists and counts scoped to the staff's areas.
 */
export class StoreCaseDesk implements CaseDesk {
  private readonly areaCache = new Map<string, { info: AreaInfo; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly box: SealedBox,
    private readonly superadmins: readonly string[],
    /** Told how long a case waited for its first acknowledgement (tnd_case_acknowledge_seconds). */
    private readonly onAcknowledged: (waitedMs: number) => void = () => undefined,
    /** Told of every change that was written (chat, web or escalation): the dashboard's live view hears of it. */
    private readonly onChanged: (refCode: string) => Promise<void> = async () => undefined,
    /** The audit log, told of every staff change that took effect. */
    private readonly audit?: DeskAudit,
    /** Which areas have an active hotspot (the map); none without it. */
    private readonly hotspots: HotspotReader = async () => new Set(),
  ) {}

  async staff(channel: ChannelName, userId: string): Promise<DeskStaff | null> {
    const superadmin = this.superadmins.includes(`${channel}:${userId}`);
    const officer = await this.store.officers.byChat(channel, userId);
    if (!officer && !superadmin) return null;
    return {
      officerId: officer?.officerId ?? null,
      role: officer?.role ?? null,
      superadmin,
      areaCodes: officer?.areaCodes ?? [],
      active: officer?.active ?? true,
      actingAs: officer?.officerId ?? 'superadmin',
      lang: officer?.lang,
    };
  }

  /**
   * The staff member of an officer record, read from the database now (not the lookup cache): the
   * dashboard asks on every request, so a deactivated or moved officer loses access at once.
   */
  async staffOf(officerId: string): Promise<DeskStaff | null> {
    const officer = await this.store.officers.fresh(officerId);
    if (!officer) return null;
    return {
      officerId: officer.officerId,
      role: officer.role,
      superadmin: false,
      areaCodes: officer.areaCodes,
      active: officer.active,
      actingAs: officer.officerId,
      lang: officer.lang,
    };
  }

  /**
   * Every case the staff member may see, newest first, by the dashboard's filters: the same scope
   * as the chat's list (their areas and below; mediators only mediation requests), without the
   * chat's leaving out what a colleague has taken, since the web is where the whole area is seen.
   * `areaCode` narrows to one area and below, never beyond the staff member's own.
   */
  async search(staff: DeskStaff, q: CaseSearch): Promise<{ items: DeskCase[]; total: number }> {
    const { items, total } = await this.store.cases.page({
      ...(await this.scoped(staff, q)),
      newestFirst: true,
      offset: q.offset,
      limit: q.limit,
    });
    return { items: await Promise.all(items.map((c) => this.present(c))), total };
  }

  /**
   * The dashboard's statistics of the cases the filters select within the staff member's scope:
   * counts grouped in the database; weeks and waiting times from the three timestamps alone.
   */
  async statistics(staff: DeskStaff, q: Omit<CaseSearch, 'offset' | 'limit'> & { from: Date; to: Date }): Promise<CaseStatistics> {
    const query = await this.scoped(staff, q);
    const [counts, times] = await Promise.all([this.store.cases.groupedCounts(query), this.store.cases.timestamps(query)]);
    const weeks = new Map(weeksBetween(q.from, q.to).map((w) => [w, 0]));
    const toAck: number[] = [];
    const toResolve: number[] = [];
    for (const c of times) {
      const submitted = new Date(c.submittedAt).getTime();
      const week = weekOf(new Date(submitted));
      weeks.set(week, (weeks.get(week) ?? 0) + 1);
      if (c.acknowledgedAt) toAck.push(new Date(c.acknowledgedAt).getTime() - submitted);
      if (c.resolvedAt) toResolve.push(new Date(c.resolvedAt).getTime() - submitted);
    }
    const mediation = new Set(CASE_KINDS.all.filter((k) => k.handledByMediators).map((k) => k.id as string));
    return {
      total: counts.byStatus.reduce((sum, r) => sum + r.count, 0),
      byCategory: counts.byCategory,
      byStatus: counts.byStatus,
      byArea: await Promise.all(
        counts.byArea.map(async (r) => ({ ...r, areaName: r.areaCode ? (await this.area(r.areaCode)).name : null })),
      ),
      byWeek: [...weeks].sort(([a], [b]) => a.localeCompare(b)).map(([week, count]) => ({ week, count })),
      mediationOutcomes: counts.byOutcome
        .filter((r) => mediation.has(r.kind) && r.outcome !== null)
        .map((r) => ({ outcome: String(r.outcome), count: r.count })),
      toAcknowledge: durations(toAck),
      toResolve: durations(toResolve),
    };
  }

  /**
   * The rows of an export: exactly the cases the list's filters select within the staff member's
   * scope, newest first, with the report's columns only (no words, contact or chat), read a batch
   * at a time; and how many they are, for the cap.
   */
  async exportCases(
    staff: DeskStaff,
    q: Omit<CaseSearch, 'offset' | 'limit'>,
  ): Promise<{ total: number; rows: AsyncIterable<ReportedCase> }> {
    const query = await this.scoped(staff, q);
    return { total: await this.store.cases.countOf(query), rows: this.store.cases.stream(query, REPORTED_CASE_FIELDS) };
  }

  /**
   * The dashboard's filters within what the staff member may see: their areas and below (an
   * `areaCode` narrows, never widens), mediators only mediation requests. The list, map,
   * statistics and exports all ask through this, so they show the same cases.
   */
  private async scoped(staff: DeskStaff, q: Omit<CaseSearch, 'offset' | 'limit'>): Promise<CaseQuery> {
    const scope = await this.scope(staff);
    let areaCodes = scope;
    if (q.areaCode) {
      const narrow = await this.store.areas.coveredBy([q.areaCode]);
      areaCodes = scope === null ? narrow : narrow.filter((code) => scope.includes(code));
    }
    return { areaCodes, statuses: q.statuses, category: q.category, kinds: kindScope(staff), from: q.from, to: q.to, refText: q.refText };
  }

  /**
   * The dashboard's map: the areas the filter shows within the staff member's scope (name,
   * boundary, active hotspot, how many of the located cases are in each), and the newest `limit`
   * cases with a location by the same query as the list, read with a projection (no words, no
   * media, nothing of the tipster). A mediator's hotspots count mediation requests only.
   */
  async mapData(staff: DeskStaff, q: Omit<CaseSearch, 'offset' | 'limit'>, limit: number): Promise<MapView> {
    const query = await this.scoped(staff, q);
    const codes = query.areaCodes ?? (await this.store.areas.all()).map((a) => a.code);
    const [areas, located, hot] = await Promise.all([
      this.store.areas.withCodes(codes),
      this.store.cases.located(query, limit),
      this.hotspots(codes, query.kinds),
    ]);
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const counts = new Map<string, number>();
    for (const c of located.items) if (c.areaCode) counts.set(c.areaCode, (counts.get(c.areaCode) ?? 0) + 1);
    return {
      areas: codes.flatMap((code) => {
        const a = byCode.get(code);
        return a ? [{ code, name: a.name, boundary: a.boundary ?? null, hotspot: hot.has(code), cases: counts.get(code) ?? 0 }] : [];
      }),
      cases: located.items.map((c) => ({
        refCode: c.refCode,
        status: c.status,
        kind: c.kind as CaseKind,
        category: c.category,
        lat: c.location.latitude,
        lon: c.location.longitude,
        submittedAt: c.submittedAt,
      })),
      truncated: located.truncated,
    };
  }

  /** The areas the staff member covers and every one below them, with their names, for the dashboard's area filter. */
  async areasOf(staff: DeskStaff): Promise<{ code: string; name: string }[]> {
    const codes = (await this.scope(staff)) ?? (await this.store.areas.all()).map((a) => a.code);
    return Promise.all(codes.map(async (code) => ({ code, name: (await this.area(code)).name ?? code })));
  }

  async byRef(refCode: string): Promise<DeskCase | null> {
    const c = await this.store.cases.byRefCode(refCode);
    return c ? this.present(c) : null;
  }

  async byId(caseId: string): Promise<DeskCase | null> {
    const c = await this.store.cases.byCaseId(caseId);
    return c ? this.present(c) : null;
  }

  /**
   * Reads the case, plans the change from it and writes the plan in one conditional update
   * (store/cases `applyPlan`); when another writer moved the case in between, plans again from
   * the case as it now is, which may find the change already made ('unchanged') or the case closed.
   */
  private async plannedChange(caseId: string, change: CaseChange): Promise<ChangeResult> {
    for (let attempt = 1; attempt <= CHANGE_ATTEMPTS; attempt++) {
      const c = await this.store.cases.byCaseId(caseId);
      if (!c) return { outcome: 'missing' };
      const plan = planChange(c, change, new Date());
      if (plan === 'closed' || plan === 'unchanged') return { outcome: plan, case: await this.present(c) };
      const updated = await this.store.cases.applyPlan(caseId, c, plan);
      if (!updated) continue;
      if (plan.acknowledges) this.onAcknowledged((updated.acknowledgedAt ?? new Date()).getTime() - updated.submittedAt.getTime());
      await this.onChanged(updated.refCode);
      return { outcome: 'done', case: await this.present(updated), acknowledged: plan.acknowledges, resolved: plan.resolves };
    }
    throw new CaseBusyError(caseId);
  }

  async change(caseId: string, change: CaseChange, via: 'chat' | 'web' = 'chat'): Promise<ChangeResult> {
    const result = await this.plannedChange(caseId, change);
    if (
      result.outcome === 'done' &&
      this.audit &&
      change.action !== 'answer' &&
      change.action !== 'escalate' &&
      change.action !== 'stopQuestions'
    ) {
      const detail: Record<string, string> | undefined =
        change.action === 'resolve' ? { outcome: change.outcome } : change.action === 'reassign' ? { to: change.to } : undefined;
      await this.audit.caseChanged({
        actor: change.by,
        action: change.action,
        via,
        refCode: result.case.refCode,
        areaCode: result.case.areaCode,
        detail,
      });
    }
    return result;
  }

  async colleagues(c: DeskCase): Promise<OfficerRef[]> {
    const officers = await this.store.officers.inAreas(c.areaPath);
    return officers.filter((o) => o.role === 'officer' && o.active).map(({ officerId, name, role }) => ({ officerId, name, role }));
  }

  async officer(officerId: string): Promise<OfficerRef | null> {
    const o = await this.store.officers.byId(officerId);
    return o ? { officerId: o.officerId, name: o.name, role: o.role } : null;
  }

  async responsible(officerId: string, caseId: string): Promise<boolean> {
    return (await stillResponsible(this.store, officerId, caseId)) !== null;
  }

  async list(staff: DeskStaff, q: CaseListQuery): Promise<{ items: DeskCase[]; total: number }> {
    const { items, total } = await this.store.cases.page({
      areaCodes: await this.scope(staff),
      statuses: q.statuses,
      category: q.category,
      kinds: kindScope(staff),
      // An officer's list leaves out what another officer has taken; supervisors see everything.
      mineOrFree: !staff.superadmin && staff.role === 'officer' && staff.officerId ? staff.officerId : undefined,
      offset: q.offset,
      limit: q.limit,
    });
    return { items: await Promise.all(items.map((c) => this.present(c))), total };
  }

  async stats(staff: DeskStaff, since: Date): Promise<CaseStats> {
    const counts = await this.store.cases.countsSince({ areaCodes: await this.scope(staff), since, kinds: kindScope(staff) });
    const byArea = await Promise.all(
      counts.byArea.map(async (r) => ({ ...r, areaName: r.areaCode ? (await this.area(r.areaCode)).name : null })),
    );
    return {
      total: counts.byStatus.reduce((sum, r) => sum + r.count, 0),
      byCategory: counts.byCategory.map((r) => ({ kind: r.kind as CaseKind, category: r.category, count: r.count })),
      byStatus: counts.byStatus.map((r) => ({ status: r.status as CaseStatus, count: r.count })),
      byArea,
    };
  }

  async scopeName(staff: DeskStaff): Promise<string | null> {
    if (staff.superadmin) return null;
    const names = await Promise.all(staff.areaCodes.map(async (code) => (await this.area(code)).name ?? code));
    return names.join(', ');
  }

  isReporter(c: DeskCase, channel: ChannelName, chatId: string): boolean {
    // A case whose sender erased their data belongs to nobody who writes.
    if (!c.replyTo || c.replyTo.channel !== channel) return false;
    try {
      return openCaseField(this.box, c.replyTo.chatIdSealed, c.caseId, 'replyTo') === chatId;
    } catch {
      return false;
    }
  }

  contact(c: DeskCase): string | undefined {
    try {
      return consentedContact(c, (sealed) => openCaseField(this.box, sealed, c.caseId, 'contact'));
    } catch {
      return undefined; // Not this case's contact: shown to nobody.
    }
  }

  /** The staff member's areas and every area below them; null for everywhere. */
  private async scope(staff: DeskStaff): Promise<string[] | null> {
    if (staff.superadmin) return null;
    return this.store.areas.coveredBy(staff.areaCodes);
  }

  /** A stored case as staff see it. */
  async present(c: Case): Promise<DeskCase> {
    const area = c.areaCode ? await this.area(c.areaCode) : { name: null, path: [] };
    return { ...pickFields(caseRecordOf(c), DESK_CASE_FIELDS), areaName: area.name, areaPath: area.path };
  }

  private async area(code: string): Promise<AreaInfo> {
    const cached = this.areaCache.get(code);
    if (cached && cached.until > Date.now()) return cached.info;
    const ancestry = await this.store.areas.ancestry(code);
    const info = { name: ancestry[0]?.name ?? null, path: ancestry.map((a) => a.code) };
    this.areaCache.set(code, { info, until: Date.now() + AREA_CACHE_MS });
    return info;
  }
}
