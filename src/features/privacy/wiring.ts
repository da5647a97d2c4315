import { Queue, Worker } from 'bullmq';
import { openCaseField } from '../../domain/case-seals';
import type { Runtime } from '../../app/runtime';
import { draftLifetimeMs } from '../../conversations/draft-lifetime';
import { reporterIndexOf } from '../../domain/reporter-index';
import { storableFailures } from '../../queues/storable-failure';
import { CASES_QUEUE } from '../../queues/names';
import { StoreResidentErasure } from './adapters/resident-erasure';
import { ErasureFeature } from './erasure-feature';
import { createRetentionProcessor } from './workers/retention-processor';

/**
 * Wiring of the residents' privacy rights: `/xoadulieu` for the bot role, the daily retention run
 * for the worker role (Decree 13/2023, the 2025 Law on Personal Data Protection).
 */

export const RETENTION_QUEUE = 'retention';
/** The one scheduler of the daily run: upserted by every worker at start, so it exists once. */
export const RETENTION_SCHEDULER = 'retention-daily';

/** The bot role's side: the feature to put in the conversation service's `features`. */
export function createErasureFeature(rt: Runtime): ErasureFeature {
  return new ErasureFeature({
    t: rt.t,
    eraser: new StoreResidentErasure(rt.store, rt.redis, rt.hash),
    log: (event, fields) => rt.log.info(fields ?? {}, event),
  });
}

/**
 * Upserts the daily job's scheduler (the same one whichever replica does it, so it exists once),
 * on a queue and connection of its own, closed as soon as it is done: BullMQ's Queue.close leaves
 * the scheduler it made open, so it is closed here too, and nothing of it outlives start-up.
 */
async function schedule(rt: Runtime): Promise<void> {
  const { config, log } = rt;
  const redis = rt.queueRedis.duplicate();
  redis.on('error', () => undefined);
  const queue = new Queue(RETENTION_QUEUE, { connection: redis });
  queue.on('error', () => undefined);
  try {
    await queue.upsertJobScheduler(
      RETENTION_SCHEDULER,
      { pattern: config.retention.cron, tz: config.retention.timeZone },
      {
        name: 'purge',
        opts: {
          removeOnComplete: { count: 30 },
          removeOnFail: { count: 30 },
          attempts: 3,
          backoff: { type: 'exponential', delay: 60_000 },
        },
      },
    );
    await (await queue.jobScheduler).close();
  } catch (err) {
    log.error({ error: err instanceof Error ? err.name : 'unknown' }, 'retention.not_scheduled');
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

/** Waits for `p` at most a second, whatever it does. */
const briefly = (p: Promise<unknown>): Promise<unknown> =>
  Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);

export interface RetentionWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * The worker role's side: a BullMQ job scheduler puts one `purge` job on the `retention` queue
 * each day (RETENTION_CRON in RETENTION_TIME_ZONE), whichever worker replica takes it.
 */
export function startRetentionWorkers(
  rt: Runtime,
  locks: { lockDuration: number; stalledInterval: number; maxStalledCount: number },
): RetentionWorkers {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const scheduled = schedule(rt);
  const casesQueue = new Queue(CASES_QUEUE, { connection });
  const worker = new Worker(
    RETENTION_QUEUE,
    storableFailures(
      createRetentionProcessor({
        store,
        log,
        closedCaseMs: config.retention.closedCaseMs,
        auditMs: config.retention.auditMs,
        evidence: rt.evidence,
        draftLifetimeMs: draftLifetimeMs(config.conversationIdleMs),
        oldestQueuedCase: async () => {
          // Oldest first of each state a case job waits in; failed jobs are stripped of their files' names.
          const jobs = await casesQueue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'paused'], 0, 0, true);
          return jobs.length ? new Date(Math.min(...jobs.map((j) => j.timestamp))) : null;
        },
        indexOf: (channel, sealed, caseId) => {
          try {
            return reporterIndexOf(rt.hash, channel, openCaseField(rt.box, sealed, caseId, 'replyTo'));
          } catch {
            return null;
          }
        },
      }),
    ),
    { connection, concurrency: 1, ...locks },
  );
  worker.on('error', (err) => log.error({ queue: RETENTION_QUEUE, error: err.name }, 'worker.error'));
  worker.on('failed', (j, err) => log.warn({ queue: RETENTION_QUEUE, jobId: j?.id, error: err.name }, 'job.retrying'));
  return {
    workers: [worker],
    async close() {
      await worker.close();
      await casesQueue.close();
      // An upsert still waiting for Redis is not waited for long: shutdown has its own deadline.
      await briefly(scheduled);
    },
  };
}
