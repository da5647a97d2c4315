import { RATE_LIMIT_ERROR, type Job } from 'bullmq';
import { AppError, storableReason } from '../domain/app-error';

/**
 * A job's failure as BullMQ stores it (the failed reason and stack kept with the job, the `failed`
 * event in the queue's stream): the error code and our safe reason only. The message of the error
 * that was thrown never gets there, since a library's message can quote the bot token's URL or a
 * resident's words. The name is the original error's code, so logs and `watchFailures` still say
 * what went wrong.
 */
export class JobFailedError extends AppError {
  constructor(err: unknown) {
    const stored = storableReason(err);
    // The cause is for the logs (src/error-fields.ts: its class and frames, never its message);
    // BullMQ stores only this error's message and stack, which quote nothing but the stored reason.
    super(stored, { cause: err });
    this.name = stored.split(':')[0];
  }
}

/** BullMQ's own signals (move to delayed, rate limit, waiting children, give up): passed through as they are. */
const CONTROL = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError', 'UnrecoverableError', 'RateLimitError']);

function isControl(err: unknown): boolean {
  return err instanceof Error && (CONTROL.has(err.name) || err.message === RATE_LIMIT_ERROR);
}

/**
 * Wraps a BullMQ processor so whatever it throws is stored as a JobFailedError. Every worker's
 * processor goes through this; our UnrecoverableErrors carry fixed words of ours.
 */
export function storableFailures<D, R>(
  processor: (job: Job<D>, token?: string) => Promise<R>,
): (job: Job<D>, token?: string) => Promise<R> {
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (err) {
      if (isControl(err)) throw err;
      throw new JobFailedError(err);
    }
  };
}
