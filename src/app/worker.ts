import { Worker, type Job } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import type { ChannelName } from '../conversations/messages';
import type { CaseSubmission } from '../conversations/ports';
import { CASES_QUEUE, outboxQueueName } from '../queues/names';
import { OutboxProducer, type OutboxJob } from '../queues/outbox-producer';
import { ChatPacer } from '../workers/chat-pacer';
import { createIntakeProcessor } from '../workers/intake-processor';
import { createOutboxProcessor } from '../workers/outbox-processor';
import { startBroadcastWorkers } from './broadcast-workers';
import { startOfficerDeskWorkers } from './officer-desk';
import type { Runtime } from './runtime';

export interface WorkerHandle {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * The worker role: stores cases and sends alerts. Every platform has its own outbox queue and
 * BullMQ rate limiter; spacing into one chat is shared through Redis (ChatPacer), so any number
 * of worker replicas together stay inside the platform's limits.
 */
export function startWorkers(rt: Runtime, senders: Map<ChannelName, ChannelSender>): WorkerHandle {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const job = { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs };
  const outbox = new OutboxProducer(connection, job);
  const workers: Worker[] = [];
  // A crashed worker's jobs are taken over once their lock lapses (checked every lock period).
  const locks = { lockDuration: config.workerLockMs, stalledInterval: config.workerLockMs, maxStalledCount: 5 };
  // Officer desk: escalation timers, hotspot checks, and stored notices sent on the outbox queues.
  const desk = startOfficerDeskWorkers(rt, senders, locks);
  // Broadcasts: fan-out and reports on their own queue, one delivery per group on the outbox queues.
  const broadcasts = startBroadcastWorkers(rt, senders, locks);

  const intake = new Worker<CaseSubmission>(CASES_QUEUE, createIntakeProcessor({ store, outbox, channels: new Set(senders.keys()), log, afterStored: desk.afterStored }), { connection, concurrency: 4, ...locks });
  watchFailures(intake, rt, config.jobAttempts);
  workers.push(intake);

  const rateOf = (channel: ChannelName) => (channel === 'telegram' ? config.telegram?.ratePerSecond : channel === 'zalo' ? config.zalo?.ratePerSecond : undefined);
  const pacer = new ChatPacer(rt.redis, (channel, chatId) => {
    if (channel === 'telegram') return chatId.startsWith('-') ? Math.ceil(60_000 / (config.telegram?.groupPerMinute ?? 18)) : (config.telegram?.chatIntervalMs ?? 1000);
    if (channel === 'zalo') return config.zalo?.chatIntervalMs ?? 1000;
    return 0;
  }, (channel) => 1000 / (rateOf(channel) ?? Infinity));
  for (const [channel, sender] of senders) {
    const rate = rateOf(channel);
    const deps = { store, sender, t: rt.t, box: rt.box, pacer, log };
    const alerts = createOutboxProcessor(deps);
    const notices = desk.noticeProcessor(sender, pacer);
    const advisories = broadcasts.deliveryProcessor(sender, pacer);
    const w = new Worker<OutboxJob>(outboxQueueName(channel), (j, token) => (broadcasts.isDelivery(j) ? advisories.process(j, token) : desk.isNotice(j) ? notices.process(j, token) : alerts(j, token)), {
      connection,
      concurrency: 8,
      ...locks,
      ...(rate ? { limiter: { max: rate, duration: 1000 } } : {}),
    });
    Object.assign(deps, { worker: w });
    notices.attach(w);
    advisories.attach(w);
    watchFailures(w, rt, config.jobAttempts, async (j) => {
      if (broadcasts.isDelivery(j)) return broadcasts.givenUp(j);
      if (desk.isNotice(j)) return store.notices.markFailed((j.data as { noticeId: string }).noticeId, j.failedReason?.slice(0, 200) ?? 'failed');
      await store.notifications.markFailed((j.data as OutboxJob).notificationId, j.failedReason?.slice(0, 200) ?? 'failed');
    });
    workers.push(w);
  }
  workers.push(...desk.workers, ...broadcasts.workers);
  log.info({ queues: workers.map((w) => w.name) }, 'worker.started');
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await desk.close();
      await broadcasts.close();
      await outbox.close();
    },
  };
}

/** A job that used its last attempt is kept in the failed set and reported for the operator. */
function watchFailures(worker: Worker, rt: Runtime, attempts: number, onGivenUp?: (job: Job) => Promise<void>): void {
  worker.on('error', (err) => rt.log.error({ queue: worker.name, error: err.name }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (!j) return;
    const final = j.attemptsMade >= (j.opts.attempts ?? attempts) || err.name === 'UnrecoverableError';
    rt.log[final ? 'error' : 'warn']({ queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name }, final ? 'job.failed_for_good' : 'job.retrying');
    if (final && onGivenUp) void onGivenUp(j).catch(() => undefined);
  });
}
