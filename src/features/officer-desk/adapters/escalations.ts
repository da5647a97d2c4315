import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Escalations } from '../ports';

export const ESCALATIONS_QUEUE = 'escalations';
/** Levels of the area tree an unacknowledged case may climb; a ward's deployment has one or two. */
export const MAX_ESCALATION_LEVELS = 5;

export interface EscalationJob {
  caseId: string;
  level: number;
}

export const escalationJobId = (caseId: string, level: number) => `esc.${caseId}.${level}`;

/**
 * Timers for cases nobody acknowledged, as delayed BullMQ jobs (never in-process timers: any
 * worker replica may fire them, and they survive restarts). The job id is the case and level, so
 * scheduling twice is one timer; the job checks the case when it fires, so an acknowledged case
 * stops climbing even if removing its timer failed.
 */
export class EscalationScheduler implements Escalations {
  private readonly queue: Queue<EscalationJob>;

  constructor(
    connection: IORedis,
    private readonly job: { attempts: number; backoffMs: number },
  ) {
    this.queue = new Queue<EscalationJob>(ESCALATIONS_QUEUE, { connection });
    this.queue.on('error', () => undefined);
  }

  async schedule(caseId: string, level: number, delayMs: number): Promise<void> {
    if (level > MAX_ESCALATION_LEVELS) return;
    await this.queue.add(
      'escalate',
      { caseId, level },
      {
        jobId: escalationJobId(caseId, level),
        delay: Math.max(0, Math.round(delayMs)),
        attempts: this.job.attempts,
        backoff: { type: 'exponential', delay: this.job.backoffMs },
        removeOnComplete: { age: 86_400 },
        removeOnFail: false,
      },
    );
  }

  /** Removes the case's timers that have not fired; one firing right now finds the case acknowledged. */
  async cancel(caseId: string): Promise<void> {
    const levels = Array.from({ length: MAX_ESCALATION_LEVELS }, (_, i) => i + 1);
    await Promise.all(levels.map((level) => this.queue.remove(escalationJobId(caseId, level)).catch(() => 0)));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
