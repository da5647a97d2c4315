import type { OutboundMessage } from '../conversations/messages';
import type { Logger } from '../logger';
import type { ChannelSender } from './channel-sender';
import { SendRateLimitedError } from './send-errors';

/**
 * Sends a conversation's answers in order. Replies go straight to the platform (the resident is
 * waiting); a short rate-limit pause is waited out, anything else is logged and the rest skipped,
 * because the resident's draft is already saved and their next message picks up from it.
 */
export async function deliverReplies(
  sender: ChannelSender,
  chatId: string,
  replies: OutboundMessage[],
  log: Logger,
  maxWaitMs = 10_000,
): Promise<void> {
  for (const reply of replies) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sender.send(chatId, reply);
        break;
      } catch (err) {
        if (err instanceof SendRateLimitedError && attempt < 2 && err.retryAfterMs <= maxWaitMs) {
          await new Promise((r) => setTimeout(r, err.retryAfterMs));
          continue;
        }
        log.warn({ channel: sender.channel, error: err instanceof Error ? err.name : 'unknown' }, 'reply.failed');
        return;
      }
    }
  }
}
