import { evidenceIdOf, evidenceRef, type ChannelName } from '../../../domain/chat';
import type { Logger } from '../../../logger';
import type { Store } from '../../../store/models';

export interface RetentionDeps {
  store: Store;
  log: Logger;
  /** A case closed longer ago than this is purged. */
  closedCaseMs: number;
  /** An audit event older than this is deleted (AUDIT_RETENTION_DAYS); none when not given. */
  auditMs?: number;
  clock?: () => number;
  /** Cases read per query. */
  batch?: number;
  /**
   * The blind index of a case stored before there was one, from its sealed reply chat (a private
   * chat's id is the user's on Telegram and Zalo); null when it does not open.
   */
  indexOf?: (channel: ChannelName, chatIdSealed: string, caseId: string) => string | null;
  /** Our copies of residents' photos, videos and voice notes (the evidence store), deleted with the words. */
  evidence?: {
    delete(evidenceIds: string[]): Promise<number>;
    storedBefore?(cutoff: Date, limit: number, after?: string): Promise<string[]>;
  };
  /**
   * How long a draft lives (conversations' draftLifetimeMs): a file stored longer ago than this
   * that no case or notice names was kept for a draft that was given up (expired, erased, or
   * cancelled by a process that died before it deleted the file), and is deleted.
   */
  draftLifetimeMs?: number;
  /**
   * When the oldest case still on the cases queue (not yet stored) was queued, or null: its files
   * are named by no stored case yet, and must outlive a worker that is down for days.
   */
  oldestQueuedCase?: () => Promise<Date | null>;
}

/** What one run removed, as counts: logged, never the content. */
export interface RetentionReport {
  cases: number;
  notices: number;
  /** Files of the evidence store deleted with their case. */
  files: number;
  /** Files kept for drafts never sent (on no case or notice after the draft's lifetime), deleted. */
  draftFiles: number;
  /** Older cases given the blind index they lacked, so that erasure finds them too. */
  indexed: number;
  /** Audit events past AUDIT_RETENTION_DAYS, deleted. */
  auditEvents: number;
}

/**
 * The daily retention run: every case closed more than `closedCaseMs` ago loses the resident's
 * words, place, media references, contact, chat and blind index, and the texts in its history
 * (store/cases CaseRepository.purgeContent); its notices lose their texts (relayed questions and
 * answers, updates to the resident) and the resident's sealed chat. The notices go first and the
 * case is marked purged last, so a run cut short redoes that case next time; a purged case is
 * never read again, so running twice, or on two workers at once, removes nothing more. Then cases
 * stored before the blind index are given theirs (`indexOlderCases`), and audit events older than
 * `auditMs` are deleted.
 */
export async function purgeClosedCases(deps: RetentionDeps): Promise<RetentionReport> {
  const { store } = deps;
  const now = new Date((deps.clock ?? Date.now)());
  const cutoff = new Date(now.getTime() - deps.closedCaseMs);
  const batch = deps.batch ?? 200;
  const report: RetentionReport = { cases: 0, notices: 0, files: 0, draftFiles: 0, indexed: 0, auditEvents: 0 };
  const seen = new Set<string>();
  for (;;) {
    const ids = (await store.cases.closedBefore(cutoff, batch)).filter((id) => !seen.has(id));
    // A case that reads as unpurged after its purge (it was removed meanwhile) is not read forever.
    if (ids.length === 0) break;
    for (const caseId of ids) {
      seen.add(caseId);
      // The files first: once the case forgets its references nothing would find them again.
      if (deps.evidence) report.files += await deps.evidence.delete(await evidenceOf(store, caseId));
      report.notices += await store.notices.purgeForCase(caseId);
      if (await store.cases.purgeContent(caseId, now)) report.cases++;
    }
  }
  report.draftFiles = await purgeDraftFiles(deps, now, batch);
  report.indexed = await indexOlderCases(deps, batch);
  if (deps.auditMs !== undefined) report.auditEvents = await store.auditEvents.deleteBefore(new Date(now.getTime() - deps.auditMs));
  deps.log.info({ ...report, cutoff: cutoff.toISOString() }, 'retention.purged');
  return report;
}

/**
 * Files of drafts never sent: stored longer ago than a draft lives and named by no case and no
 * notice. Read in id order a batch at a time, so a store of many files is never held in memory.
 */
async function purgeDraftFiles(deps: RetentionDeps, now: Date, batch: number): Promise<number> {
  const { evidence, draftLifetimeMs, store } = deps;
  if (!evidence?.storedBefore || draftLifetimeMs === undefined) return 0;
  // A case waiting on the queue was a draft until it was sent: its files are at most a draft's lifetime older.
  const queued = (await deps.oldestQueuedCase?.()) ?? now;
  const cutoff = new Date(Math.min(now.getTime(), queued.getTime()) - draftLifetimeMs);
  let deleted = 0;
  let after: string | undefined;
  for (;;) {
    const ids = await evidence.storedBefore(cutoff, batch, after);
    if (ids.length === 0) return deleted;
    after = ids[ids.length - 1];
    const refs = ids.map(evidenceRef);
    const [onCases, onNotices] = await Promise.all([store.cases.attachmentsAmong(refs), store.notices.attachmentsAmong(refs)]);
    deleted += await evidence.delete(ids.filter((id) => !onCases.has(evidenceRef(id)) && !onNotices.has(evidenceRef(id))));
  }
}

/** The evidence ids a case names: its own attachments and those of the answers relayed on it. */
async function evidenceOf(store: Store, caseId: string): Promise<string[]> {
  const stored = await store.cases.byCaseId(caseId);
  const refs = [
    ...(stored?.attachments ?? []),
    ...(await store.notices.forCase(caseId)).flatMap((n) => n.parts.flatMap((p) => p.attachments ?? [])),
  ];
  return [...new Set(refs.map(evidenceIdOf).filter((id): id is string => id !== undefined))];
}

/**
 * Cases stored before intake set the blind index get it here, each one opened once, so that a
 * resident's `/xoadulieu` finds every case they sent without anything opening every case then. A
 * case whose chat does not open is left without (and not read again in this run).
 */
async function indexOlderCases(deps: RetentionDeps, batch: number): Promise<number> {
  if (!deps.indexOf) return 0;
  const skipped = new Set<string>();
  let indexed = 0;
  for (;;) {
    const rows = (await deps.store.cases.withoutReporterIndex(batch + skipped.size)).filter((r) => !skipped.has(r.caseId));
    if (rows.length === 0) return indexed;
    for (const r of rows) {
      const index = deps.indexOf(r.replyTo.channel, r.replyTo.chatIdEnc, r.caseId);
      if (index === null) {
        skipped.add(r.caseId);
        continue;
      }
      await deps.store.cases.setReporterIndex(r.caseId, index);
      indexed++;
    }
  }
}

/** The BullMQ processor of the `retention` queue's daily job. */
export function createRetentionProcessor(deps: RetentionDeps) {
  return async function retention(): Promise<RetentionReport> {
    return purgeClosedCases(deps);
  };
}
