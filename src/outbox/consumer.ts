import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChannelSender } from '../channels/channel-sender';
import type { Config } from '../config';
import type { ChannelName } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import type { KeyedHash } from '../domain/keyed-hash';
import type { SealedBox } from '../domain/sealed-box';
import type { Logger } from '../logger';
import { meteredSender } from '../metrics/metered-sender';
import type { Metrics } from '../metrics/metrics';
import { storableFailures } from '../queues/storable-failure';
import { watchFailures } from '../queues/watch-failures';
import type { BroadcastTally } from '../redis/broadcast-tally';
import type { Store } from '../store/models';
import { createAlertProcessor, type AlertDeps } from './alert-processor';
import { createDigestProcessor } from './digest-processor';
import { ChatPacer } from './chat-pacer';
import { createDeliveryProcessor, deliveryGivenUp } from './delivery-processor';
import { outboxJobKind, outboxQueueName, type OutboxJobName, type OutboxJobs } from './jobs';
import { createNoticeProcessor } from './notice-processor';
import { createOperatorProcessor } from './operator-processor';
import { createReportProcessor } from './report-processor';
import { createHeldRepliesProcessor } from './held-replies-processor';
import { RedisHeldReplies } from '../redis/held-replies';

export interface OutboxWorkerDeps {
  /** BullMQ's connection (retries until Redis is back). */
  connection: IORedis;
  /** The pacer's: fails fast. */
  redis: IORedis;
  config: Pick<Config, 'telegram' | 'zalo'>;
  store: Store;
  t: Translate;
  box: SealedBox;
  hash: KeyedHash;
  log: Logger;
  /** One outbox worker per platform this deployment sends on. */
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  /** Broadcasts: which groups are still out, and how the last one asks for the report. */
  tally: Pick<BroadcastTally, 'finished'>;
  askReport: (broadcastId: string) => Promise<void>;
  locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number };
  attempts: number;
  /** Sends by outcome, alert latency, broadcast deliveries (src/metrics). */
  metrics: Pick<Metrics, 'sends' | 'alertLatency' | 'broadcastDeliveries' | 'heldReplies' | 'alertsBatched'>;
  /** Flood caps on officers' alerts and the digest that sends what they hold (src/outbox/flood-gate.ts). */
  flood?: AlertDeps['flood'];
}

/** What every processor of one platform's outbox may use; `worker` is set once the worker exists. */
type ProcessorDeps = Omit<OutboxWorkerDeps, 'connection' | 'redis' | 'hash' | 'config' | 'senders' | 'locks' | 'attempts'> & {
  sender: ChannelSender;
  pacer: ChatPacer;
  held: RedisHeldReplies;
  worker?: Worker;
};

type Processors = { [N in OutboxJobName]: (job: Job<OutboxJobs[N]>, token?: string) => Promise<void> };

/**
 * What happens to a job that used its last attempt (or could not be retried), by kind: its row
 * is marked failed with the reason, cut to 200 characters, so the record says why it never went;
 * a broadcast delivery is finished as failed through the delivery's own path, so it is counted
 * and the sender's report still goes once the last group is done. A report that gave up leaves the
 * broadcast `sending` and its job in the failed set for the operator: retried, it still sends once.
 */
const GIVEN_UP: { [N in OutboxJobName]: (deps: ProcessorDeps, data: OutboxJobs[N], reason: string) => Promise<unknown> } = {
  alert: (deps, data, reason) => deps.store.notifications.markFailed(data.notificationId, reason),
  notice: (deps, data, reason) => deps.store.notices.markFailed(data.noticeId, reason),
  delivery: (deps, data) => deliveryGivenUp(deps, data.broadcastDeliveryId),
  report: async () => undefined,
  // Kept in the failed set, sealed; not reported to the operators again (it is their own message).
  operator: async () => undefined,
  // The chat's held replies go with it (counted), so the next reply held there starts a new sender.
  replies: async (deps, data) => {
    let chatId: string;
    try {
      chatId = deps.box.open(data.sealedChat);
    } catch {
      return; // Its list expires by itself.
    }
    const dropped = await deps.held.clear(deps.sender.channel, chatId);
    if (dropped > 0) deps.metrics.heldReplies.inc({ channel: deps.sender.channel, outcome: 'gave_up' }, dropped);
  },
  // The alerts it held are failed with the reason, as their own jobs' would be.
  digest: async (deps, data, reason) => {
    const ids = data.ids ?? (await deps.store.notifications.batchedFor(data.officerId, deps.sender.channel)).map((n) => n.notificationId);
    for (const id of ids) await deps.store.notifications.markFailed(id, reason);
  },
};

