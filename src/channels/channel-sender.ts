import type { ChannelName, OutboundMessage } from '../conversations/messages';

/**
 * Sends one message to one chat on one platform. Implemented by each channel; used by the bot for
 * replies and by the outbox worker for alerts. Throws the errors of send-errors.ts.
 */
export interface ChannelSender {
  readonly channel: ChannelName;
  send(chatId: string, message: OutboundMessage): Promise<void>;
  /**
   * How long replies in chat and notices to residents must wait (ms), 0 when they may go: on Zalo,
   * after its 429 "quota exceeded", so officers' alerts get what is left. Absent: never held.
   */
  repliesHeldMs?(): Promise<number>;
}
