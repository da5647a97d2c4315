import type { Worker } from 'bullmq';
import { storableReason } from '../domain/app-error';
import { failedForGood } from '../queues/watch-failures';
import type { OperatorAlertsPort } from './port';

/**
 * Tells the operators when a job of any of `workers` fails for good: the queue and our error code,
 * never the job's data (a case job holds a tip). A message to the operators that failed for good
 * is not reported again: it would go the same way.
 */
export function tellFinalFailures(workers: readonly Worker[], alerts: OperatorAlertsPort, attempts: number): void {
  for (const worker of workers) {
    worker.on('failed', (job, err) => {
      if (!job || job.name === 'operator' || !failedForGood(job, err, attempts)) return;
      void alerts.notify('job_failed', { queue: worker.name, code: storableReason(err).split(':')[0] });
    });
  }
}
