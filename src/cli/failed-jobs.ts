import { Queue } from 'bullmq';
import { queueNamesFor } from '../app/operations-routes';
import { CHANNEL_NAMES } from '../domain/chat';
import { createRedis, waitReady } from '../redis/connection';

/**
 * The operators' view of jobs that used their last attempt (`admin failed-jobs`) and the way to
 * try them again once the cause is fixed (`admin retry-failed`). BullMQ keeps failed jobs; this
 * shows what an operator needs to decide (queue, id, kind, attempts, when, our error code and
 * short reason) and never a job's data: a case job holds a tip's words. It looks at every queue
 * any deployment may have, since it does not know which platforms this one uses.
 */
export const QUEUES: readonly string[] = queueNamesFor(CHANNEL_NAMES);

export interface FailedJobRow {
  queue: string;
  id: string;
  name: string;
  attempts: number;
  failedAt: string;
  reason: string;
}

/** Runs `use` with a queue of each name given, closing them and their connection afterwards. */
async function withQueues<T>(redisUrl: string, names: readonly string[], use: (queues: Queue[]) => Promise<T>): Promise<T> {
  const connection = createRedis(redisUrl, 'blocking', 'admin');
  await waitReady(connection);
  const queues = names.map((name) => new Queue(name, { connection }));
  try {
    return await use(queues);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}

function queuesNamed(queue: string | undefined): readonly string[] {
  if (queue === undefined) return QUEUES;
  if (!QUEUES.includes(queue)) throw new RangeError(`unknown queue ${queue}: one of ${QUEUES.join(', ')}`);
  return [queue];
}

/** The failed jobs of one queue or of all, newest first within each queue, at most `limit` a queue. */
export function listFailed(redisUrl: string, queue: string | undefined, limit = 50): Promise<FailedJobRow[]> {
  return withQueues(redisUrl, queuesNamed(queue), async (queues) => {
    const rows: FailedJobRow[] = [];
    for (const q of queues) {
      for (const job of await q.getFailed(0, limit - 1)) {
        rows.push({
          queue: q.name,
          id: String(job.id),
          name: job.name,
          attempts: job.attemptsMade,
          failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : '-',
          // Stored already reduced to our error code and a short reason (src/queues/storable-failure.ts).
          reason: (job.failedReason ?? '').split('\n')[0].slice(0, 200),
        });
      }
    }
    return rows;
  });
}

/** Moves failed jobs back to waiting: one by id, or every failed job of the queue. Returns how many. */
export function retryFailed(redisUrl: string, queue: string, id: string | undefined): Promise<number> {
  return withQueues(redisUrl, queuesNamed(queue), async ([q]) => {
    if (id !== undefined) {
      const job = await q.getJob(id);
      if (!job || !(await job.isFailed()))
        throw new RangeError(`no failed job ${id} in ${queue} (see: admin failed-jobs --queue ${queue})`);
      await job.retry('failed');
      return 1;
    }
    // The failed set as it is now: a job that fails again while this runs waits for the next retry.
    const failed = await q.getFailed(0, -1);
    for (const job of failed) await job.retry('failed');
    return failed.length;
  });
}
