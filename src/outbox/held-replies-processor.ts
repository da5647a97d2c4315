import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { SealedBox } from '../domain/sealed-box';
import type { Metrics } from '../metrics/metrics';
import type { RedisHeldReplies } from '../redis/held-replies';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface HeldRepliesDeps extends OutboxSending {
  box: SealedBox;
  held: RedisHeldReplies;
  metrics: Pick<Metrics, 'heldReplies'>;
}

/**
 * Sends one chat's replies that were held back while Zalo's quota was spent (redis/held-replies.ts),
 * oldest first, once the platform takes messages again: while replies are still held the job
 * waits (delayed, using none of its attempts), and it runs behind officers' alerts (its priority,
 * outbox/producer.ts). Each reply goes by the outbox's rules (spaced per chat, a 429 pausing the
 * queue) and leaves the list only once sent, so a crash mid-send sends it again rather than lose
 * it. A reply older than the bound is dropped and counted: hours late, out of its conversation, it
 * would confuse more than help. A chat that is gone drops the reply it refused.
 */
export function createHeldRepliesProcessor(deps: HeldRepliesDeps) {
  return async function sendHeldReplies(job: Job<OutboxJobs['replies']>, token?: string): Promise<void> {
    const { held, log, sender, metrics } = deps;
    const channel = sender.channel;
    let chatId: string;
    try {
      chatId = deps.box.open(job.data.sealedChat);
    } catch {
      throw new UnrecoverableError('sealed chat id cannot be opened');
    }
    const heldMs = (await sender.repliesHeldMs?.()) ?? 0;
    if (heldMs > 0) {
      await job.moveToDelayed(Date.now() + heldMs, token);
      throw new DelayedError();
    }
    for (;;) {
      const reply = await held.first(channel, chatId);
      if (!reply) {
        // Nothing left, unless a reply was held meanwhile: then this job sends it too.
        if (await held.finishIfEmpty(channel, chatId)) return;
        continue;
      }
      if (held.isTooOld(reply)) {
        await held.shift(channel, chatId);
        metrics.heldReplies.inc({ channel, outcome: 'expired' });
        log.info({ ageMs: Date.now() - reply.at }, 'held_reply.expired');
        continue;
      }
      const result = await sendParts({ ...deps, job, token, logFields: {}, event: 'held_reply' }, chatId, [reply.message], 0, {
        partSent: async () => undefined,
        allSent: () => held.shift(channel, chatId),
      });
      if (result !== 'sent') {
        await held.shift(channel, chatId);
        metrics.heldReplies.inc({ channel, outcome: 'gave_up' });
        continue;
      }
      metrics.heldReplies.inc({ channel, outcome: 'sent' });
    }
  };
}
