import type { Job, Worker } from 'bullmq';
import type { Logger } from '../logger';

/** Whether this failure was the job's last: its attempts are used up, or it could not be retried. */
export function failedForGood(job: Job, err: Error, attempts: number): boolean {
  return job.attemptsMade >= (job.opts.attempts ?? attempts) || err.name === 'UnrecoverableError';
}

/** A job that used its last attempt is kept in the failed set and reported for the operator. */
export function watchFailures(worker: Worker, log: Logger, attempts: number, onGivenUp?: (job: Job) => Promise<void>): void {
  worker.on('error', (err) => log.error({ queue: worker.name, err }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (!j) return;
    const final = failedForGood(j, err, attempts);
    // The error itself only on the last failure: a retry is routine, the last one needs reading.
    if (final) log.error({ queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name, err }, 'job.failed_for_good');
    else log.warn({ queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name }, 'job.retrying');
    if (final && onGivenUp) void onGivenUp(j).catch(() => undefined);
  });
}
