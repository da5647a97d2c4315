import { BroadcastUnavailableError, type BroadcastDesk, type BroadcastProgress, type BroadcastSummary, type NewBroadcast } from '../ports';
import type { ChannelName } from '../../../conversations/messages';
import type { BroadcastFence } from './broadcast-fence';
import type { Broadcast } from '../../../store/broadcasts/broadcast.schema';
import type { Store } from '../../../store/models';
import type { BroadcastQueue } from './broadcast-queue';

type Sender = { channel: ChannelName; userId: string };

/**
 * The bot's side of broadcasts: stores the broadcast, then puts its fan-out job on the queue
 * (delayed until its time), and lists and cancels a sender's broadcasts. "Sending…" or
 * "scheduled for…" is said only after both writes are acknowledged; both are idempotent by the
 * broadcast id, so a retry after a failure is the same broadcast.
 */
export class QueueBroadcastDesk implements BroadcastDesk {
  constructor(
    private readonly store: Store,
    private readonly queue: BroadcastQueue,
    private readonly fence: BroadcastFence,
    private readonly clock: () => number = Date.now,
    private readonly timeoutMs = 5000,
  ) {}

  async submit(nb: NewBroadcast): Promise<void> {
    try {
      await withTimeout(this.timeoutMs, async () => {
        const { broadcast } = await this.store.broadcasts.insertIfAbsent({
          broadcastId: nb.broadcastId,
          sender: nb.sender,
          audienceLabel: nb.audienceLabel,
          targets: nb.targets,
          text: nb.text,
          ...(nb.photo ? { photo: nb.photo } : {}),
          ...(nb.advisoryId ? { advisoryId: nb.advisoryId } : {}),
          status: nb.scheduledFor ? 'scheduled' : 'queued',
          ...(nb.scheduledFor ? { scheduledFor: nb.scheduledFor } : {}),
          createdAt: new Date(this.clock()),
        });
        if (broadcast.status === 'cancelled') return;
        const at = broadcast.scheduledFor ? new Date(broadcast.scheduledFor).getTime() : 0;
        await this.queue.fanOut(broadcast.broadcastId, at - this.clock());
      });
    } catch (err) {
      throw new BroadcastUnavailableError(err);
    }
  }

  async scheduled(sender: Sender): Promise<BroadcastSummary[]> {
    return (await this.store.broadcasts.bySender(sender.channel, sender.userId, ['scheduled'])).map(summary);
  }

  async running(sender: Sender): Promise<BroadcastProgress[]> {
    const rows = await this.store.broadcasts.bySender(sender.channel, sender.userId, ['queued', 'sending']);
    return Promise.all(
      rows.map(async (b) => {
        const counts = await this.store.broadcastDeliveries.counts(b.broadcastId);
        const accounted = counts.pending + counts.sent + counts.failed + counts.skipped;
        // Before the fan-out has created every delivery, the rest are still to come.
        return {
          ...summary(b),
          sent: counts.sent,
          failed: counts.failed,
          skipped: counts.skipped,
          pending: counts.pending + Math.max(0, b.targets.length - accounted),
        };
      }),
    );
  }

  async cancel(sender: Sender, broadcastId: string): Promise<'cancelled' | 'too-late' | 'not-found'> {
    const b = await this.store.broadcasts.byId(broadcastId);
    if (!b || b.sender.channel !== sender.channel || b.sender.userId !== sender.userId) return 'not-found';
    if (b.status === 'cancelled') return 'cancelled';
    if (b.status !== 'scheduled' && b.status !== 'queued') return 'too-late';
    // Whoever claims first wins: the fan-out when it fires, or this cancel.
    if ((await this.fence.claim(broadcastId, 'cancelled')) !== 'cancelled') return 'too-late';
    await this.queue.removeFanOut(broadcastId);
    await this.store.broadcasts.markCancelled(broadcastId);
    return 'cancelled';
  }
}

function summary(b: Broadcast): BroadcastSummary {
  return {
    broadcastId: b.broadcastId,
    audienceLabel: b.audienceLabel,
    groups: b.targets.length,
    text: b.text,
    scheduledFor: b.scheduledFor ? new Date(b.scheduledFor) : undefined,
    createdAt: new Date(b.createdAt),
  };
}

async function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
