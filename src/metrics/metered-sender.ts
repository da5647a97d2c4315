import type { ChannelSender } from '../channels/channel-sender';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../channels/send-errors';
import type { OutboundMessage } from '../conversations/messages';
import type { Metrics, SendOutcome, SendVia } from './metrics';

/**
 * A sender that counts how each send ended (`tnd_platform_sends_total`), by the errors every
 * channel's sender throws (src/channels/send-errors.ts), and otherwise is the sender it wraps.
 */
export function meteredSender(sender: ChannelSender, metrics: Pick<Metrics, 'sends'>, via: SendVia): ChannelSender {
  return {
    channel: sender.channel,
    // Kept: without it a Zalo outbox would send residents' notices while the quota holds them.
    ...(sender.repliesHeldMs ? { repliesHeldMs: () => sender.repliesHeldMs!() } : {}),
    async send(chatId: string, message: OutboundMessage): Promise<void> {
      try {
        await sender.send(chatId, message);
        metrics.sends.inc({ channel: sender.channel, via, outcome: 'sent' });
      } catch (err) {
        metrics.sends.inc({ channel: sender.channel, via, outcome: outcomeOf(err) });
        throw err;
      }
    },
  };
}

function outcomeOf(err: unknown): SendOutcome {
  if (err instanceof SendRateLimitedError) return 'rate_limited';
  if (err instanceof RecipientUnavailableError) return 'recipient_unavailable';
  if (err instanceof MessageRejectedError) return 'rejected';
  return 'error';
}
