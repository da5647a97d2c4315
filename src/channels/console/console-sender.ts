import type { Writable } from 'node:stream';
import type { OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { ChannelSender } from '../channel-sender';
import { renderNumbered } from '../numbered-render';

/**
 * The console "platform": messages are printed, numbered as on Zalo. Chats other than the
 * resident's (an officer's alerts, a group) are printed under a header naming the chat, so one
 * terminal shows both sides of a tip.
 */
export class ConsoleSender implements ChannelSender {
  readonly channel = 'console' as const;

  constructor(
    private readonly out: Writable,
    private readonly t: Translate,
    private readonly residentChatId = 'resident',
  ) {}

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    const chunks = renderNumbered(message, { reply: this.t(message.lang ?? 'vi', 'numbered.reply') });
    const header = chatId === this.residentChatId ? '' : `\n┌── ${chatId} ─────────────\n`;
    const body = chunks
      .join('\n')
      .split('\n')
      .map((l) => (chatId === this.residentChatId ? `🤖 ${l}` : `│ ${l}`))
      .join('\n');
    this.out.write(`${header}${body}\n${header ? '└──────────────────────\n' : ''}`);
  }
}
