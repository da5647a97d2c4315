import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConversationService } from '../../conversations/conversation-service';
import type { InboundMessage } from '../../conversations/messages';
import { parseCommand } from '../../conversations/parse-command';
import type { Logger } from '../../logger';
import { deliverReplies } from '../deliver-replies';
import type { ConsoleSender } from './console-sender';

const HELP = `Console channel: you are a resident chatting with the bot in private.
  type text or a number to answer; /start, /baotin, /hoagiai, /huy, /lang en
  :photo [ref]          send a photo (any reference)      :location 10.77 106.70   share a location
  :contact 0912345678   share your phone number           :sticker                 send a sticker
  :group /baotin        say something in the seeded group  :as <id>                 speak as another user
  :help                 this text                          :quit                    stop`;

/**
 * A terminal chat for development and demos: the same conversation service as Telegram and Zalo,
 * with the platform replaced by stdin and stdout. Officer alerts sent by the worker to console
 * chats appear in the same terminal (ConsoleSender).
 */
export class ConsoleChannel {
  private rl?: Interface;
  private userId = 'resident';
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly service: Pick<ConversationService, 'handle'>,
    private readonly sender: ConsoleSender,
    private readonly io: { input: Readable; output: Writable },
    private readonly log: Logger,
    private readonly groupChatId = 'group-kp1-to3',
    private readonly onQuit: () => void = () => undefined,
  ) {}

  start(): void {
    this.io.output.write(`${HELP}\n\n`);
    this.rl = createInterface({ input: this.io.input, terminal: false });
    // Lines are handled one at a time, in order, as a chat would deliver them. The chain lives in
    // this.queue (stop() returns it), so the listener returns nothing: `void`, not the promise.
    this.rl.on('line', (line) => void (this.queue = this.queue.then(() => this.onLine(line))));
    this.rl.on('close', () => void this.queue.then(() => this.onQuit()));
  }

  stop(): Promise<void> {
    this.rl?.close();
    return this.queue;
  }

  private async onLine(line: string): Promise<void> {
    const trimmed = line.trim();
    if (!trimmed) return;
    if (trimmed === ':quit') return void this.rl?.close();
    if (trimmed === ':help') return void this.io.output.write(`${HELP}\n`);
    if (trimmed.startsWith(':as ')) {
      this.userId = trimmed.slice(4).trim() || 'resident';
      return void this.io.output.write(`(now speaking as ${this.userId})\n`);
    }
    const msg = this.toMessage(trimmed);
    const replies = await this.service.handle(msg);
    await deliverReplies(this.sender, msg.chatId, replies, this.log);
  }

  private toMessage(line: string): InboundMessage {
    const base: InboundMessage = {
      channel: 'console',
      updateId: randomUUID(),
      chatId: this.userId,
      userId: this.userId,
      chatType: 'private',
    };
    const [word, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    switch (word) {
      case ':photo':
        return { ...base, attachments: [{ kind: 'photo', ref: arg || `photo-${Date.now()}` }] };
      case ':location': {
        const [lat, lon] = arg.split(/[ ,]+/).map(Number);
        return Number.isFinite(lat) && Number.isFinite(lon)
          ? { ...base, location: { latitude: lat, longitude: lon } }
          : { ...base, text: line };
      }
      case ':contact':
        return { ...base, contactPhone: arg };
      case ':sticker':
        return { ...base, unsupported: 'sticker' };
      case ':group':
        return withCommand({ ...base, chatId: this.groupChatId, chatType: 'group', groupTitle: 'Console group', text: arg });
      default:
        return withCommand({ ...base, text: line });
    }
  }
}

function withCommand(msg: InboundMessage): InboundMessage {
  const command = parseCommand(msg.text ?? '');
  return command ? { ...msg, command } : msg;
}
