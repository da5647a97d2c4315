import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../channels/send-errors';
import { broadcastParts } from '../conversations/broadcast/render';
import type { Logger } from '../logger';
import type { BroadcastDeliveryJob, BroadcastQueue } from '../queues/broadcast-queue';
import type { Store } from '../store/models';
import type { ChatPacer } from './chat-pacer';

export interface BroadcastDeliveryDeps {
  store: Store;
  sender: ChannelSender;
  pacer: ChatPacer;
  queue: Pick<BroadcastQueue, 'report'>;
  log: Logger;
  /** Set once the outbox worker exists: a platform 429 pauses the whole queue for retry_after. */
  worker?: Worker;
}

/**
 * Posts one broadcast into one group, on the platform's outbox worker next to officers' alerts:
 * the same per-platform rate limit, the same per-chat spacing across replicas (ChatPacer: about
 * 20 a minute into a group), the same 429 pause. Progress is saved after each part, so a job
 * retried or taken over after a crash never posts a part twice (bar one accepted in the instant
 * before a kill: no chat API has idempotent sends). A group that removed the bot is marked
 * inactive and not retried. When the last group is done, the sender's report is asked for.
 */
export function createBroadcastDeliveryProcessor(deps: BroadcastDeliveryDeps) {
  return async function deliverBroadcast(job: Job<BroadcastDeliveryJob>, token?: string): Promise<void> {
    const { store, sender, log } = deps;
    const d = await store.broadcastDeliveries.byId(job.data.broadcastDeliveryId);
    if (!d || d.status !== 'pending') return;
    const b = await store.broadcasts.byId(d.broadcastId);
    if (!b) throw new UnrecoverableError('broadcast no longer exists');
    if (b.status === 'cancelled') return finish(deps, d.deliveryId, d.broadcastId, 'skipped', 'cancelled');
    const parts = broadcastParts(b);

    await store.broadcastDeliveries.recordAttempt(d.deliveryId);
    for (let i = d.partsSent; i < parts.length; i++) {
      const wait = await deps.pacer.reserve(sender.channel, d.chatId);
      if (wait > 0) {
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      try {
        await sender.send(d.chatId, parts[i]);
      } catch (err) {
        if (err instanceof SendRateLimitedError && deps.worker) {
          log.warn({ deliveryId: d.deliveryId, retryAfterMs: err.retryAfterMs }, 'broadcast.rate_limited');
          await deps.worker.rateLimit(err.retryAfterMs);
          throw Worker.RateLimitError();
        }
        if (err instanceof RecipientUnavailableError) {
          // The bot was removed from the group (or it is gone): stop sending there at all.
          await store.groups.setActive(d.channel, d.chatId, false);
          log.warn({ deliveryId: d.deliveryId }, 'broadcast.group_gone');
          return finish(deps, d.deliveryId, d.broadcastId, 'failed', 'removed');
        }
        if (err instanceof MessageRejectedError) return finish(deps, d.deliveryId, d.broadcastId, 'failed', 'rejected');
        throw err;
      }
      await store.broadcastDeliveries.markPartSent(d.deliveryId, i + 1);
    }
    await finish(deps, d.deliveryId, d.broadcastId, 'sent');
  };
}

/** Final state of one group, then the report if it was the last. */
export async function finish(deps: Pick<BroadcastDeliveryDeps, 'store' | 'queue' | 'log'>, deliveryId: string, broadcastId: string, status: 'sent' | 'failed' | 'skipped', reason?: string): Promise<void> {
  await deps.store.broadcastDeliveries.finish(deliveryId, status, reason);
  if (status !== 'sent') deps.log.info({ deliveryId, status, reason }, 'broadcast.delivery_not_sent');
  const counts = await deps.store.broadcastDeliveries.counts(broadcastId);
  if (counts.pending === 0) await deps.queue.report(broadcastId);
}
