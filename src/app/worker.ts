import { Worker } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import type { ChannelName } from '../conversations/messages';
import type { CaseSubmission } from '../conversations/ports';
import type { SealedCaseJob } from '../features/reporting/adapters/case-submission.schema';
import { startOutboxWorkers } from '../outbox/consumer';
import { FloodGate } from '../outbox/flood-gate';
import { OutboxProducer } from '../outbox/producer';
import { CASES_QUEUE } from '../queues/names';
import { storableFailures } from '../queues/storable-failure';
import { watchFailures } from '../queues/watch-failures';
import { tellFinalFailures } from '../ops/final-failures';
import { createIntakeProcessor, strippedCaseJob } from '../features/reporting/workers/intake-processor';
import { startBroadcastWorkers } from '../features/broadcast/wiring';
import { startOfficerDeskWorkers } from '../features/officer-desk/wiring';
import { startRetentionWorkers } from '../features/privacy/wiring';
import type { Runtime } from './runtime';

export interface WorkerHandle {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * The worker role: stores cases, sends alerts and purges long-closed cases' personal data. Every platform has its own outbox queue and
 * BullMQ rate limiter (src/outbox), which sends every kind of message the bot sends there.
 */
export function startWorkers(rt: Runtime, senders: Map<ChannelName, ChannelSender>): WorkerHandle {
  const { config, log, store } = rt;
  const connection = rt.queueRedis;
  const outbox = new OutboxProducer(connection, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs });
  const workers: Worker[] = [];
  // A crashed worker's jobs are taken over once their lock lapses (checked every lock period).
  const locks = { lockDuration: config.workerLockMs, stalledInterval: config.workerLockMs, maxStalledCount: 5 };
  // Officer desk: escalation timers and hotspot checks; its stored notices go out on the outbox.
  const desk = startOfficerDeskWorkers(rt, senders, locks);
  // Broadcasts: fan-out on their own queue; one delivery per group, and the report, on the outbox.
  const broadcasts = startBroadcastWorkers(rt, senders, outbox, locks);
  // Retention: the daily purge of long-closed cases' personal data.
  const retention = startRetentionWorkers(rt, locks);

  const intake = new Worker<SealedCaseJob | CaseSubmission>(
    CASES_QUEUE,
    storableFailures(
      createIntakeProcessor({
        store,
        outbox,
        refCodes: rt.refCodes,
        t: rt.t,
        channels: new Set(senders.keys()),
        log,
        box: rt.box,
        afterStored: async (c) => {
          await desk.afterStored(c);
          rt.metrics.casesStored.inc({ kind: c.kind });
          await rt.caseEvents.publish({ type: 'new', refCode: c.refCode });
        },
        operators: rt.operators,
      }),
    ),
    { connection, concurrency: 4, ...locks },
  );
  watchFailures(intake, log, config.jobAttempts, async (job) => {
    log.error({ caseId: job.data.caseId, refCode: job.data.refCode }, 'case.failed_for_good: the resident was told it was received');
    await job.updateData(strippedCaseJob(job.data) as unknown as CaseSubmission);
  });
  workers.push(intake);

  workers.push(
    ...startOutboxWorkers({
      connection,
      redis: rt.redis,
      config,
      store,
      t: rt.t,
      box: rt.box,
      hash: rt.hash,
      log,
      senders,
      tally: broadcasts.tally,
      askReport: broadcasts.askReport,
      locks,
      attempts: config.jobAttempts,
      metrics: rt.metrics,
      flood: {
        gate: new FloodGate(rt.redis, config.alertCaps),
        digest: (channel, officerId, at) => outbox.enqueueDigest(channel, officerId, at),
      },
    }),
    ...desk.workers,
    ...broadcasts.workers,
    ...retention.workers,
  );
  tellFinalFailures(workers, rt.operators, config.jobAttempts);
  log.info({ queues: workers.map((w) => w.name) }, 'worker.started');
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await desk.close();
      await broadcasts.close();
      await retention.close();
      await outbox.close();
    },
  };
}
