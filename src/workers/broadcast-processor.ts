import { UnrecoverableError, type Job } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { RecipientUnavailableError, MessageRejectedError } from '../channels/send-errors';
import { groupKey } from '../conversations/broadcast/ports';
import type { ChannelName } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import { truncate } from '../domain/text';
import type { Logger } from '../logger';
import type { BroadcastJob, BroadcastOutbox, BroadcastQueue } from '../queues/broadcast-queue';
import type { BroadcastFence } from '../redis/broadcast-fence';
import type { BroadcastTally } from '../redis/broadcast-tally';
import { deliveryIdFor } from '../store/broadcasts/delivery.schema';
import type { StoreBroadcastAudience } from '../store/broadcast-audience';
import type { Store } from '../store/models';

export interface BroadcastDeps {
  store: Store;
  fence: BroadcastFence;
  tally: Pick<BroadcastTally, 'arm'>;
  outbox: Pick<BroadcastOutbox, 'enqueue'>;
  queue: Pick<BroadcastQueue, 'report'>;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  t: Translate;
  log: Logger;
  /** Re-asked when a scheduled broadcast fires: who may the sender reach now? */
  audience: Pick<StoreBroadcastAudience, 'stillReaches'>;
}

/** Deliveries written per bulk insert during a fan-out. */
const CREATE_AT_ONCE = 500;

/** Why a group was skipped when its sender may no longer reach it; the report says so. */
export const NOT_PERMITTED = 'not-permitted';

/** Names of failed groups listed in the report; the rest are counted. */
const MAX_FAILED_NAMES = 20;

/**
 * The `broadcasts` queue: `fanout` (when a broadcast is due) and `report` (when its last group is
 * done). Fan-out first claims the broadcast in the fence (a cancel that got there first wins and
 * nothing is sent), then creates every group's delivery and only then queues them, so the report
 * cannot be asked for before all deliveries exist. Every step is idempotent: a fan-out retried
 * after a crash finds its deliveries and re-adds jobs with the same ids, which BullMQ ignores.
 */
export function createBroadcastProcessor(deps: BroadcastDeps) {
  return async function processBroadcast(job: Job<BroadcastJob>): Promise<void> {
    const broadcastId = typeof job.data?.broadcastId === 'string' ? job.data.broadcastId : '';
    if (!broadcastId) throw new UnrecoverableError('broadcast job without a broadcast id');
    if (job.name === 'report') return report(deps, broadcastId);
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
  await deps.tally.arm(broadcastId, pending.map((p) => p.deliveryId));
  for (const channel of new Set(pending.map((p) => p.channel))) {
    await deps.outbox.enqueue(channel, pending.filter((p) => p.channel === channel).map((p) => p.deliveryId));
  }
  log.info({ broadcastId, groups: b.targets.length, queued: pending.length }, 'broadcast.fanned_out');
  if (pending.length === 0) await deps.queue.report(broadcastId);
}

/**
 * Tells the sender how it went, once: delivered, failed (with the groups' names) and skipped.
 * Sent before the broadcast is marked done, so a crash in between repeats the report rather than
 * losing it.
 */
async function report(deps: BroadcastDeps, broadcastId: string): Promise<void> {
  const { store, t, log } = deps;
  const b = await store.broadcasts.byId(broadcastId);
  if (!b || b.status === 'done' || b.status === 'cancelled') return;
  const counts = await store.broadcastDeliveries.counts(broadcastId);
  const accounted = counts.pending + counts.sent + counts.failed + counts.skipped;
  // Asked too early (a group finished while others were still being queued): the last one asks again.
  if (counts.pending > 0 || accounted < b.targets.length) return;
  const failed = await store.broadcastDeliveries.forBroadcast(broadcastId, 'failed');
  const lang = b.sender.lang;
  const lines = [t(lang, 'broadcast.report.title', { label: b.audienceLabel }), t(lang, 'broadcast.report.counts', { sent: counts.sent, failed: counts.failed, skipped: counts.skipped })];
  const refused = counts.skipped > 0 ? (await store.broadcastDeliveries.forBroadcast(broadcastId, 'skipped')).filter((d) => d.reason === NOT_PERMITTED).length : 0;
  if (refused > 0) lines.push(t(lang, 'broadcast.report.notPermitted', { count: refused }));
  if (failed.length > 0) {
    lines.push(t(lang, 'broadcast.report.failedGroups'));
    for (const d of failed.slice(0, MAX_FAILED_NAMES)) lines.push(`• ${truncate(d.title || d.chatId, 80)} (${t(lang, `broadcast.report.reason.${d.reason === 'removed' ? 'removed' : 'other'}`)})`);
    if (failed.length > MAX_FAILED_NAMES) lines.push(t(lang, 'broadcast.report.more', { count: failed.length - MAX_FAILED_NAMES }));
  }
  const sender = deps.senders.get(b.sender.channel);
  if (sender) {
    try {
      await sender.send(b.sender.chatId, { text: lines.join('\n'), lang });
    } catch (err) {
      // Blocked the bot or refused: the report is on record; anything else is retried.
      if (!(err instanceof RecipientUnavailableError || err instanceof MessageRejectedError)) throw err;
      log.warn({ broadcastId, reason: err.name }, 'broadcast.report_undelivered');
    }
  }
  await store.broadcasts.markDone(broadcastId, { delivered: counts.sent, failed: counts.failed, skipped: counts.skipped });
  log.info({ broadcastId, delivered: counts.sent, failed: counts.failed, skipped: counts.skipped }, 'broadcast.done');
}
