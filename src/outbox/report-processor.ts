import { UnrecoverableError, type Job } from 'bullmq';
import type { ChannelName, OutboundMessage } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import { truncate } from '../domain/text';
import type { Logger } from '../logger';
import type { Store } from '../store/models';
import type { OutboxJobs } from './jobs';
import type { OutboxProducer } from './producer';
import { sendParts, type OutboxSending } from './send-parts';

export interface ReportDeps {
  store: Store;
  t: Translate;
  log: Logger;
}

export type ReportSendingDeps = ReportDeps & OutboxSending;

/** Why a group was skipped when its sender may no longer reach it; the report says so. */
export const NOT_PERMITTED = 'not-permitted';

/** Names of failed groups listed in the report; the rest are counted. */
const MAX_FAILED_NAMES = 20;

/**
 * Asks for a broadcast's report: a `report` job on the outbox of the sender's platform, so the
 * report is paced and rate limited like every other message the bot sends there. A sender on a
 * platform this worker does not send on gets no message, as before the report went through the
 * outbox: the result is put on record at once.
 */
export function reportAsker(deps: ReportDeps & { outbox: Pick<OutboxProducer, 'enqueueReport'>; channels: ReadonlySet<ChannelName> }) {
  return async function askReport(broadcastId: string): Promise<void> {
    // The sender never changes, so the remembered content (no target list) is enough.
    const b = await deps.store.broadcasts.content(broadcastId);
    if (!b) return;
    if (deps.channels.has(b.sender.channel)) return deps.outbox.enqueueReport(b.sender.channel, broadcastId);
    await report(deps, broadcastId);
  };
}

/** The `report` job on a platform's outbox: sends the sender's report by the outbox's rules (sendParts). */
export function createReportProcessor(deps: ReportSendingDeps) {
  return async function sendReport(job: Job<OutboxJobs['report']>, token?: string): Promise<void> {
    const broadcastId = typeof job.data?.broadcastId === 'string' ? job.data.broadcastId : '';
    if (!broadcastId) throw new UnrecoverableError('report job without a broadcast id');
    const sending = { ...deps, job, token, logFields: { broadcastId }, event: 'broadcast.report' };
    // One part; the broadcast's `done` is its progress, written by `report` once the part is out.
    await report(deps, broadcastId, (chatId, message) =>
      sendParts(sending, chatId, [message], 0, { partSent: async () => undefined, allSent: async () => undefined }),
    );
  };
}

/**
 * Tells the sender how it went, once: delivered, failed (with the groups' names) and skipped.
 * Once only because the job id is derived from the broadcast (two asks while it waits are one
 * job) and a broadcast already `done` is not reported again. Sent before the broadcast is marked
 * done, so a crash in between repeats the report rather than losing it. Without `send`, only
 * recorded.
 */
async function report(
  deps: ReportDeps,
  broadcastId: string,
  send?: (chatId: string, message: OutboundMessage) => Promise<'sent' | { gaveUp: string }>,
): Promise<void> {
  const { store, t, log } = deps;
  const b = await store.broadcasts.byId(broadcastId);
  if (!b || b.status === 'done' || b.status === 'cancelled') return;
  const counts = await store.broadcastDeliveries.counts(broadcastId);
  const accounted = counts.pending + counts.sent + counts.failed + counts.skipped;
  // Asked too early (a group finished while others were still being queued): the last one asks again.
  if (counts.pending > 0 || accounted < b.targets.length) return;
  const failed = await store.broadcastDeliveries.forBroadcast(broadcastId, 'failed');
  const lang = b.sender.lang;
  const lines = [
    t(lang, 'broadcast.report.title', { label: b.audienceLabel }),
    t(lang, 'broadcast.report.counts', { sent: counts.sent, failed: counts.failed, skipped: counts.skipped }),
  ];
  const refused =
    counts.skipped > 0
      ? (await store.broadcastDeliveries.forBroadcast(broadcastId, 'skipped')).filter((d) => d.reason === NOT_PERMITTED).length
      : 0;
  if (refused > 0) lines.push(t(lang, 'broadcast.report.notPermitted', { count: refused }));
  if (failed.length > 0) {
    lines.push(t(lang, 'broadcast.report.failedGroups'));
    for (const d of failed.slice(0, MAX_FAILED_NAMES))
      lines.push(
        `• ${truncate(d.title || d.chatId, 80)} (${t(lang, `broadcast.report.reason.${d.reason === 'removed' ? 'removed' : 'other'}`)})`,
      );
    if (failed.length > MAX_FAILED_NAMES) lines.push(t(lang, 'broadcast.report.more', { count: failed.length - MAX_FAILED_NAMES }));
  }
  if (send) {
    const result = await send(b.sender.chatId, { text: lines.join('\n'), lang });
    // Blocked the bot or refused: the report is on record; anything else was thrown, and is retried.
    if (result !== 'sent') log.warn({ broadcastId, reason: result.gaveUp }, 'broadcast.report_undelivered');
  }
  await store.broadcasts.markDone(broadcastId, { delivered: counts.sent, failed: counts.failed, skipped: counts.skipped });
  log.info({ broadcastId, delivered: counts.sent, failed: counts.failed, skipped: counts.skipped }, 'broadcast.done');
}
