import type { Job, Worker } from 'bullmq';
import type { Logger } from '../logger';

/** A job that used its last attempt is kept in the failed set and reported for the operator. */
export function watchFailures(worker: Worker, log: Logger, attempts: number, onGivenUp?: (job: Job) => Promise<void>): void {
  worker.on('error', (err) => log.error({ queue: worker.name, error: err.name }, 'worker.error'));
  worker.on('failed', (j, err) => {
    if (!j) return;
    const final = j.attemptsMade >= (j.opts.attempts ?? attempts) || err.name === 'UnrecoverableError';
    log[final ? 'error' : 'warn'](
      { queue: worker.name, jobId: j.id, attempt: j.attemptsMade, error: err.name },
      final ? 'job.failed_for_good' : 'job.retrying',
    );
    if (final && onGivenUp) void onGivenUp(j).catch(() => undefined);
  });
}
