import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { openCaseField } from '../domain/case-seals';
import type { SealedBox } from '../domain/sealed-box';
import type { Store } from '../store/models';
import { NOT_RESPONSIBLE, stillResponsible } from '../store/recipient-authority';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface NoticeDeps extends OutboxSending {
  store: Store;
  box: SealedBox;
}

/**
 * Sends one stored notice (store/notices), part by part, saving progress after each part, on the
 * platform's outbox queue beside the case alerts and by the same rules: spaced per chat, paused on
 * 429, given up on a chat that is gone, retried otherwise. A resident's chat is opened from its
 * sealed form only here, at the moment of sending. A notice for an officer goes only if they are
 * still active and responsible for the case now; otherwise it is marked failed, unsent.
 */
export function createNoticeProcessor(deps: NoticeDeps) {
  return async function sendNotice(job: Job<OutboxJobs['notice']>, token?: string): Promise<void> {
    const { store, log } = deps;
    const n = await store.notices.byId(job.data.noticeId);
    if (!n || n.status !== 'pending') return;
    let chatId: string;
    try {
      // A resident's notice carries their case's sealed chat, bound to that case (domain/case-seals.ts).
      chatId = n.chatId ?? openCaseField(deps.box, n.chatIdEnc ?? '', n.caseId ?? '', 'replyTo');
    } catch {
      await store.notices.markFailed(n.noticeId, 'sealed chat id cannot be opened');
      throw new UnrecoverableError('sealed chat id cannot be opened');
    }
    if (n.officerId !== undefined && !(await stillResponsible(store, n.officerId, n.caseId))) {
      await store.notices.markFailed(n.noticeId, NOT_RESPONSIBLE);
      log.info({ noticeId: n.noticeId }, 'notice.withheld');
      return;
    }
    // A resident's notice waits while the platform holds replies (Zalo's spent quota), so officers'
    // alerts, on the same queue, get what is left; the wait uses up none of the job's attempts.
    const heldMs = n.officerId === undefined ? ((await deps.sender.repliesHeldMs?.()) ?? 0) : 0;
    if (heldMs > 0) {
      log.info({ noticeId: n.noticeId, heldMs }, 'notice.held_for_quota');
      await job.moveToDelayed(Date.now() + heldMs, token);
      throw new DelayedError();
    }
    await store.notices.recordAttempt(n.noticeId);
    const result = await sendParts(
      { ...deps, job, token, logFields: { noticeId: n.noticeId }, event: 'notice' },
      chatId,
      n.parts,
      n.partsSent,
      {
        partSent: (sent) => store.notices.markPartSent(n.noticeId, sent),
        allSent: (total) => store.notices.markSent(n.noticeId, total),
      },
    );
    if (result !== 'sent') {
      await store.notices.markFailed(n.noticeId, result.gaveUp);
      return;
    }
    log.info({ noticeId: n.noticeId, parts: n.parts.length }, 'notice.sent');
  };
}
