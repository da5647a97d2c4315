import type { Attachment, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import { evidenceIdOf } from '../../domain/chat';
import type { EvidenceLinks } from '../../domain/evidence-link';
import type { ChannelSender } from '../channel-sender';
import { renderNumbered } from '../numbered-render';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../send-errors';
import type { ZaloClient } from './client';
import { ZaloRateLimitedError, ZaloRequestError } from './errors';
import type { ZaloQuota } from './quota';

/** sendMessage takes 1-2000 characters; a caption is held to the same. */
export const ZALO_MAX_TEXT = 2000;
/**
 * Zalo's 429 means a quota is spent and names no wait; retrying after a second would only burn
 * the queue's attempts. Fifteen minutes lets a plan upgrade or a new month take effect without
 * hammering the API, and the paused alerts are sent afterwards, not dropped.
 */
export const ZALO_QUOTA_BACKOFF_MS = 15 * 60_000;

/**
 * Renders an OutboundMessage for Zalo, which has no buttons: options become numbered lines the
 * resident answers by typing (domain/option-match reads them back), links, map pins and
 * attachments become text lines, and the result is cut on line boundaries into messages of at
 * most 2000 characters. A photo the platform gave us as a URL is re-sent as a photo, carrying the
 * (last piece of the) text as its caption; any other attachment is named by its reference.
 *
 * Errors come out as the classes of send-errors.ts, so the outbox knows whether to wait, give up
 * on this chat, give up on this message, or retry with back-off.
 */
export class ZaloSender implements ChannelSender {
  readonly channel = 'zalo' as const;

  constructor(
    private readonly client: Pick<ZaloClient, 'sendMessage' | 'sendPhoto'>,
    private readonly t: Translate,
    private readonly opts: {
      quotaBackoffMs?: number;
      quota?: Pick<ZaloQuota, 'count' | 'spent' | 'repliesHeldMs'>;
      /** Signed links to our copies of files (PUBLIC_BASE_URL): Zalo's sendPhoto fetches the photo there. */
      links?: Pick<EvidenceLinks, 'url'>;
    } = {},
  ) {}

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    try {
      await this.sendUnmapped(chatId, message);
    } catch (err) {
      // A 429 without a wait is Zalo's spent quota: replies in chat are held from now on.
      if (err instanceof ZaloRateLimitedError && err.retryAfterMs === undefined) await this.opts.quota?.spent();
      throw mapZaloError(err, this.opts.quotaBackoffMs);
    }
  }

  /** While Zalo's quota is spent, replies in chat are held (see quota.ts); officers' alerts are not. */
  async repliesHeldMs(): Promise<number> {
    return (await this.opts.quota?.repliesHeldMs()) ?? 0;
  }

  private async sendUnmapped(chatId: string, message: OutboundMessage): Promise<void> {
    const attachments = (message.attachments ?? []).map((a) => this.reachable(a, message.lang ?? 'vi'));
    const photos = attachments.filter(isPhotoUrl);
    const rest = attachments.filter((a) => !isPhotoUrl(a));
    const chunks = renderNumbered(
      { ...message, attachments: rest.length > 0 ? rest : undefined },
      { reply: this.t(message.lang ?? 'vi', 'numbered.reply') },
      { maxLength: ZALO_MAX_TEXT },
    );
    // The photo goes last with the last piece as its caption, so text and picture read as one message.
    const caption = photos.length > 0 ? chunks.pop() : undefined;
    // Each message Zalo accepts counts against the month's quota, as soon as it is accepted.
    for (const chunk of chunks) {
      await this.client.sendMessage(chatId, chunk);
      await this.opts.quota?.count();
    }
    for (const [i, photo] of photos.entries()) {
      await this.client.sendPhoto(chatId, photo.ref, i === 0 ? caption : undefined);
      await this.opts.quota?.count();
    }
  }

  /**
   * Our copy of a file as Zalo can take it: a signed, short-lived link to it (a photo is then sent
   * as a photo; a voice note or video as a line with its link). Without PUBLIC_BASE_URL there is
   * no link Zalo could fetch, and the officer is told where the file is instead.
   */
  private reachable(a: Attachment, lang: 'vi' | 'en'): Attachment {
    const id = evidenceIdOf(a);
    if (id === undefined) return a;
    if (this.opts.links) return { kind: a.kind, ref: this.opts.links.url(id) };
    return { kind: a.kind, ref: this.t(lang, 'evidence.noLink') };
  }
}

function isPhotoUrl(a: Attachment): boolean {
  return a.kind === 'photo' && /^https?:\/\/\S+$/i.test(a.ref);
}

/**
 * The platform's wording for a chat it will not deliver to. Zalo documents no codes for this, so
 * the description is read: an unknown, blocked or never-followed user or chat.
 */
const RECIPIENT_GONE =
  /\b(user|chat|recipient|receiver|follower)\b[^.]{0,40}\b(not found|unknown|invalid|blocked|not exist|does not exist|doesn't exist|not available|unavailable|not follow)|\b(unknown|invalid|blocked)\b[^.]{0,20}\b(user|chat|recipient|receiver)\b|\bblocked\b/i;

/** Platform errors → what the outbox should do; anything not recognised is returned as it is (retried). */
export function mapZaloError(err: unknown, quotaBackoffMs = ZALO_QUOTA_BACKOFF_MS): unknown {
  if (err instanceof ZaloRateLimitedError) return new SendRateLimitedError(err.retryAfterMs ?? quotaBackoffMs);
  if (err instanceof ZaloRequestError) {
    if (RECIPIENT_GONE.test(err.description)) return new RecipientUnavailableError(err.description);
    return new MessageRejectedError(err.description);
  }
  // ZaloUnauthorizedError (the operator must fix ZALO_BOT_TOKEN), ZaloServerError (5xx, 403) and
  // network failures stay as they are: transient or operator-fixable, so retried with back-off.
  return err;
}
