import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import type { SealedBox } from '../domain/sealed-box';
import type { Logger } from '../logger';
import type { NoticeJob } from '../queues/notice-queue';
import type { Store } from '../store/models';
import type { ChatPacer } from './chat-pacer';
import { sendParts } from './send-parts';

export interface NoticeDeps {
  store: Store;
  sender: ChannelSender;
  box: SealedBox;
  pacer: ChatPacer;
  log: Logger;
  /** Set once the BullMQ worker exists: a platform 429 pauses the whole queue for retry_after. */
  worker?: Worker;
}

/**
 * Sends one stored notice (store/notices), part by part, saving progress after each part, on the
 * platform's outbox queue beside the case alerts and by the same rules: spaced per chat, paused on
 * 429, given up on a chat that is gone, retried otherwise. A resident's chat is opened from its
 * sealed form only here, at the moment of sending.
 */
export function createNoticeProcessor(deps: NoticeDeps) {
  return async function sendNotice(job: Job<NoticeJob>, token?: string): Promise<void> {
    const { store, sender, log } = deps;
    const n = await store.notices.byId(job.data.noticeId);
    if (!n || n.status !== 'pending') return;
    let chatId: string;
    try {
      chatId = n.chatId ?? deps.box.open(n.chatIdEnc ?? '');
    } catch {
      await store.notices.markFailed(n.noticeId, 'sealed chat id cannot be opened');
      throw new UnrecoverableError('sealed chat id cannot be opened');
    }
    await store.notices.recordAttempt(n.noticeId);
    const sending = { job, token, sender, pacer: deps.pacer, worker: deps.worker, log, logFields: { noticeId: n.noticeId }, event: 'notice' };
    const result = await sendParts(sending, chatId, n.parts, n.partsSent, {
      partSent: (sent) => store.notices.markPartSent(n.noticeId, sent),
      allSent: (total) => store.notices.markSent(n.noticeId, total),
    });
    if (result !== 'sent') {
      await store.notices.markFailed(n.noticeId, result.gaveUp);
      return;
    }
    log.info({ noticeId: n.noticeId, parts: n.parts.length }, 'notice.sent');
  };
}
