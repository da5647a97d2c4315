import { randomBytes } from 'node:crypto';
import { openCaseField } from '../../domain/case-seals';
import { Worker, type Job } from 'bullmq';
import type { ChannelSender } from '../../channels/channel-sender';
import type { ChannelName } from '../../conversations/messages';
import { OfficerDeskFeature } from './officer-feature';
import type { DeskAudit } from './ports';
import type { Config } from '../../config';
import { OutboxProducer } from '../../outbox/producer';
import { EscalationScheduler, ESCALATIONS_QUEUE, type EscalationJob } from './adapters/escalations';
import { StoreCaseDesk } from './adapters/case-desk';
import { activeHotspotAreas } from './adapters/hotspots';
import { StoreDeskMessenger } from './adapters/desk-messenger';
import type { Case } from '../../store/cases/case.schema';
import { createCaseWatch } from './workers/case-watch';
import { createEscalationProcessor } from './workers/escalation-processor';
import type { Runtime } from '../../app/runtime';
import { storableFailures } from '../../queues/storable-failure';

/**
 * Wiring of the officer desk (conversations/officer) for the bot and the worker roles: the
 * adapters over the database, Redis and the queues, the feature the conversation service runs,
 * and the worker side (escalation timers, hotspot checks; stored notices are sent by src/outbox).
 */

/** Platforms the bot role talks on (the worker role's are its senders). */
export function configuredChannels(config: Config): Set<ChannelName> {
  const channels = new Set<ChannelName>();
  if (config.telegram) channels.add('telegram');
  if (config.zalo) channels.add('zalo');
  if (config.console) channels.add('console');
  return channels;
}

function adapters(rt: Runtime, channels: ReadonlySet<ChannelName>, audit?: DeskAudit) {
  const job = { attempts: rt.config.jobAttempts, backoffMs: rt.config.jobBackoffMs };
  const queues = new OutboxProducer(rt.queueRedis, job);
  const scheduler = new EscalationScheduler(rt.queueRedis, job);
  const desk = new StoreCaseDesk(
    rt.store,
    rt.box,
    rt.config.superadmins,
    (waitedMs) => rt.metrics.acknowledgeLatency.observe(Math.max(0, waitedMs) / 1000),
    (refCode) => rt.caseEvents.publish({ type: 'changed', refCode }),
    audit,
    (areaCodes, kinds) => activeHotspotAreas(rt.redis, areaCodes, kinds),
  );
  const messenger = new StoreDeskMessenger(rt.store, channels, queues);
  return {
    queues,
    scheduler,
    desk,
    messenger,
    async close() {
      await queues.close();
      await scheduler.close();
    },
  };
}

/**
 * The bot role's side: the feature to put in the conversation service's `features`. `audit`
 * (src/app/audit.ts) records every staff change of a case, from chat or the web.
 */
export function createOfficerDeskFeature(
  rt: Runtime,
  opts: { audit?: DeskAudit } = {},
): {
  feature: OfficerDeskFeature;
  /** For the web dashboard (src/app/dashboard.ts): the same cases, rules and messages as the chat's. */
  desk: StoreCaseDesk;
  messenger: StoreDeskMessenger;
  close(): Promise<void>;
} {
  const a = adapters(rt, configuredChannels(rt.config), opts.audit);
  const feature = new OfficerDeskFeature({
    t: rt.t,
    desk: a.desk,
    messenger: a.messenger,
    // The tipster's chat, opened from the case's sealed id only to find the chat's slot.
    state: {
      reporterChat: (c) => {
        if (!c.replyTo) return null;
        try {
          return { channel: c.replyTo.channel, chatId: openCaseField(rt.box, c.replyTo.chatIdSealed, c.caseId, 'replyTo') };
        } catch {
          return null; // Not this case's: nobody to write to.
        }
      },
    },
    relayTtlMs: rt.config.officerDesk.relayTtlSeconds * 1000,
    relayBounds: rt.config.officerDesk.relayBounds,
    escalations: a.scheduler,
    log: (event, fields) => rt.log.info(fields ?? {}, event),
    newId: () => randomBytes(9).toString('base64url'),
    maxTextLength: rt.config.maxTextLength,
  });
  return { feature, desk: a.desk, messenger: a.messenger, close: a.close };
}

/** Escalation timers that found a case still new: escalated, or with nobody above to escalate to. */
function counted(rt: Runtime, escalate: (job: Job<EscalationJob>) => Promise<string>) {
  return async (job: Job<EscalationJob>): Promise<string> => {
    const outcome = await escalate(job);
    if (outcome === 'escalated' || outcome === 'no_supervisor') rt.metrics.escalations.inc({ level: String(job.data.level), outcome });
    return outcome;
  };
}

export interface OfficerDeskWorkers {
  /** For the intake worker: what follows the storing of every case. */
  afterStored: (c: Case) => Promise<void>;
  workers: Worker[];
  close(): Promise<void>;
}

/** The worker role's side: escalation timers and hotspot checks (stored notices go out on the outbox, src/outbox). */
export function startOfficerDeskWorkers(
  rt: Runtime,
  senders: Map<ChannelName, ChannelSender>,
  locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number },
): OfficerDeskWorkers {
  const { config, log, store } = rt;
  const a = adapters(rt, new Set(senders.keys()));
  const delays = config.officerDesk.escalation;
  const escalations = new Worker<EscalationJob>(
    ESCALATIONS_QUEUE,
    storableFailures(
      counted(
        rt,
        createEscalationProcessor({
          store,
          desk: a.desk,
          messenger: a.messenger,
          scheduler: a.scheduler,
          t: rt.t,
          delays,
          log,
          operators: rt.operators,
        }),
      ),
    ),
    { connection: rt.queueRedis, concurrency: 4, ...locks },
  );
  escalations.on('error', (err) => log.error({ queue: escalations.name, err }, 'worker.error'));
  escalations.on('failed', (j, err) => log.warn({ queue: escalations.name, jobId: j?.id, error: err.name }, 'job.retrying'));
  return {
    afterStored: createCaseWatch({
      store,
      desk: a.desk,
      messenger: a.messenger,
      scheduler: a.scheduler,
      redis: rt.redis,
      t: rt.t,
      delays,
      hotspot: config.officerDesk.hotspot,
      log,
      hotspotRaised: () => rt.metrics.hotspots.inc(),
    }),
    workers: [escalations],
    async close() {
      await escalations.close();
      await a.close();
    },
  };
}
