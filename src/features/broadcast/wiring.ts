import { Worker } from 'bullmq';
import { Telegram } from 'telegraf';
import type { ChannelSender } from '../../channels/channel-sender';
import type { ChannelName } from '../../conversations/messages';
import type { OutboxProducer } from '../../outbox/producer';
import { reportAsker } from '../../outbox/report-processor';
import { BROADCASTS_QUEUE, type BroadcastJob } from './adapters/broadcast-queue';
import { BroadcastFence } from './adapters/broadcast-fence';
import { BroadcastTally } from '../../redis/broadcast-tally';
import { StoreBroadcastAudience } from './adapters/broadcast-audience';
import { createBroadcastProcessor } from './workers/broadcast-processor';
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../../app/runtime';
import type { TelegramChannel } from '../../channels/telegram/telegram-channel';
import { TelegramGroupAdmins } from '../../channels/telegram/telegram-group-admins';
import { BroadcastFeature } from './broadcast-feature';
import type { GroupAdmins } from './ports';
import { QueueBroadcastDesk } from './adapters/broadcast-desk';
import { BroadcastQueue } from './adapters/broadcast-queue';
import { RegistryGroupAdmins } from './adapters/broadcast-audience';
import { storableFailures } from '../../queues/storable-failure';

/**
 * The worker role's side of broadcasts: the `broadcasts` queue (fan-out). The per-group
 * deliveries and the sender's report run on each platform's outbox worker (src/outbox) so that
 * alerts and advisories share one rate limit per platform and one pace per chat; what they need
 * from here (the tally of groups still out, the way to ask for the report) is returned.
 */
export function startBroadcastWorkers(
  rt: Runtime,
  senders: ReadonlyMap<ChannelName, ChannelSender>,
  outbox: OutboxProducer,
  locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number },
) {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const fence = new BroadcastFence(rt.redis);
  const tally = new BroadcastTally(rt.redis);
  const askReport = reportAsker({ store, t: rt.t, log, outbox, channels: new Set(senders.keys()) });
  // Platforms this worker sends on; Telegram's own word on group admins through the same API root.
  const telegram = config.telegram ? new Telegram(config.telegram.token, { apiRoot: config.telegram.apiRoot }) : undefined;
  const audience = new StoreBroadcastAudience(
    store,
    config.superadmins,
    createGroupAdmins(rt, () => telegram),
    new Set(senders.keys()),
  );
  const worker = new Worker<BroadcastJob>(
    BROADCASTS_QUEUE,
    storableFailures(
      createBroadcastProcessor({
        store,
        fence,
        tally,
        outbox,
        askReport,
        senders,
        log,
        audience,
        fannedOut: () => rt.metrics.broadcasts.inc(),
      }),
    ),
    { connection, concurrency: 2, ...locks },
  );
  worker.on('error', (err) => log.error({ queue: worker.name, err }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (j)
      log[err.name === 'UnrecoverableError' || j.attemptsMade >= (j.opts.attempts ?? config.jobAttempts) ? 'error' : 'warn'](
        { queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name },
        'broadcast.job_failed',
      );
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

/**
 * Who administers a group: Telegram says so itself (asked each time, never cached); elsewhere
 * the operator's record does. The bot role asks when someone broadcasts, the worker again when
 * a scheduled broadcast fires. `telegram` is read lazily: the bot's channel is created later.
 */
function createGroupAdmins(rt: Runtime, telegram: () => Telegram | undefined): GroupAdmins {
  const registry = new RegistryGroupAdmins(rt.store);
  return {
    async isAdmin(channel, groupChatId, userId) {
      const tg = channel === 'telegram' ? telegram() : undefined;
      if (tg) return new TelegramGroupAdmins(tg).isAdmin(groupChatId, userId);
      return registry.isAdmin(channel, groupChatId, userId);
    },
  };
}

/** Platforms the bot role talks on. */
function channelsOf(rt: Runtime): Set<ChannelName> {
  const channels = new Set<ChannelName>();
  if (rt.config.telegram) channels.add('telegram');
  if (rt.config.zalo) channels.add('zalo');
  if (rt.config.console) channels.add('console');
  return channels;
}

/**
 * The bot role's side of broadcasts: group admins, officers and supervisors write an advisory,
 * pick its audience and send it now or later. `telegram` is read lazily: the channel is created
 * after the features.
 */
export function createBroadcastFeature(rt: Runtime, telegram: () => TelegramChannel | undefined) {
  const log = (event: string, fields?: Record<string, string | number | boolean>) => rt.log.info(fields ?? {}, event);
  const admins = createGroupAdmins(rt, () => telegram()?.bot.telegram);
  const queue = new BroadcastQueue(rt.queueRedis, { attempts: rt.config.jobAttempts, backoffMs: rt.config.jobBackoffMs });
  const feature = new BroadcastFeature({
    t: rt.t,
    audience: new StoreBroadcastAudience(rt.store, rt.config.superadmins, admins, channelsOf(rt)),
    desk: new QueueBroadcastDesk(rt.store, queue, new BroadcastFence(rt.redis)),
    // URL-safe, short enough for callback data ("bc:x:<id>") and valid as a BullMQ job id.
    newId: () => randomBytes(12).toString('base64url'),
    idleMs: rt.config.conversationIdleMs,
    maxBodyLength: Math.min(rt.config.maxTextLength, 3500),
    log,
  });
  return {
    feature,
    async close() {
      await queue.close();
    },
  };
}