/**
 * The outbox: one BullMQ worker per platform, with the platform's rate limiter, taking every kind
 * of message the bot sends there by its job name. Spacing into one chat and on the platform is
 * shared through Redis (ChatPacer), so any number of worker replicas together stay inside the
 * platform's limits.
 */
export function startOutboxWorkers(deps: OutboxWorkerDeps): Worker[] {
  const { config, senders, log, locks, attempts } = deps;
  const rateOf = (channel: ChannelName) =>
    channel === 'telegram' ? config.telegram?.ratePerSecond : channel === 'zalo' ? config.zalo?.ratePerSecond : undefined;
  const pacer = new ChatPacer(
    deps.redis,
    deps.hash,
    (channel, chatId) => {
      if (channel === 'telegram')
        return chatId.startsWith('-')
          ? Math.ceil(60_000 / (config.telegram?.groupPerMinute ?? 18))
          : (config.telegram?.chatIntervalMs ?? 1000);
      if (channel === 'zalo') return config.zalo?.chatIntervalMs ?? 1000;
      return 0;
    },
    (channel) => 1000 / (rateOf(channel) ?? Infinity),
    // Zalo publishes no per-second limit and counts a monthly quota: its broadcasts keep the platform rate.
    (channel) => (channel === 'telegram' ? 1000 / (config.telegram?.broadcastRatePerSecond ?? Infinity) : 0),
  );

  // Replies held back by Zalo's quota; the bound only matters where a sender holds replies (Zalo).
  const held = new RedisHeldReplies(deps.redis, deps.box, deps.hash, config.zalo?.heldReplyMaxAgeMs ?? 86_400_000);
  const workers: Worker[] = [];
  for (const [channel, sender] of senders) {
    const rate = rateOf(channel);
    const p: ProcessorDeps = {
      store: deps.store,
      t: deps.t,
      box: deps.box,
      log,
      tally: deps.tally,
      askReport: deps.askReport,
      metrics: deps.metrics,
      flood: deps.flood,
      // Every send of this outbox counted by how it ended, whoever made the sender.
      sender: meteredSender(sender, deps.metrics, 'outbox'),
      pacer,
      held,
    };
    const processors: Processors = {
      alert: createAlertProcessor(p),
      notice: createNoticeProcessor(p),
      delivery: createDeliveryProcessor(p),
      report: createReportProcessor(p),
      operator: createOperatorProcessor(p),
      replies: createHeldRepliesProcessor(p),
      digest: createDigestProcessor(p),
    };
    const w = new Worker(
      outboxQueueName(channel),
      storableFailures(async (job: Job, token?: string) => {
        const kind = outboxJobKind(job.name);
        if (!kind) throw new UnrecoverableError('no outbox processor for this job name');
        await (processors[kind] as (job: Job, token?: string) => Promise<void>)(job, token);
      }),
      { connection: deps.connection, concurrency: 8, ...locks, ...(rate ? { limiter: { max: rate, duration: 1000 } } : {}) },
    );
    // A platform 429 pauses this worker's whole queue for retry_after (see send-parts.ts).
    p.worker = w;
    watchFailures(w, log, attempts, async (j) => {
      const kind = outboxJobKind(j.name);
      if (kind)
        await (GIVEN_UP[kind] as (deps: ProcessorDeps, data: unknown, reason: string) => Promise<unknown>)(
          p,
          j.data,
          j.failedReason?.slice(0, 200) ?? 'failed',
        );
    });
    workers.push(w);
  }
  return workers;
}
