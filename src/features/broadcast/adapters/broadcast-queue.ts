import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { durableJob } from '../../../queues/job-options';

/**
 * Fan-out (job id = broadcast id, delayed until its time). The sender's report goes on the
 * outbox (src/outbox); a `report` job left here from before that is handed over to it.
 */
export const BROADCASTS_QUEUE = 'broadcasts';

export interface BroadcastJob {
  broadcastId: string;
}

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
    await this.queue.add(
      'fanout',
      { broadcastId },
      { ...durableJob(broadcastId, this.job.attempts, this.job.backoffMs), delay: Math.max(0, Math.round(delayMs)) },
    );
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
