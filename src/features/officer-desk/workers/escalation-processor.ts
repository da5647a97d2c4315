import type { Job } from 'bullmq';
import type { Translate } from '../../../conversations/ports';
import { withCaseActions, escalationText } from '../render';
import type { DeskMessenger } from '../ports';
import { escalationDelayMs, supervisorLevels, type EscalationDelays } from '../../../domain/case-workflow';
import { CASE_KINDS } from '../../reporting/flows';
import type { Logger } from '../../../logger';
import type { EscalationJob, EscalationScheduler } from '../adapters/escalations';
import type { StoreCaseDesk } from '../adapters/case-desk';
import type { Store } from '../../../store/models';
import type { OperatorAlertsPort } from '../../../ops/port';

export interface EscalationDeps {
  store: Store;
  desk: StoreCaseDesk;
  messenger: DeskMessenger;
  scheduler: Pick<EscalationScheduler, 'schedule'>;
  t: Translate;
  delays: EscalationDelays;
  log: Logger;
  /** The operators' chat, told when no supervisor stands where the case was due to go (src/ops). */
  operators?: OperatorAlertsPort;
}

/**
 * A case's escalation timer fired. If the case is still new, the supervisors of the next level up
 * get an escalation alert (and the full case alert), the escalation is recorded in the case's
 * history, and the timer for the level above is set. Acknowledged or closed cases stop here, so
 * acknowledging is what cancels an escalation, whether or not its timer was removed.
 * Safe to run again: the history entry, the messages and the next timer are all keyed by level.
 */
export function createEscalationProcessor(deps: EscalationDeps) {
  return async function escalate(job: Job<EscalationJob>): Promise<string> {
    const { caseId, level } = job.data;
    const c = await deps.desk.byId(caseId);
    if (!c) return 'missing';
    if (c.status !== 'new') {
      deps.log.info({ caseId, refCode: c.refCode, level }, 'escalation.not_needed');
      return c.status;
    }
    const levels = supervisorLevels(c.areaPath, await deps.store.officers.inAreas(c.areaPath));
    const targets = levels[level - 1];
    if (!targets) {
      deps.log.warn({ caseId, refCode: c.refCode, level }, 'escalation.no_supervisor: add a supervisor above this area');
      await deps.operators?.notify('escalation_no_supervisor', {
        caseId,
        refCode: c.refCode,
        level,
        areaCode: c.areaPath[0] ?? null,
        areaName: c.areaName ?? undefined,
      });
      return 'no_supervisor';
    }
    const to = targets.map((o) => o.officerId);
    const recorded = c.history.some((h) => h.action === 'escalated' && h.note?.startsWith(`level ${level}:`));
    let view = c;
    if (!recorded) {
      const result = await deps.desk.change(caseId, { action: 'escalate', by: 'system', level, to });
      if (result.outcome === 'missing') return 'missing';
      // Acknowledged between the read above and the write: nothing to escalate.
      if (result.outcome !== 'done') return result.case.status;
      view = result.case;
    }
    const minutes = Math.max(1, Math.round((Date.now() - view.submittedAt.getTime()) / 60_000));
    for (const officerId of to) {
      await deps.messenger.toOfficer(officerId, `n.${caseId}.esc.${level}`, (lang, channel) => [
        withCaseActions({ text: escalationText(view, level, minutes, { t: deps.t, lang }), lang }, channel, view, { t: deps.t, lang }),
      ]);
      await deps.messenger.alertOfficer(caseId, officerId);
    }
    if (levels[level])
      await deps.scheduler.schedule(caseId, level + 1, escalationDelayMs(CASE_KINDS.get(view.kind), view.category, deps.delays));
    deps.log.info({ caseId, refCode: view.refCode, level, supervisors: to.length }, 'case.escalated');
    return 'escalated';
  };
}
