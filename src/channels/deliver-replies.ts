import type { OutboundMessage } from '../conversations/messages';
import type { Logger } from '../logger';
import type { ChannelSender } from './channel-sender';
import { SendRateLimitedError } from './send-errors';

/**
 * Where replies go that cannot be sent now (Zalo's spent quota): kept for one chat and sent later,
 * in order, by the outbox (src/outbox/held-replies-processor.ts, wired in src/app/bot.ts).
 */
export interface ReplyHold {
  /** True while this chat has replies waiting: a new one goes behind them, never before. */
  pending(chatId: string): Promise<boolean>;
  /** Keeps these replies, in order, to be sent once the platform takes messages again. */
  hold(chatId: string, replies: OutboundMessage[]): Promise<void>;
}

/**
 * Sends a conversation's answers in order. Replies go straight to the platform (the resident is
 * waiting); a short rate-limit pause is waited out, anything else is logged and the rest skipped,
 * because the resident's draft is already saved and their next message picks up from it. While
 * the platform's quota is spent (Zalo's 429) replies are not tried: they are handed to `hold`,
 * which sends them once the back-off is over, and so is every reply to a chat that still has
 * replies waiting, so the chat reads in order. Without a hold they are dropped.
 */
export async function deliverReplies(
  sender: ChannelSender,
  chatId: string,
  replies: OutboundMessage[],
  log: Logger,
  opts: { hold?: ReplyHold; maxWaitMs?: number } = {},
): Promise<void> {
  if (replies.length === 0) return;
  const maxWaitMs = opts.maxWaitMs ?? 10_000;
  const heldMs = async () => (await sender.repliesHeldMs?.().catch(() => 0)) ?? 0;
  /** The rest of the replies, held (or dropped, without a hold); a failure to hold is only logged. */
  const keep = async (rest: OutboundMessage[], ms: number) => {
    log.warn({ channel: sender.channel, replies: rest.length, heldMs: ms, kept: Boolean(opts.hold) }, 'reply.held_for_quota');
    await opts.hold?.hold(chatId, rest).catch((err: unknown) => {
      log.warn({ channel: sender.channel, error: err instanceof Error ? err.name : 'unknown' }, 'reply.hold_failed');
    });
  };
  // Zalo's quota is spent: trying would cost a refused call per message and take what comes back
  // from officers' alerts. Or this chat still has replies waiting: these go behind them.
  const ms = await heldMs();
  const behind = ms === 0 && opts.hold ? await opts.hold.pending(chatId).catch(() => false) : false;
  if (ms > 0 || behind) {
    const rest: OutboundMessage[] = [];
    for (const reply of replies) {
      // Emergency numbers are still tried now, once: a refused call costs little, and the quota may
      // be back. Refused, they wait with the rest.
      if (
        reply.urgent &&
        (await sender.send(chatId, reply).then(
          () => true,
          () => false,
        ))
      )
        continue;
      rest.push(reply);
    }
    if (rest.length > 0) await keep(rest, ms);
    return;
  }
  for (const [i, reply] of replies.entries()) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sender.send(chatId, reply);
        break;
      } catch (err) {
        // A spent quota (the sender holds replies from now on) is not waited out here: this reply
        // and those after it are held.
        if (err instanceof SendRateLimitedError) {
          const now = await heldMs();
          if (now > 0) return keep(replies.slice(i), now);
        }
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
