import { UnrecoverableError, type Job } from 'bullmq';
import type { OutboundMessage } from '../conversations/messages';
import type { SealedBox } from '../domain/sealed-box';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface OperatorDeps extends OutboxSending {
  box: SealedBox;
}

/** What an operator job's sealed payload opens to (sealed by src/ops/operator-alerts.ts). */
export interface OperatorMessage {
  chatId: string;
  parts: OutboundMessage[];
}

/**
 * Sends a message to the operators' chat by the outbox's rules (spaced per chat, paused on 429,
 * retried with back-off). Progress is the job's own (no row: the database may be the thing that is
 * down), so a retry resumes after the last part sent.
 */
export function createOperatorProcessor(deps: OperatorDeps) {
  return async function sendToOperators(job: Job<OutboxJobs['operator']>, token?: string): Promise<void> {
    let message: OperatorMessage;
    try {
      message = JSON.parse(deps.box.open(job.data.sealed)) as OperatorMessage;
    } catch {
      throw new UnrecoverableError('operator message does not open with the loaded keys');
    }
    const from = typeof job.progress === 'number' ? job.progress : 0;
    const result = await sendParts(
      { ...deps, job, token, logFields: { jobId: String(job.id) }, event: 'operator' },
      message.chatId,
      message.parts,
      from,
      { partSent: (sent) => job.updateProgress(sent), allSent: (total) => job.updateProgress(total) },
    );
    if (result !== 'sent') throw new UnrecoverableError(`operators' chat refused the message: ${result.gaveUp}`);
    deps.log.info({ jobId: job.id }, 'operator.sent');
  };
}
