import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import { durableJob } from './job-options';
import { outboxQueueName } from './names';

/** Fan-out (job id = broadcast id, delayed until its time) and the sender's report. */
export const BROADCASTS_QUEUE = 'broadcasts';

export interface BroadcastJob {
  broadcastId: string;
}

/** One broadcast into one group, on the platform's outbox (job id = delivery id). */
export interface BroadcastDeliveryJob {
  broadcastDeliveryId: string;
}

export function isBroadcastDeliveryJob(data: unknown): data is BroadcastDeliveryJob {
  return typeof (data as BroadcastDeliveryJob | null)?.broadcastDeliveryId === 'string';
}

/**
 * Broadcast deliveries wait behind officers' alerts: BullMQ takes jobs without a priority before
 * prioritised ones, so a thousand-group advisory never delays a tip's alert.
 */
export const BROADCAST_DELIVERY_PRIORITY = 10;

export class BroadcastQueue {
  private readonly queue: Queue<BroadcastJob>;

  constructor(
    connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {
    this.queue = new Queue<BroadcastJob>(BROADCASTS_QUEUE, { connection });
    this.queue.on('error', () => undefined);
  }

  /** Idempotent: the same broadcast twice is one job. */
  async fanOut(broadcastId: string, delayMs = 0): Promise<void> {
    await this.queue.add('fanout', { broadcastId }, { ...durableJob(broadcastId, this.job.attempts, this.job.backoffMs), delay: Math.max(0, Math.round(delayMs)) });
  }

  /**
   * Asks for the sender's report. Removed once done, so a later call (the last group's job
   * finishing after an early, premature call) can add it again; the report job itself sends once.
   */
  async report(broadcastId: string): Promise<void> {
    await this.queue.add('report', { broadcastId }, { ...durableJob(`${broadcastId}.report`, this.job.attempts, this.job.backoffMs), removeOnComplete: true });
  }

  /** Drops a fan-out that has not started (a cancelled schedule). */
  async removeFanOut(broadcastId: string): Promise<void> {
    try {
      await this.queue.remove(broadcastId);
    } catch {
      // Locked by a worker: it already lost the fence to the cancel and will stop by itself.
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

const ENQUEUE_CHUNK = 500;

/** Puts broadcast deliveries on each platform's outbox, where the platform's limits are kept. */
export class BroadcastOutbox {
  private readonly queues = new Map<ChannelName, Queue<BroadcastDeliveryJob>>();

  constructor(
    private readonly connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {}

  /**
   * Queues the deliveries a few hundred per Redis round trip (a broadcast may reach thousands of
   * groups). Idempotent: a delivery already queued keeps its job (same job id).
   */
  async enqueue(channel: ChannelName, deliveryIds: readonly string[]): Promise<void> {
    for (let i = 0; i < deliveryIds.length; i += ENQUEUE_CHUNK) {
      const jobs = deliveryIds.slice(i, i + ENQUEUE_CHUNK).map((deliveryId) => ({
        name: 'broadcast',
        data: { broadcastDeliveryId: deliveryId },
        opts: { ...durableJob(deliveryId, this.job.attempts, this.job.backoffMs), priority: BROADCAST_DELIVERY_PRIORITY },
      }));
      await this.queue(channel).addBulk(jobs);
    }
  }

  private queue(channel: ChannelName): Queue<BroadcastDeliveryJob> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new Queue<BroadcastDeliveryJob>(outboxQueueName(channel), { connection: this.connection });
      q.on('error', () => undefined);
      this.queues.set(channel, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
