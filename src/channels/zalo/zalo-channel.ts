import type { ConversationService } from '../../conversations/conversation-service';
import type { Translate } from '../../conversations/ports';
import type { HttpServer } from '../../http/http-server';
import { addWebhookRoute } from '../../http/webhook-route';
import type { Logger } from '../../logger';
import { ChatSerialiser } from '../chat-serialiser';
import { deliverReplies, type ReplyHold } from '../deliver-replies';
import type { UpdateInbox } from '../inbox/update-inbox';
import { ZaloClient, type ZaloBotInfo } from './client';
import { ZaloApiError } from './errors';
import { normaliseZaloUpdate, zaloUpdateKey } from './normalise';
import { ZaloPoller } from './poller';
import type { ZaloQuota } from './quota';
import { ZaloSender } from './zalo-sender';
import type { ChannelSender } from '../channel-sender';
import type { EvidenceLinks } from '../../domain/evidence-link';
import { meteredSender } from '../../metrics/metered-sender';
import type { Metrics } from '../../metrics/metrics';

export interface ZaloOptions {
  token: string;
  apiBase: string;
  /** Signed links to our copies of residents' files, for replies that show a case's media (an officer's /xem). */
  evidenceLinks?: Pick<EvidenceLinks, 'url'>;
  /** Set to receive updates by webhook (production, several bot replicas); unset, the bot long-polls. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** How long one API call may take (ZALO_TIMEOUT_MS). */
  timeoutMs?: number;
  /** How long the outbox pauses after Zalo's 429, a spent quota (ZALO_QUOTA_BACKOFF_MS). */
  quotaBackoffMs?: number;
  /** First pause between getMe attempts at start when Zalo answers 403 or 5xx; doubles each time. */
  startRetryMs?: number;
  /** Told (with our error code) when the poller's loop dies by itself: the operators are alerted. */
  onPollerStopped?: (code: string) => void;
  /** Where replies go while Zalo's quota is spent, to be sent in order afterwards; absent, they are dropped. */
  replyHold?: ReplyHold;
}

/** getMe attempts at start before the bot starts without it (see whoAmI). */
const GET_ME_ATTEMPTS = 3;

export const ZALO_WEBHOOK_PATH = '/zalo/webhook';
export const ZALO_SECRET_HEADER = 'x-bot-api-secret-token';

/**
 * The bot's Zalo side: receives updates by long polling (development, one replica) or webhook
 * (production, with Zalo's secret header checked), turns them into InboundMessages, asks the
 * conversation service and sends the answers as numbered text. All behaviour lives in the
 * conversation service, the same for every channel; Zalo has no deep links, so residents join
 * their group with its join code instead.
 */
export class ZaloChannel {
  readonly client: ZaloClient;
  readonly sender: ZaloSender;
  private readonly replySender: ChannelSender;
  private readonly poller: ZaloPoller;
  private readonly serial = new ChatSerialiser();
  /** The bot's own id from getMe, to drop its own messages echoed back; unknown if getMe failed. */
  private botId?: string;
  private webhookSet = false;

  constructor(
    private readonly opts: ZaloOptions,
    private readonly service: Pick<ConversationService, 'handle'>,
    private readonly log: Logger,
    t: Translate,
    /** Where every update goes first, webhook or poll; handled from there (src/channels/inbox). */
    private readonly inbox: UpdateInbox,
    /** Counts what the bot sends against Zalo's monthly quota and holds replies once it is spent. */
    quota?: ZaloQuota,
    /** Counts the replies' sends (tnd_platform_sends_total, via="reply"); absent, nothing is counted. */
    metrics?: Pick<Metrics, 'sends'>,
  ) {
    // Replies are not retried by the client (an ambiguous timeout would say it twice); a lost reply
    // costs the resident one more message, since their draft is already saved.
    this.client = new ZaloClient({ token: opts.token, apiBase: opts.apiBase, timeoutMs: opts.timeoutMs ?? 15_000 });
    this.sender = new ZaloSender(this.client, t, { quotaBackoffMs: opts.quotaBackoffMs, quota, links: opts.evidenceLinks });
    this.replySender = metrics ? meteredSender(this.sender, metrics, 'reply') : this.sender;
    // getUpdates has no offset or acknowledgement: an update is gone from Zalo once read. So the
    // poller's first act is to put it in the durable inbox; what is lost is only an update read in
    // the instant before a crash (the README says so: production uses the webhook).
    this.poller = new ZaloPoller(this.client, (update) => this.accept(update), { logger: log, onCrashed: opts.onPollerStopped });
  }

