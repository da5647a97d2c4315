import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { SealedBox } from '../../../domain/sealed-box';
import type { CaseKind } from '../../../domain/case-kinds';
import type { RefCodeIssuer } from '../../../redis/ref-code-issuer';
import { QueueUnavailableError, type CaseIntake, type CaseSubmission } from '../../../conversations/ports';
import { durableJob } from '../../../queues/job-options';
import { CASES_QUEUE } from '../../../queues/names';
import { caseJobAad, type SealedCaseJob } from './case-submission.schema';

/**
 * The bot's side of the `cases` queue. `submit` resolves only when Redis has accepted the job
 * (BullMQ's add is one atomic script), which is the moment the resident may be told "received".
 * The job id is the case id, so pressing Confirm twice, or a retry after a lost answer, is one job.
 * The job carries the submission sealed (case-submission.schema.ts: SealedCaseJob): a job's data
 * is written to Redis's append-only file, which keeps it after the job is gone.
 */
export class QueueCaseIntake implements CaseIntake {
  private readonly queue: Queue<SealedCaseJob>;

  constructor(
    connection: IORedis,
    private readonly refCodes: Pick<RefCodeIssuer, 'next'>,
    private readonly job: { attempts: number; backoffMs: number; box: SealedBox },
    private readonly timeoutMs = 5000,
  ) {
    this.queue = new Queue<SealedCaseJob>(CASES_QUEUE, { connection });
    this.queue.on('error', () => undefined);
  }

  async nextReferenceCode(kind: CaseKind, at: Date): Promise<string> {
    try {
      return await this.refCodes.next(kind, at);
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  async submit(submission: CaseSubmission): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // Removed as soon as it is done: the job holds the tip's words, and once the case is stored
        // the database is the record (a repeated add after that is stored once: the intake is idempotent).
        this.queue.add(
          'case',
          { sealed: this.job.box.seal(JSON.stringify(submission), caseJobAad(submission.caseId)) },
          {
            ...durableJob(submission.caseId, this.job.attempts, this.job.backoffMs),
            removeOnComplete: true,
          },
        ),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('queue add timed out')), this.timeoutMs))),
      ]);
    } catch (err) {
      throw new QueueUnavailableError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
