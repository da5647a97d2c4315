import type { OutboundMessage } from '../conversations/messages';
import type { Logger } from '../logger';
import type { ChannelSender } from './channel-sender';
import { SendRateLimitedError } from './send-errors';

/**
 * Sends a conversation's answers in order. Replies go straight to the platform (the resident is
 * waiting); a short rate-limit pause is waited out, anything else is logged and the rest skipped,
 * because the resident's draft is already saved and their next message picks up from it. While
 * the platform's quota is spent (Zalo's 429), replies are not sent at all for a long back-off.
 */
export async function deliverReplies(
  sender: ChannelSender,
  chatId: string,
  replies: OutboundMessage[],
  log: Logger,
  maxWaitMs = 10_000,
): Promise<void> {
  if (replies.length === 0) return;
  // Zalo's quota is spent: trying would cost a refused call per message and take what comes back
  // from officers' alerts. The resident's draft is saved; their next message after the pause goes on.
  const held = async (left: number) => {
    const heldMs = (await sender.repliesHeldMs?.().catch(() => 0)) ?? 0;
    if (heldMs > 0) log.warn({ channel: sender.channel, replies: left, heldMs }, 'reply.held_for_quota');
    return heldMs > 0;
  };
  if (await held(replies.filter((r) => !r.urgent).length)) {
    // Emergency numbers are still tried, once: a refused call costs little, and the quota may be back.
    for (const reply of replies.filter((r) => r.urgent)) await sender.send(chatId, reply).catch(() => undefined);
    return;
  }
  for (const [i, reply] of replies.entries()) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sender.send(chatId, reply);
        break;
      } catch (err) {
        // A spent quota (the sender holds replies from now on) is not waited out here.
        if (err instanceof SendRateLimitedError && (await held(replies.length - i))) return;
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