  /**
   * Checks the token (getMe fails loudly on a wrong one, see whoAmI), then starts receiving: by webhook when a
   * URL and secret are configured, else by polling, after removing any webhook left set (the
   * platform refuses getUpdates while one is).
   */
  async start(http?: HttpServer): Promise<void> {
    const me = await this.whoAmI();
    this.botId = me?.id;
    // Updates left in the inbox by a process that stopped are handled first, whatever the mode now.
    this.inbox.start((update) => this.handleUpdate(update));
    if (this.opts.webhookUrl && this.opts.webhookSecret) {
      if (!http) throw new Error('Zalo webhook mode needs the HTTP server');
      const secret = this.opts.webhookSecret;
      addWebhookRoute(http, ZALO_WEBHOOK_PATH, ZALO_SECRET_HEADER, secret, (update) => this.accept(update), {
        emptyBodyIsProbe: true,
      });
      await this.client.setWebhook(this.opts.webhookUrl, secret);
      this.webhookSet = true;
      this.log.info({ mode: 'webhook', accountType: me?.account_type }, 'zalo.started');
    } else {
      const info = await this.client.getWebhookInfo();
      if (info.url) {
        await this.client.deleteWebhook();
        this.log.warn({}, 'zalo.webhook_removed_for_polling');
      }
      this.poller.start();
      this.log.info({ mode: 'polling', accountType: me?.account_type }, 'zalo.started');
    }
  }

  /**
   * getMe, to check the token and learn the bot's id. A 401 is a refused token and stops the start.
   * Zalo documents 403 as its own internal error, so a 403 or 5xx (or no answer) is tried again a
   * few times and then the bot starts anyway with a warning: refusing to start over a passing Zalo
   * fault would leave every resident without the bot, and a truly bad token still shows as 401 on
   * the first send. Without the id, the bot's echoed messages are known by is_bot alone.
   */
  private async whoAmI(): Promise<ZaloBotInfo | undefined> {
    const firstPauseMs = this.opts.startRetryMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.getMe();
      } catch (err) {
        if (!(err instanceof ZaloApiError) || !err.retryable) throw err;
        if (attempt >= GET_ME_ATTEMPTS) {
          this.log.warn({ error: err.name, errorCode: err.errorCode }, 'zalo.get_me_failed_starting_anyway');
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, firstPauseMs * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Stops polling (the poll in flight is aborted; updates it had read still go to the inbox), then
   * stops taking updates from the inbox and waits for those being handled.
   */
  /** Updates reach this process: webhook set, or the poller's loop still running (for /readyz). */
  get receiving(): boolean {
    return this.webhookSet || this.poller.isRunning;
  }

  async stop(): Promise<void> {
    this.webhookSet = false;
    await this.poller.stop();
    await this.inbox.close();
    await this.serial.idle();
  }

  /** An update as received, webhook or poll: into the inbox, keyed by its message id for dedup. */
  private accept(update: unknown): Promise<void> {
    return this.inbox.put(zaloUpdateKey(update), update);
  }

  /** One update, taken from the inbox (tests and the fuzzer call it directly). Never throws. */
  async handleUpdate(update: unknown): Promise<void> {
    try {
      const msg = normaliseZaloUpdate(update, { botId: this.botId });
      if (!msg) return;
      await this.serial.run(msg.chatId, async () => {
        const replies = await this.service.handle(msg);
        await deliverReplies(this.replySender, msg.chatId, replies, this.log, { hold: this.opts.replyHold });
      });
    } catch (err) {
      this.log.error({ err }, 'zalo.update_failed');
    }
  }
}
