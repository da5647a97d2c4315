import type IORedis from 'ioredis';
import type { DeskMessenger } from '../ports';
import { hotspotText } from '../render';
import type { Translate } from '../../../conversations/ports';
import { escalationDelayMs, supervisorLevels, type EscalationDelays } from '../../../domain/case-workflow';
import { CASE_KINDS } from '../../reporting/flows';
import type { Logger } from '../../../logger';
import type { EscalationScheduler } from '../adapters/escalations';
import type { StoreCaseDesk } from '../adapters/case-desk';
import { hotspotKey } from '../adapters/hotspots';
import type { Case } from '../../../store/cases/case.schema';
import type { Store } from '../../../store/models';

export interface CaseWatchDeps {
  store: Store;
  desk: StoreCaseDesk;
  messenger: DeskMessenger;
  scheduler: Pick<EscalationScheduler, 'schedule'>;
  redis: IORedis;
  t: Translate;
  delays: EscalationDelays;
  hotspot: { threshold: number; windowMs: number };
  log: Logger;
  /** Told of each hotspot alert raised (tnd_hotspots_total). */
  hotspotRaised?: () => void;
}

/**
 * What follows the storing of a case, run by the intake worker after every (re)delivery, so a
 * crash in between is repaired by the job's retry: the escalation timer is set (idempotent by
 * job id) and the area is checked for a hotspot.
 */
export function createCaseWatch(deps: CaseWatchDeps) {
  return async function afterStored(c: Case): Promise<void> {
    // A case without an area already went to the supervisors at the top: there is nobody above them.
    if (c.status === 'new' && c.areaCode)
      await deps.scheduler.schedule(c.caseId, 1, escalationDelayMs(CASE_KINDS.get(c.kind), c.category, deps.delays));
    await checkHotspot(deps, c);
  };
}

/**
 * Điểm nóng: `threshold` cases of one kind and category in one area within the window. The
 * nearest supervisors get one alert listing them; a Redis key (SET NX, living as long as the
 * window) keeps the next cases of the same window quiet. The key holds the case that raised the
 * alert, so a retry of that same case still delivers it (the notice id makes it once).
 *
 * Before the threshold is reached nothing is read from the database: a sorted set per area, kind
 * and category counts the window's cases (the query behind the alert scans the cases collection
 * on FerretDB, and paying it for every case of a burst made it the worker's slowest step).
 */
async function checkHotspot(deps: CaseWatchDeps, c: Case): Promise<void> {
  if (!c.areaCode) return;
  const { threshold, windowMs } = deps.hotspot;
  const key = hotspotKey(c.areaCode, c.kind, c.category);
  // An alert already raised in this window (by another case) settles it without reading cases:
  // the read grows with the area's cases, and a burst would otherwise pay it for every case.
  const holder = await deps.redis.get(key);
  if (holder && holder !== c.caseId) return;
  const at = new Date(c.submittedAt).getTime();
  if ((await countInWindow(deps, `${key}:cases`, c.caseId, at)) < threshold) return;
  // The count says the threshold may be reached: the database, which holds every case, decides.
  const since = new Date(at - windowMs);
  const recent = await deps.store.cases.recentInArea({ areaCode: c.areaCode, kind: c.kind, category: c.category, since });
  if (recent.length < threshold) return;
  const won = (await deps.redis.set(key, c.caseId, 'PX', Math.ceil(windowMs), 'NX')) === 'OK';
  if (!won && (await deps.redis.get(key)) !== c.caseId) return;
  const views = await Promise.all(recent.map((r) => deps.desk.present(r)));
  const path = views[0].areaPath;
  const supervisors = supervisorLevels(path, await deps.store.officers.inAreas(path))[0] ?? [];
  const days = Math.round((windowMs / 86_400_000) * 100) / 100;
  for (const o of supervisors) {
    await deps.messenger.toOfficer(o.officerId, `n.${c.caseId}.hot`, (lang) => [
      { text: hotspotText(views, days, { t: deps.t, lang }), lang },
    ]);
  }
  deps.log.info(
    { areaCode: c.areaCode, kind: c.kind, category: c.category, cases: recent.length, supervisors: supervisors.length },
    'hotspot.alerted',
  );
  deps.hotspotRaised?.();
}

/**
 * Adds the case to the window's sorted set (score: when it was submitted; adding it again on a
 * retry changes nothing) and counts the cases submitted from one window before it on. Entries
 * older than two windows are trimmed and the set expires after two quiet windows, so it stays
 * small; a late retry of an older case still finds its neighbours.
 */
async function countInWindow(deps: CaseWatchDeps, key: string, caseId: string, at: number): Promise<number> {
  const { windowMs } = deps.hotspot;
  const replies = await deps.redis
    .multi()
    .zadd(key, at, caseId)
    .zremrangebyscore(key, '-inf', `(${Math.min(at, Date.now()) - 2 * windowMs}`)
    .zcount(key, at - windowMs, '+inf')
    .pexpire(key, Math.ceil(2 * windowMs))
    .exec();
  const [error, count] = replies?.[2] ?? [new Error('hotspot count: the transaction was discarded'), 0];
  if (error) throw error;
  return Number(count);
}
