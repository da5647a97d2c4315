import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../channels/send-errors';
import type { SealedBox } from '../domain/sealed-box';
import type { Logger } from '../logger';
import type { NoticeJob } from '../queues/notice-queue';
import type { Store } from '../store/models';
import type { ChatPacer } from './chat-pacer';

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
    for (let i = n.partsSent; i < n.parts.length; i++) {
      const wait = await deps.pacer.reserve(sender.channel, chatId);
      if (wait > 0) {
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      try {
        await sender.send(chatId, n.parts[i]);
      } catch (err) {
        if (err instanceof SendRateLimitedError && deps.worker) {
          log.warn({ noticeId: n.noticeId, retryAfterMs: err.retryAfterMs }, 'notice.rate_limited');
          await deps.worker.rateLimit(err.retryAfterMs);
          throw Worker.RateLimitError();
        }
        if (err instanceof RecipientUnavailableError || err instanceof MessageRejectedError) {
          await store.notices.markFailed(n.noticeId, err.name);
          log.warn({ noticeId: n.noticeId, reason: err.name }, 'notice.gave_up');
          return;
        }
        throw err;
      }
      await store.notices.markPartSent(n.noticeId, i + 1);
    }
    await store.notices.markSent(n.noticeId);
    log.info({ noticeId: n.noticeId, parts: n.parts.length }, 'notice.sent');
  };
}
