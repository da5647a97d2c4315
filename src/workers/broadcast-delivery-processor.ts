import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { RecipientUnavailableError } from '../channels/send-errors';
import { broadcastParts } from '../conversations/broadcast/render';
import type { Logger } from '../logger';
import type { BroadcastDeliveryJob, BroadcastQueue } from '../queues/broadcast-queue';
import type { BroadcastTally } from '../redis/broadcast-tally';
import type { Store } from '../store/models';
import type { ChatPacer } from './chat-pacer';
import { sendParts } from './send-parts';

export interface BroadcastDeliveryDeps {
  store: Store;
  sender: ChannelSender;
  pacer: ChatPacer;
  queue: Pick<BroadcastQueue, 'report'>;
  tally: Pick<BroadcastTally, 'finished'>;
  log: Logger;
  /** Set once the outbox worker exists: a platform 429 pauses the whole queue for retry_after. */
  worker?: Worker;
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
export function createBroadcastDeliveryProcessor(deps: BroadcastDeliveryDeps) {
  return async function deliverBroadcast(job: Job<BroadcastDeliveryJob>, token?: string): Promise<void> {
    const { store, sender, log } = deps;
    const d = await store.broadcastDeliveries.byId(job.data.broadcastDeliveryId);
    if (!d) return;
    // Finished by an earlier run that may have stopped before counting it: counting again is harmless.
    if (d.status !== 'pending') return settle(deps, d.deliveryId, d.broadcastId);
    // Without its target list, which can be thousands of groups long and is not needed here.
    const b = await store.broadcasts.content(d.broadcastId);
    if (!b) throw new UnrecoverableError('broadcast no longer exists');
    if (b.status === 'cancelled') return finish(deps, d.deliveryId, d.broadcastId, 'skipped', { reason: 'cancelled' });

    await store.broadcastDeliveries.recordAttempt(d.deliveryId);
    const sending = { job, token, sender, pacer: deps.pacer, worker: deps.worker, log, logFields: { deliveryId: d.deliveryId }, event: 'broadcast' };
    const result = await sendParts(sending, d.chatId, broadcastParts(b), d.partsSent, {
      partSent: (sent) => store.broadcastDeliveries.markPartSent(d.deliveryId, sent),
      allSent: (total) => finish(deps, d.deliveryId, d.broadcastId, 'sent', { partsSent: total }),
    });
    if (result === 'sent') return;
    if (result.gaveUp === RecipientUnavailableError.name) {
      // The bot was removed from the group (or it is gone): stop sending there at all.
      await store.groups.setActive(d.channel, d.chatId, false);
      return finish(deps, d.deliveryId, d.broadcastId, 'failed', { reason: 'removed' });
    }
    return finish(deps, d.deliveryId, d.broadcastId, 'failed', { reason: 'rejected' });
  };
}

type FinishDeps = Pick<BroadcastDeliveryDeps, 'store' | 'queue' | 'tally' | 'log'>;

/** Final state of one group, then the report if it was the last. */
export async function finish(deps: FinishDeps, deliveryId: string, broadcastId: string, status: 'sent' | 'failed' | 'skipped', how: { reason?: string; partsSent?: number } = {}): Promise<void> {
  await deps.store.broadcastDeliveries.finish(deliveryId, status, how);
  if (status !== 'sent') deps.log.info({ deliveryId, status, reason: how.reason }, 'broadcast.delivery_not_sent');
  await settle(deps, deliveryId, broadcastId);
}

/** Counts a finished delivery; when none seems left, the database confirms before the report is asked for. */
async function settle(deps: FinishDeps, deliveryId: string, broadcastId: string): Promise<void> {
  if (!(await deps.tally.finished(broadcastId, deliveryId))) return;
  const counts = await deps.store.broadcastDeliveries.counts(broadcastId);
  if (counts.pending === 0) await deps.queue.report(broadcastId);
}
