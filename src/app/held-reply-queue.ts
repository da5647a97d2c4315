import type { ReplyHold } from '../channels/deliver-replies';
import type { ChannelName } from '../conversations/messages';
import { OutboxProducer } from '../outbox/producer';
import { RedisHeldReplies } from '../redis/held-replies';
import type { Runtime } from './runtime';

/**
 * The bot role's side of replies held back by Zalo's quota: kept in Redis for the chat
 * (redis/held-replies.ts) and, when no sender is on its way for that chat yet, one queued on the
 * platform's outbox (outbox/held-replies-processor.ts), which sends them once the back-off is over.
 */
export class HeldReplyQueue {
  private readonly held: RedisHeldReplies;
  private readonly outbox: OutboxProducer;

  constructor(private readonly rt: Runtime) {
    this.held = new RedisHeldReplies(rt.redis, rt.box, rt.hash, rt.config.zalo?.heldReplyMaxAgeMs ?? 86_400_000);
    this.outbox = new OutboxProducer(rt.queueRedis, { attempts: rt.config.jobAttempts, backoffMs: rt.config.jobBackoffMs });
  }

  /** The hold of one platform's replies, for its channel. */
  hold(channel: ChannelName): ReplyHold {
    return {
      pending: (chatId) => this.held.pending(channel, chatId),
      hold: async (chatId, replies) => {
        if (await this.held.hold(channel, chatId, replies)) await this.outbox.enqueueHeldReplies(channel, this.rt.box.seal(chatId));
        this.rt.metrics.heldReplies.inc({ channel, outcome: 'held' }, replies.length);
      },
    };
  }

  close(): Promise<void> {
    return this.outbox.close();
  }
}
