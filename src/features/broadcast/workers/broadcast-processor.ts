import { UnrecoverableError, type Job } from 'bullmq';
import type { ChannelSender } from '../../../channels/channel-sender';
import { groupKey } from '../../../domain/chat';
import type { ChannelName } from '../../../conversations/messages';
import type { Logger } from '../../../logger';
import type { OutboxProducer } from '../../../outbox/producer';
import { NOT_PERMITTED } from '../../../outbox/report-processor';
import type { BroadcastJob } from '../adapters/broadcast-queue';
import type { BroadcastFence } from '../adapters/broadcast-fence';
import type { BroadcastTally } from '../../../redis/broadcast-tally';
import { deliveryIdFor } from '../../../store/broadcasts/delivery.schema';
import type { StoreBroadcastAudience } from '../adapters/broadcast-audience';
import type { Store } from '../../../store/models';

export interface BroadcastDeps {
  store: Store;
  fence: BroadcastFence;
  tally: Pick<BroadcastTally, 'arm'>;
  outbox: Pick<OutboxProducer, 'enqueueDeliveries'>;
  /** Asks for the sender's report (src/outbox/report-processor.ts: reportAsker). */
  askReport: (broadcastId: string) => Promise<void>;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  log: Logger;
  /** Re-asked when a scheduled broadcast fires: who may the sender reach now? */
  audience: Pick<StoreBroadcastAudience, 'stillReaches'>;
  /** Told once a broadcast's deliveries are queued (tnd_broadcasts_total). */
  fannedOut?: () => void;
}

/** Deliveries written per bulk insert during a fan-out. */
const CREATE_AT_ONCE = 500;

/**
 * The `broadcasts` queue: `fanout`, when a broadcast is due. (The sender's report, when its last
 * group is done, is a `report` job on the sender's platform outbox, paced like every other
 * message; a `report` job still on this queue from before that change is handed over to it.)
 * Fan-out first claims the broadcast in the fence (a cancel that got there first wins and
 * nothing is sent), then creates every group's delivery and only then queues them, so the report
 * cannot be asked for before all deliveries exist. Every step is idempotent: a fan-out retried
 * after a crash finds its deliveries and re-adds jobs with the same ids, which BullMQ ignores.
 */
export function createBroadcastProcessor(deps: BroadcastDeps) {
  return async function processBroadcast(job: Job<BroadcastJob>): Promise<void> {
    const broadcastId = typeof job.data?.broadcastId === 'string' ? job.data.broadcastId : '';
    if (!broadcastId) throw new UnrecoverableError('broadcast job without a broadcast id');
    // Queued here by a worker before the report moved to the outbox: asked for again there.
    if (job.name === 'report') return deps.askReport(broadcastId);
    return fanOut(deps, broadcastId);
  };
}

async function fanOut(deps: BroadcastDeps, broadcastId: string): Promise<void> {
  const { store, log } = deps;
  const b = await store.broadcasts.byId(broadcastId);
  if (!b) throw new UnrecoverableError('broadcast no longer exists');
  if (b.status === 'cancelled' || b.status === 'done') return;
  if ((await deps.fence.claim(broadcastId, 'started')) === 'cancelled') {
    await store.broadcasts.markCancelled(broadcastId);
    log.info({ broadcastId }, 'broadcast.cancelled_before_start');
    return;
  }
  if (b.status !== 'sending') await store.broadcasts.markSending(broadcastId);

  // Groups as they are now: one the bot was removed from since the broadcast was written is skipped.
  const groups = new Map((await store.groups.all()).map((g) => [groupKey(g), g]));
  // A scheduled one was allowed when it was written, maybe days ago; a confirmed one seconds ago.
  const permitted = b.scheduledFor ? await deps.audience.stillReaches(b.sender, b.targets) : null;
  const pending: { channel: ChannelName; deliveryId: string }[] = [];
  for (let i = 0; i < b.targets.length; i += CREATE_AT_ONCE) {
    const created = await store.broadcastDeliveries.createManyIfAbsent(
      b.targets.slice(i, i + CREATE_AT_ONCE).map((target) => {
        const group = groups.get(groupKey(target));
        const reason = !group
          ? 'unknown-group'
          : !group.active
            ? 'inactive'
            : !deps.senders.has(target.channel)
              ? 'channel-off'
              : permitted && !permitted.has(groupKey(target))
                ? NOT_PERMITTED
                : undefined;
        return {
          deliveryId: deliveryIdFor(broadcastId, target.channel, target.chatId),
          broadcastId,
          channel: target.channel,
          chatId: target.chatId,
          title: group?.title || target.title,
          status: reason ? 'skipped' : 'pending',
          ...(reason ? { reason, finishedAt: new Date() } : {}),
        };
      }),
    );
    for (const d of created) if (d.status === 'pending') pending.push({ channel: d.channel, deliveryId: d.deliveryId });
  }
  // Before any is queued, so the tally never waits for a delivery that already finished.
  await deps.tally.arm(
    broadcastId,
    pending.map((p) => p.deliveryId),
  );
  for (const channel of new Set(pending.map((p) => p.channel))) {
    await deps.outbox.enqueueDeliveries(
      channel,
      pending.filter((p) => p.channel === channel).map((p) => p.deliveryId),
    );
  }
  log.info({ broadcastId, groups: b.targets.length, queued: pending.length }, 'broadcast.fanned_out');
  deps.fannedOut?.();
  if (pending.length === 0) await deps.askReport(broadcastId);
}
