import type { ChannelSender } from './channel-sender';

/**
 * A sender that waits for a slot on the platform's timeline before each message (the outbox's
 * ChatPacer.platformSlot, shared through Redis by every process): the bot's replies count towards
 * the platform's limit as much as the outbox's alerts and broadcasts do (Telegram: about 30
 * messages a second per bot, whoever sends them). Otherwise it is the sender it wraps.
 */
export function pacedSender(sender: ChannelSender, slot: () => Promise<void>): ChannelSender {
  return {
    channel: sender.channel,
    ...(sender.repliesHeldMs ? { repliesHeldMs: () => sender.repliesHeldMs!() } : {}),
    async send(chatId, message) {
      await slot();
      await sender.send(chatId, message);
    },
  };
}
