import { randomBytes } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import { durableJob } from '../queues/job-options';
import { outboxQueueName, type OutboxJobData, type OutboxJobName, type OutboxJobs } from './jobs';

/**
 * Broadcast deliveries wait behind officers' alerts: BullMQ takes jobs without a priority before
 * prioritised ones, so a thousand-group advisory never delays a tip's alert.
 */
export const BROADCAST_DELIVERY_PRIORITY = 10;

/**
 * Replies held back by Zalo's quota wait behind officers' alerts and residents' notices (no
 * priority) but go before broadcasts: a resident is waiting for them.
 */
export const HELD_REPLIES_PRIORITY = 5;
/** Alerts about cases with no group (no join code, so anyone can send them) wait behind the others, before broadcasts. */
export const NO_GROUP_ALERT_PRIORITY = 5;

/** Deliveries queued per Redis round trip (a broadcast may reach thousands of groups). */
const ENQUEUE_CHUNK = 500;

/**
 * Puts everything the bot sends on its platform's outbox queue. Job id = the row's id (the
 * notification, notice or delivery; the report's is derived from its broadcast), so adding the
 * same message twice is one job and a re-run after a crash adds nothing.
 */
export class OutboxProducer {
  private readonly queues = new Map<ChannelName, Queue<OutboxJobData, unknown, OutboxJobName>>();

  constructor(
    private readonly connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {}

  async enqueueAlert(channel: ChannelName, notificationId: string, opts: { lowPriority?: boolean } = {}): Promise<void> {
    const job = this.durable(notificationId);
    await this.add(channel, 'alert', { notificationId }, opts.lowPriority ? { ...job, priority: NO_GROUP_ALERT_PRIORITY } : job);
  }

  /** The officer's digest for the flood-cap window ending at `at` (one job a window, whoever asks). */
  async enqueueDigest(channel: ChannelName, officerId: string, at: number): Promise<void> {
    // Named after the window's hour (`at` is its end), so every alert held in it asks for the same job.
    const jobId = `digest.${officerId}.${channel}.${Math.floor((at - 1) / 3_600_000)}`;
    // Removed once done: an alert held in the same window after it ran (a worker's clock a little
    // behind) asks for the digest again and gets one, instead of meeting a finished job's id.
    await this.add(
      channel,
      'digest',
      { officerId },
      { ...this.durable(jobId), removeOnComplete: true, delay: Math.max(0, at - Date.now()) + 5_000 },
    );
  }

  async enqueueNotice(channel: ChannelName, noticeId: string): Promise<void> {
    await this.add(channel, 'notice', { noticeId }, this.durable(noticeId));
  }

  /** Idempotent: a delivery already queued keeps its job (same job id). */
  async enqueueDeliveries(channel: ChannelName, deliveryIds: readonly string[]): Promise<void> {
    for (let i = 0; i < deliveryIds.length; i += ENQUEUE_CHUNK) {
      const jobs = deliveryIds.slice(i, i + ENQUEUE_CHUNK).map((deliveryId) => ({
        name: 'delivery' as const,
        data: { broadcastDeliveryId: deliveryId } satisfies OutboxJobs['delivery'],
        opts: { ...this.durable(deliveryId), priority: BROADCAST_DELIVERY_PRIORITY },
      }));
      await this.queue(channel).addBulk(jobs);
    }
  }

  /**
   * Asks for the sender's report, on the sender's platform. Removed once done, so a later call
   * (the last group's job finishing after an early, premature call) can add it again; the report
   * job itself sends once (see report-processor.ts).
   */
  async enqueueReport(channel: ChannelName, broadcastId: string): Promise<void> {
    await this.add(channel, 'report', { broadcastId }, { ...this.durable(`${broadcastId}.report`), removeOnComplete: true });
  }

  /** A message to the operators (src/ops), sealed by the caller; `jobId` makes a repeated call one job. */
  async enqueueOperatorMessage(channel: ChannelName, jobId: string, sealed: string): Promise<void> {
    await this.add(channel, 'operator', { sealed }, this.durable(jobId));
  }

  /**
   * The sender of one chat's held replies (redis/held-replies.ts says when one is needed). A new
   * id each time: the Redis flag beside the replies, not the job id, keeps it one job per chat, and
   * a finished job's id must not stop the next one. Removed once done (it carries a sealed chat).
   */
  async enqueueHeldReplies(channel: ChannelName, sealedChat: string): Promise<void> {
    await this.add(
      channel,
      'replies',
      { sealedChat },
      { ...this.durable(`held.${randomBytes(12).toString('base64url')}`), priority: HELD_REPLIES_PRIORITY, removeOnComplete: true },
    );
  }

  private durable(jobId: string): JobsOptions {
    return durableJob(jobId, this.job.attempts, this.job.backoffMs);
  }

  private async add<N extends OutboxJobName>(channel: ChannelName, name: N, data: OutboxJobs[N], opts: JobsOptions): Promise<void> {
    await this.queue(channel).add(name, data, opts);
  }

  private queue(channel: ChannelName): Queue<OutboxJobData, unknown, OutboxJobName> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new Queue<OutboxJobData, unknown, OutboxJobName>(outboxQueueName(channel), { connection: this.connection });
      q.on('error', () => undefined);
      this.queues.set(channel, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
