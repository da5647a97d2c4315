import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import { durableJob } from './job-options';
import { outboxQueueName } from './names';
import type { OutboxJob } from './outbox-producer';

/** The job name of a stored notice on a platform's outbox queue (case alerts are 'send'). */
export const NOTICE_JOB = 'notice';

export interface NoticeJob {
  noticeId: string;
}

/**
 * Notices and case alerts share each platform's outbox queue, so one rate limiter and one
 * per-chat spacing cover every message the bot sends there. Job id = the row's id: adding the
 * same notice twice is one job.
 */
export class NoticeQueues {
  private readonly queues = new Map<ChannelName, Queue<NoticeJob | OutboxJob>>();

  constructor(
    private readonly connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {}

  async enqueueNotice(channel: ChannelName, noticeId: string): Promise<void> {
    await this.queue(channel).add(NOTICE_JOB, { noticeId }, durableJob(noticeId, this.job.attempts, this.job.backoffMs));
  }

  async enqueueAlert(channel: ChannelName, notificationId: string): Promise<void> {
    await this.queue(channel).add('send', { notificationId }, durableJob(notificationId, this.job.attempts, this.job.backoffMs));
  }

  private queue(channel: ChannelName): Queue<NoticeJob | OutboxJob> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new Queue<NoticeJob | OutboxJob>(outboxQueueName(channel), { connection: this.connection });
      q.on('error', () => undefined);
      this.queues.set(channel, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
