import type { JobsOptions } from 'bullmq';

/**
 * Retries with exponential back-off ride out a database or platform that is briefly away. Jobs
 * that fail for good are kept (removeOnFail: false) so the operator can see and retry them;
 * completed ones are trimmed after a day because the database holds the record.
 */
export function durableJob(jobId: string, attempts: number, backoffMs: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: 86_400, count: 50_000 },
    removeOnFail: false,
  };
}
