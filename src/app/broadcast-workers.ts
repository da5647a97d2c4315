import { Worker, type Job } from 'bullmq';
import { Telegram } from 'telegraf';
import type { ChannelSender } from '../channels/channel-sender';
import type { ChannelName } from '../conversations/messages';
import { BROADCASTS_QUEUE, BroadcastOutbox, BroadcastQueue, isBroadcastDeliveryJob, type BroadcastDeliveryJob, type BroadcastJob } from '../queues/broadcast-queue';
import { BroadcastFence } from '../redis/broadcast-fence';
import { BroadcastTally } from '../redis/broadcast-tally';
import { StoreBroadcastAudience } from '../store/broadcast-audience';
import { createBroadcastDeliveryProcessor, finish } from '../workers/broadcast-delivery-processor';
import { createBroadcastProcessor } from '../workers/broadcast-processor';
import type { ChatPacer } from '../workers/chat-pacer';
import { createGroupAdmins } from './group-admins';
import type { Runtime } from './runtime';

/**
 * The worker role's side of broadcasts: the `broadcasts` queue (fan-out and reports) and the
 * per-group deliveries, which run on each platform's outbox worker (see src/app/worker.ts) so
 * that alerts and advisories share one rate limit per platform and one pace per chat.
 */
export function startBroadcastWorkers(rt: Runtime, senders: ReadonlyMap<ChannelName, ChannelSender>, locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number }) {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const job = { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs };
  const queue = new BroadcastQueue(connection, job);
  const outbox = new BroadcastOutbox(connection, job);
  const fence = new BroadcastFence(rt.redis);
  const tally = new BroadcastTally(rt.redis);
  // Platforms this worker sends on; Telegram's own word on group admins through the same API root.
  const telegram = config.telegram ? new Telegram(config.telegram.token, { apiRoot: config.telegram.apiRoot }) : undefined;
  const audience = new StoreBroadcastAudience(store, config.superadmins, createGroupAdmins(rt, () => telegram), new Set(senders.keys()));
  const worker = new Worker<BroadcastJob>(BROADCASTS_QUEUE, createBroadcastProcessor({ store, fence, tally, outbox, queue, senders, t: rt.t, log, audience }), { connection, concurrency: 2, ...locks });
  worker.on('error', (err) => log.error({ queue: worker.name, error: err.name }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (j) log[err.name === 'UnrecoverableError' || j.attemptsMade >= (j.opts.attempts ?? job.attempts) ? 'error' : 'warn']({ queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name }, 'broadcast.job_failed');
  });
  return {
    workers: [worker],
    isDelivery: (j: Job): boolean => isBroadcastDeliveryJob(j.data),
    /** The processor for one platform's outbox; `attach` gives it the worker, for 429 pauses. */
    deliveryProcessor(sender: ChannelSender, pacer: ChatPacer) {
      const deps: Parameters<typeof createBroadcastDeliveryProcessor>[0] = { store, sender, pacer, queue, tally, log };
      const process = createBroadcastDeliveryProcessor(deps);
      return {
        process: (j: Job, token?: string) => process(j as Job<BroadcastDeliveryJob>, token),
        attach: (w: Worker) => Object.assign(deps, { worker: w }),
      };
    },
    /** A delivery that used its last attempt: the group counts as failed, and the report may go. */
    async givenUp(j: Job): Promise<void> {
      const d = await store.broadcastDeliveries.byId((j.data as BroadcastDeliveryJob).broadcastDeliveryId);
      if (d) await finish({ store, queue, tally, log }, d.deliveryId, d.broadcastId, 'failed', { reason: 'gave-up' });
    },
    async close() {
      await worker.close();
      await queue.close();
      await outbox.close();
    },
  };
}
