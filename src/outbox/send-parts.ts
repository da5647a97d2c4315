import { DelayedError, Worker, type Job } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../channels/send-errors';
import type { OutboundMessage } from '../conversations/messages';
import type { Logger } from '../logger';
import type { ChatPacer } from './chat-pacer';

/** What every outbox processor sends with: the platform's sender, the pace shared in Redis, its worker. */
export interface OutboxSending {
  sender: ChannelSender;
  pacer: ChatPacer;
  log: Logger;
  /** Set once the BullMQ worker exists: a platform 429 pauses the whole queue for retry_after. */
  worker?: Worker;
}

export interface PartSending extends OutboxSending {
  job: Job;
  token?: string;
  /** Ids to log with (never text or chat ids) and the prefix of the log events. */
  logFields: Record<string, string>;
  event: string;
  /** A bulk send (a broadcast delivery): it takes a slot at the broadcast rate before its platform slot. */
  bulk?: boolean;
}

/** Where a message's progress is saved: after each part but the last, and once with the last. */
export interface PartProgress {
  partSent(sent: number): Promise<unknown>;
  /** All `total` parts are out: the final state, saved with the last part's progress in one write. */
  allSent(total: number): Promise<unknown>;
}

/**
 * The outbox rules for one message of several parts, shared by every kind the outbox sends
 * (officer alerts, residents' notices, broadcast deliveries and reports): parts from `from` on, spaced per chat (a busy chat puts the job back as delayed instead
 * of holding a worker slot), progress saved after each part so a retry resumes after the last one
 * sent (the last part's progress is the final state), a 429 pausing the platform's whole queue for retry_after. Resolves 'sent', or 'gave-up'
 * when the chat is gone or the platform refuses the message (not worth retrying); any other error
 * is thrown for the queue's back-off.
 */
/** The error's name when a message was given up: `RecipientUnavailableError` means the chat is gone. */
export async function sendParts(
  s: PartSending,
  chatId: string,
  parts: OutboundMessage[],
  from: number,
  progress: PartProgress,
): Promise<'sent' | { gaveUp: string }> {
  for (let i = from; i < parts.length; i++) {
    const wait = await s.pacer.reserve(s.sender.channel, chatId);
    if (wait > 0) {
      await s.job.moveToDelayed(Date.now() + wait, s.token);
      throw new DelayedError();
    }
    if (s.bulk) await s.pacer.bulkSlot(s.sender.channel);
    await s.pacer.platformSlot(s.sender.channel);
    try {
      await s.sender.send(chatId, parts[i]);
    } catch (err) {
      if (err instanceof SendRateLimitedError && s.worker) {
        s.log.warn({ ...s.logFields, retryAfterMs: err.retryAfterMs }, `${s.event}.rate_limited`);
        await s.worker.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (err instanceof RecipientUnavailableError || err instanceof MessageRejectedError) {
        s.log.warn({ ...s.logFields, reason: err.name }, `${s.event}.gave_up`);
        return { gaveUp: err.name };
      }
      throw err;
    }
    if (i + 1 < parts.length) await progress.partSent(i + 1);
  }
  // Also reached with nothing left to send: every part went out before a crash and only the final state was missing.
  await progress.allSent(parts.length);
  return 'sent';
}
