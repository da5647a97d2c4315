import { Worker } from 'bullmq';
import { Telegram } from 'telegraf';
import type { ChannelSender } from '../channels/channel-sender';
import type { ChannelName } from '../conversations/messages';
import type { OutboxProducer } from '../outbox/producer';
import { reportAsker } from '../outbox/report-processor';
import { BROADCASTS_QUEUE, type BroadcastJob } from '../queues/broadcast-queue';
import { BroadcastFence } from '../redis/broadcast-fence';
import { BroadcastTally } from '../redis/broadcast-tally';
import { StoreBroadcastAudience } from '../store/broadcast-audience';
import { createBroadcastProcessor } from '../workers/broadcast-processor';
import { createGroupAdmins } from './group-admins';
import type { Runtime } from './runtime';

/**
 * The worker role's side of broadcasts: the `broadcasts` queue (fan-out). The per-group
 * deliveries and the sender's report run on each platform's outbox worker (src/outbox) so that
 * alerts and advisories share one rate limit per platform and one pace per chat; what they need
 * from here (the tally of groups still out, the way to ask for the report) is returned.
 */
export function startBroadcastWorkers(rt: Runtime, senders: ReadonlyMap<ChannelName, ChannelSender>, outbox: OutboxProducer, locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number }) {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const fence = new BroadcastFence(rt.redis);
  const tally = new BroadcastTally(rt.redis);
  const askReport = reportAsker({ store, t: rt.t, log, outbox, channels: new Set(senders.keys()) });
  // Platforms this worker sends on; Telegram's own word on group admins through the same API root.
  const telegram = config.telegram ? new Telegram(config.telegram.token, { apiRoot: config.telegram.apiRoot }) : undefined;
  const audience = new StoreBroadcastAudience(store, config.superadmins, createGroupAdmins(rt, () => telegram), new Set(senders.keys()));
  const worker = new Worker<BroadcastJob>(BROADCASTS_QUEUE, createBroadcastProcessor({ store, fence, tally, outbox, askReport, senders, log, audience }), { connection, concurrency: 2, ...locks });
  worker.on('error', (err) => log.error({ queue: worker.name, error: err.name }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (j) log[err.name === 'UnrecoverableError' || j.attemptsMade >= (j.opts.attempts ?? config.jobAttempts) ? 'error' : 'warn']({ queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name }, 'broadcast.job_failed');
  });
  return {
    workers: [worker],
    tally,
    askReport,
    async close() {
      await worker.close();
    },
  };
}
