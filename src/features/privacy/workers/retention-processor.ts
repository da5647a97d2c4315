import type { Logger } from '../../../logger';
import type { Store } from '../../../store/models';

export interface RetentionDeps {
  store: Store;
  log: Logger;
  /** A case closed longer ago than this is purged. */
  closedCaseMs: number;
  clock?: () => number;
  /** Cases read per query. */
  batch?: number;
}

/** What one run removed, as counts: logged, never the content. */
export interface RetentionReport {
  cases: number;
  notices: number;
}

/**
 * The daily retention run: every case closed more than `closedCaseMs` ago loses the resident's
 * words, place, media references, contact, chat and blind index, and the texts in its history
 * (store/cases CaseRepository.purgeContent); its notices lose their texts (relayed questions and
 * answers, updates to the resident) and the resident's sealed chat. The notices go first and the
 * case is marked purged last, so a run cut short redoes that case next time; a purged case is
 * never read again, so running twice, or on two workers at once, removes nothing more.
 */
export async function purgeClosedCases(deps: RetentionDeps): Promise<RetentionReport> {
  const { store } = deps;
  const now = new Date((deps.clock ?? Date.now)());
  const cutoff = new Date(now.getTime() - deps.closedCaseMs);
  const batch = deps.batch ?? 200;
  const report: RetentionReport = { cases: 0, notices: 0 };
  const seen = new Set<string>();
  for (;;) {
    const ids = (await store.cases.closedBefore(cutoff, batch)).filter((id) => !seen.has(id));
    // A case that reads as unpurged after its purge (it was removed meanwhile) is not read forever.
    if (ids.length === 0) break;
    for (const caseId of ids) {
      seen.add(caseId);
      report.notices += await store.notices.purgeForCase(caseId);
      if (await store.cases.purgeContent(caseId, now)) report.cases++;
    }
  }
  deps.log.info({ ...report, cutoff: cutoff.toISOString() }, 'retention.purged');
  return report;
}

/** The BullMQ processor of the `retention` queue's daily job. */
export function createRetentionProcessor(deps: RetentionDeps) {
  return async function retention(): Promise<RetentionReport> {
    return purgeClosedCases(deps);
  };
}
