import { UnrecoverableError, type Job } from 'bullmq';
import { RecipientUnavailableError } from '../channels/send-errors';
import { broadcastParts } from '../features/broadcast/render';
import type { Metrics } from '../metrics/metrics';
import type { BroadcastTally } from '../redis/broadcast-tally';
import type { Store } from '../store/models';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface BroadcastDeliveryDeps extends OutboxSending {
  store: Store;
  /** Asks for the sender's report (report-processor.ts: reportAsker). */
  askReport: (broadcastId: string) => Promise<void>;
  tally: Pick<BroadcastTally, 'finished'>;
  metrics: Pick<Metrics, 'broadcastDeliveries'>;
}

/**
 * Posts one broadcast into one group, on the platform's outbox worker next to officers' alerts and
 * by the same part-sending rules (sendParts): the same per-platform rate limit, the same per-chat
 * spacing across replicas (about 20 a minute into a group), the same 429 pause, progress saved
 * after each part so a job retried or taken over after a crash never posts a part twice (bar one
 * accepted in the instant before a kill: no chat API has idempotent sends). A group that removed
 * the bot is marked inactive and not retried. When the last group is done, the sender's report is
 * asked for.
 */
export function createDeliveryProcessor(deps: BroadcastDeliveryDeps) {
  return async function deliverBroadcast(job: Job<OutboxJobs['delivery']>, token?: string): Promise<void> {
    const { store } = deps;
    const d = await store.broadcastDeliveries.takeUp(job.data.broadcastDeliveryId);
    if (!d) {
      // Finished by an earlier run that may have stopped before counting it: counting again is harmless.
      const done = await store.broadcastDeliveries.byId(job.data.broadcastDeliveryId);
      return done ? settle(deps, done.deliveryId, done.broadcastId) : undefined;
    }
    // Without its target list, which can be thousands of groups long and is not needed here.
    const b = await store.broadcasts.content(d.broadcastId);
    if (!b) throw new UnrecoverableError('broadcast no longer exists');
    if (b.status === 'cancelled') return finish(deps, d.deliveryId, d.broadcastId, 'skipped', { reason: 'cancelled' });

    const result = await sendParts(
      { ...deps, job, token, logFields: { deliveryId: d.deliveryId }, event: 'broadcast', bulk: true },
      d.chatId,
      broadcastParts(b),
      d.partsSent,
      {
        partSent: (sent) => store.broadcastDeliveries.markPartSent(d.deliveryId, sent),
        allSent: (total) => finish(deps, d.deliveryId, d.broadcastId, 'sent', { partsSent: total }),
      },
    );
    if (result === 'sent') return;
    if (result.gaveUp === RecipientUnavailableError.name) {
      // The bot was removed from the group (or it is gone): stop sending there at all.
      await store.groups.setActive(d.channel, d.chatId, false);
      return finish(deps, d.deliveryId, d.broadcastId, 'failed', { reason: 'removed' });
    }
    return finish(deps, d.deliveryId, d.broadcastId, 'failed', { reason: 'rejected' });
  };
}

type FinishDeps = Pick<BroadcastDeliveryDeps, 'store' | 'askReport' | 'tally' | 'log' | 'metrics'>;

/** Final state of one group, then the report if it was the last. */
async function finish(
  deps: FinishDeps,
  deliveryId: string,
  broadcastId: string,
  status: 'sent' | 'failed' | 'skipped',
  how: { reason?: string; partsSent?: number } = {},
): Promise<void> {
  await deps.store.broadcastDeliveries.finish(deliveryId, status, how);
  deps.metrics.broadcastDeliveries.inc({ status });
  if (status !== 'sent') deps.log.info({ deliveryId, status, reason: how.reason }, 'broadcast.delivery_not_sent');
  await settle(deps, deliveryId, broadcastId);
}

/** Counts a finished delivery; when none seems left, the database confirms before the report is asked for. */
async function settle(deps: FinishDeps, deliveryId: string, broadcastId: string): Promise<void> {
  if (!(await deps.tally.finished(broadcastId, deliveryId))) return;
  const counts = await deps.store.broadcastDeliveries.counts(broadcastId);
  if (counts.pending === 0) await deps.askReport(broadcastId);
}

/** A delivery that used its last attempt: the group counts as failed, and the report may go. */
export async function deliveryGivenUp(deps: FinishDeps, deliveryId: string): Promise<void> {
  const d = await deps.store.broadcastDeliveries.byId(deliveryId);
  if (d) await finish(deps, d.deliveryId, d.broadcastId, 'failed', { reason: 'gave-up' });
}
