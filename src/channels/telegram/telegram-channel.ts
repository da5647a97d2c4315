import { pacedSender } from '../paced-sender';
import { Telegraf } from 'telegraf';
import type { ConversationService } from '../../conversations/conversation-service';
import type { Logger } from '../../logger';
import type { HttpServer } from '../../http/http-server';
import { addWebhookRoute } from '../../http/webhook-route';
import { ChatSerialiser } from '../chat-serialiser';
import { deliverReplies } from '../deliver-replies';
import { storableReason } from '../../domain/app-error';
import { callTelegram, mapTelegramError } from './errors';
import type { UpdateInbox } from '../inbox/update-inbox';
import { normaliseTelegramUpdate } from './normalise';
import { TelegramSender } from './telegram-sender';
import type { ChannelSender } from '../channel-sender';
import type { EvidenceFiles } from '../evidence-files';
import { meteredSender } from '../../metrics/metered-sender';
import type { Metrics } from '../../metrics/metrics';

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  /** Our copies of residents' files, for replies that show a case's media (an officer's /xem). */
  evidence?: EvidenceFiles;
  /** What stands for a file no longer kept, in the reply's language. */
  evidenceGone?: (lang: 'vi' | 'en' | undefined) => string;
  webhookUrl?: string;
  webhookSecret?: string;
  /** Told (with our error code) when polling ends by itself, not by stop(): the operators are alerted. */
  onPollingStopped?: (code: string) => void;
  /** Waits for the reply's slot on the platform's timeline (shared with the outbox); absent, replies are not paced. */
  replySlot?: () => Promise<void>;
}

/** No `edited_message`: edits (and a live location's moves) are never taken as new messages (see normalise.ts). */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

/**
 * The bot's Telegram side: receives updates by long polling (development) or webhook (production,
 * with Telegram's secret header checked), turns them into InboundMessages, asks the conversation
 * service and sends the answers. telegraf is used as the Bot API client and poller only; all
 * behaviour lives in the conversation service, the same for every channel.
 */
export class TelegramChannel {
  readonly bot: Telegraf;
  readonly sender: TelegramSender;
  private readonly replySender: ChannelSender;
  private readonly serial = new ChatSerialiser();
  private username = '';
  private botId?: number;
  /** Whether updates can reach this process: set once started; a stopped poll clears it. */
  private listening = false;

  constructor(
    private readonly opts: TelegramOptions,
    private readonly service: Pick<ConversationService, 'handle'>,
    private readonly log: Logger,
    /** Where webhook updates go before the 200 (src/channels/inbox); handled from there. */
    private readonly inbox: UpdateInbox,
    /** Counts the replies' sends (tnd_platform_sends_total, via="reply"); absent, nothing is counted. */
    metrics?: Pick<Metrics, 'sends'>,
  ) {
    // Polled updates are handled directly: Telegram's getUpdates offset acknowledges them only on
    // the next poll, after the batch was handled, so a crash makes Telegram deliver them again.
    this.bot = new Telegraf(opts.token, { telegram: { apiRoot: opts.apiRoot }, handlerTimeout: 60_000 });
    this.sender = new TelegramSender(this.bot.telegram, undefined, opts.evidence, opts.evidenceGone);
    const paced = opts.replySlot ? pacedSender(this.sender, opts.replySlot) : this.sender;
    this.replySender = metrics ? meteredSender(paced, metrics, 'reply') : paced;
    this.bot.use((ctx) => this.handleUpdate(ctx.update));
    this.bot.catch((err) => this.log.error({ err }, 'telegram.update_failed'));
  }

  /** https://t.me/<bot>?start=<payload>: opens a private chat that starts with /start <payload>. */
  deepLink(payload: string): string {
    return `https://t.me/${this.username}?start=${payload}`;
  }

  async start(http?: HttpServer): Promise<void> {
    const me = await callTelegram('getMe', () => this.bot.telegram.getMe());
    this.bot.botInfo = me;
    this.username = me.username;
    this.botId = me.id;
    // Updates left in the inbox by a process that stopped are handled first, whatever the mode now.
    this.inbox.start((update) => this.handleUpdate(update));
    if (this.opts.webhookUrl && this.opts.webhookSecret) {
      if (!http) throw new Error('Telegram webhook mode needs the HTTP server');
      const secret = this.opts.webhookSecret;
      addWebhookRoute(http, TELEGRAM_WEBHOOK_PATH, 'x-telegram-bot-api-secret-token', secret, (update) =>
        this.inbox.put(telegramUpdateKey(update), update),
      );
      await callTelegram('setWebhook', () =>
        this.bot.telegram.setWebhook(this.opts.webhookUrl!, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }),
      );
      this.listening = true;
      this.log.info({ mode: 'webhook' }, 'telegram.started');
    } else {
      // launch() resolves only when polling stops; its failures are logged, not thrown here. Its
      // error is telegraf's (its message may quote the token's URL): only our mapped name and reason are logged.
      this.bot
        .launch({ allowedUpdates: [...ALLOWED_UPDATES] })
        .catch((err) => {
          const mapped = mapTelegramError(err, 'getUpdates');
          this.log.error({ error: storableReason(mapped), err: mapped }, 'telegram.polling_stopped');
          this.opts.onPollingStopped?.(mapped.name);
        })
        // A 401 or 409 (another process polling with this token) ends telegraf's polling for good:
        // /readyz must then say this process hears nobody.
        .finally(() => (this.listening = false));
      this.listening = true;
      this.log.info({ mode: 'polling' }, 'telegram.started');
    }
  }

  /** Updates reach this process: webhook set, or the poll still running (for /readyz). */
  get receiving(): boolean {
    return this.listening;
  }

  async stop(): Promise<void> {
    this.listening = false;
    try {
      this.bot.stop('shutdown');
    } catch {
      // Not polling (webhook mode or never started): nothing to stop.
    }
    await this.inbox.close();
    await this.serial.idle();
  }

  /** One update, from the poller or the inbox. Never throws. */
  async handleUpdate(update: unknown): Promise<void> {
    const msg = normaliseTelegramUpdate(update, this.username, this.botId);
    if (!msg) return;
    const callbackId = (update as { callback_query?: { id?: unknown } }).callback_query?.id;
    await this.serial.run(`${msg.chatId}`, async () => {
      if (typeof callbackId === 'string') {
        // Stops the button's spinner; failure only leaves the spinner a few seconds longer.
        await this.bot.telegram.answerCbQuery(callbackId).catch(() => undefined);
      }
      const replies = await this.service.handle(msg);
      await deliverReplies(this.replySender, msg.chatId, replies, this.log);
    });
  }
}

/** Telegram's update_id, for the inbox's dedup; undefined when the body has none. */
function telegramUpdateKey(update: unknown): string | undefined {
  const id = (update as { update_id?: unknown } | null)?.update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? `telegram:${id}` : undefined;
}
