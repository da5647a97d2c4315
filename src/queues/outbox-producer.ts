import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import { durableJob } from './job-options';
import { outboxQueueName } from './names';

export interface OutboxJob {
  notificationId: string;
}

/** Puts notifications on their platform's outbox; job id = notification id, so a re-run adds nothing. */
export class OutboxProducer {
  private readonly queues = new Map<ChannelName, Queue<OutboxJob>>();

  constructor(
    private readonly connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {}

  async enqueue(channel: ChannelName, notificationId: string): Promise<void> {
    await this.queue(channel).add('send', { notificationId }, durableJob(notificationId, this.job.attempts, this.job.backoffMs));
  }

  private queue(channel: ChannelName): Queue<OutboxJob> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new Queue<OutboxJob>(outboxQueueName(channel), { connection: this.connection });
      q.on('error', () => undefined);
      this.queues.set(channel, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
