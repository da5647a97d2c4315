import { createHash } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelName } from '../../conversations/messages';
import type { SealedBox } from '../../domain/sealed-box';
import type { Logger } from '../../logger';
import { watchFailures } from '../../queues/watch-failures';

/** One inbox queue per platform, so a slow platform's backlog never holds up another's. */
export const inboxQueueName = (channel: ChannelName): string => `inbox-${channel}`;

/** The update as the platform sent it, sealed: it holds a resident's words and ids. */
export interface InboxJob {
  sealed: string;
}

export interface InboxOptions {
  /** Updates handled at once by one process (the chat lock keeps one chat's messages in turn). */
  concurrency: number;
  /** A crashed process's update is taken over once its lock lapses (checked every lock period). */
  lockMs: number;
  attempts: number;
  backoffMs: number;
}

/**
 * The durable inbox of one platform's updates (issue 15: "no update is lost"). A webhook writes
 * the update here and only then answers 200; the Zalo poller hands each update here before
 * anything else. The bot processes take them out and handle them, so a process that dies after
 * the 200 loses nothing: the update waits in Redis (append-only file on) for the next process, or
 * a stalled one is taken over once its lock lapses.
 *
 * The job id is derived from the platform's update id, so a platform redelivering an update still
 * waiting here adds nothing; once handled the job is removed at once (the update holds a
 * resident's message), and a later redelivery is dropped by the conversation service's own dedup.
 * The body is sealed with the contact key (AES-GCM) because Redis keeps it on disk.
 */
export class UpdateInbox {
  private readonly queue: Queue<InboxJob>;
  private worker?: Worker<InboxJob>;

  constructor(
    private readonly connection: IORedis,
    readonly channel: ChannelName,
    private readonly box: SealedBox,
    private readonly log: Logger,
    private readonly opts: InboxOptions,
  ) {
    this.queue = new Queue<InboxJob>(inboxQueueName(channel), { connection });
    // A connection error is put's rejection (the webhook answers 500); unheard, it would crash the process.
    this.queue.on('error', () => undefined);
  }

  /**
   * Resolves once Redis has the update. `key` is the platform's update id (undefined when the
   * update has none: it is then kept without dedup, since losing it is worse than seeing it twice).
   */
  async put(key: string | undefined, update: unknown): Promise<void> {
    await this.queue.add(
      'update',
      { sealed: this.box.seal(JSON.stringify(update) ?? 'null') },
      {
        ...(key !== undefined ? { jobId: inboxJobId(this.channel, key) } : {}),
        attempts: this.opts.attempts,
        backoff: { type: 'exponential', delay: this.opts.backoffMs },
        removeOnComplete: true,
        // A failed update is kept a day for the operator to see (sealed), then goes.
        removeOnFail: { age: 86_400 },
      },
    );
  }

  /** Starts taking updates out and handing them to `handle`; calling it again does nothing. */
  start(handle: (update: unknown) => Promise<void>): void {
    if (this.worker) return;
    this.worker = new Worker<InboxJob>(
      inboxQueueName(this.channel),
      async (job) => handle(JSON.parse(this.box.open(job.data.sealed)) as unknown),
      {
        connection: this.connection,
        concurrency: this.opts.concurrency,
        lockDuration: this.opts.lockMs,
        stalledInterval: this.opts.lockMs,
        maxStalledCount: 5,
      },
    );
    watchFailures(this.worker, this.log, this.opts.attempts);
  }

  /** Stops taking updates (waits for those being handled) and closes the queue. */
  async close(): Promise<void> {
    // A worker closed while its connections are still being set up rejects that set-up with
    // "Connection is closed", emitted where nothing listens: let it finish first.
    await this.worker?.waitUntilReady().catch(() => undefined);
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}

/**
 * BullMQ job ids may not contain ':' nor be integers; a hash of the platform's id is neither, and
 * says nothing of the chat it came from.
 */
export function inboxJobId(channel: ChannelName, key: string): string {
  return `${channel}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
