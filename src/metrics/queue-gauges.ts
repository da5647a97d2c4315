import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { Gauge } from 'prom-client';
import type { Metrics } from './metrics';

/**
 * The states a backlog is read from. BullMQ keeps jobs with a priority (broadcast deliveries,
 * src/outbox/producer.ts) apart from `waiting`, in `prioritized`: both are work not yet started.
 */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** A scrape must answer within Prometheus's own timeout (10 s by default) even when Redis does not. */
const READ_TIMEOUT_MS = 3_000;

/**
 * `tnd_queue_jobs{queue, state}`: how many jobs each queue holds, read from Redis (BullMQ's
 * getJobCounts) at each scrape, so it is the same number on every process, whatever its role
 * (graph it with max by queue). `tnd_queue_read_ok` is 0 when Redis did not answer in time; the
 * depths are then left out rather than reported as stale numbers.
 *
 * Read on the interactive connection (no offline queue): a Redis outage fails the read at once.
 */
export function registerQueueGauges(metrics: Metrics, redis: IORedis, queueNames: readonly string[]): { close(): Promise<void> } {
  const queues = queueNames.map((name) => new Queue(name, { connection: redis }));
  // Both gauges are collected at once by one scrape: they share its one read (null: Redis did not answer).
  let reading: Promise<JobCounts[] | null> | undefined;
  const read = () =>
    (reading ??= withTimeout(Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES))), READ_TIMEOUT_MS)
      .catch(() => null)
      .finally(() => (reading = undefined)));
  new Gauge({
    name: 'tnd_queue_read_ok',
    help: 'Whether the queue depths were read from Redis at this scrape (1) or not (0)',
    registers: [metrics.registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tnd_queue_jobs',
    help: 'Jobs in a queue, by state (read from Redis at each scrape)',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await read();
      this.reset();
      counts?.forEach((c, i) => {
        for (const state of QUEUE_STATES) this.set({ queue: queues[i].name, state }, c[state] ?? 0);
      });
    },
  });
  return {
    async close() {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
    },
  };
}

type JobCounts = Record<string, number>;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]);
}
