import type { ChannelName, Lang } from '../../../conversations/messages';
import type { DeskMessenger, Render } from '../ports';
import type { Store } from '../../../store/models';
import { stillResponsible } from '../../../store/recipient-authority';

/** Puts stored messages on their platform's outbox (src/outbox/producer.ts); job id = the row's id. */
export interface OutboxQueues {
  enqueueNotice(channel: ChannelName, noticeId: string): Promise<void>;
  enqueueAlert(channel: ChannelName, notificationId: string, opts?: { lowPriority?: boolean }): Promise<void>;
}

/**
 * Messages to other chats, durable and once only: each is written to the database first (a
 * notice, or a case alert's notification) under an id the caller derives from what it is about,
 * then queued under that same id. Asking again finds the row: a sent one is not sent again, a
 * pending one is queued again (BullMQ ignores a job id it already holds). Nothing is written for an
 * officer who is no longer active or responsible for the case; the outbox checks again on sending.
 */
export class StoreDeskMessenger implements DeskMessenger {
  constructor(
    private readonly store: Store,
    /** Platforms this deployment sends on. */
    private readonly channels: ReadonlySet<ChannelName>,
    private readonly queues: OutboxQueues,
  ) {}

  async toReporter(caseId: string, noticeId: string, render: Render): Promise<void> {
    const c = await this.store.cases.byCaseId(caseId);
    // No chat once the resident erased their data (or retention purged the case): nobody to tell.
    const channel = c?.replyTo?.channel as ChannelName | undefined;
    if (!c?.replyTo || !channel || !this.channels.has(channel)) return;
    await this.deliver({ noticeId, caseId, channel, chatIdEnc: c.replyTo.chatIdEnc, parts: render(c.lang, channel) });
  }

  async toOfficer(officerId: string, noticeId: string, render: Render): Promise<void> {
    const caseId = caseIdOf(noticeId);
    const officer = await this.store.officers.byId(officerId);
    if (!officer || !(await stillResponsible(this.store, officerId, caseId))) return;
    for (const chat of officer.chats) {
      if (!this.channels.has(chat.channel)) continue;
      await this.deliver({
        noticeId: `${noticeId}.${officerId}.${chat.channel}`,
        caseId,
        channel: chat.channel,
        chatId: chat.chatId,
        officerId,
        parts: render(officer.lang, chat.channel),
      });
    }
  }

  async toChat(channel: ChannelName, chatId: string, lang: Lang, noticeId: string, render: Render, officerId?: string): Promise<void> {
    if (!this.channels.has(channel)) return;
    const caseId = caseIdOf(noticeId);
    if (officerId !== undefined && !(await stillResponsible(this.store, officerId, caseId))) return;
    await this.deliver({ noticeId, caseId, channel, chatId, officerId, parts: render(lang, channel) });
  }

  async alertOfficer(caseId: string, officerId: string): Promise<void> {
    const officer = await this.store.officers.byId(officerId);
    if (!officer || !(await stillResponsible(this.store, officerId, caseId))) return;
    // As at intake: a case without a group waits behind the groups' alerts.
    const lowPriority = !(await this.store.cases.byCaseId(caseId))?.joinCode;
    for (const chat of officer.chats) {
      if (!this.channels.has(chat.channel)) continue;
      const n = await this.store.notifications.ensure({ caseId, recipientId: officerId, channel: chat.channel, chatId: chat.chatId });
      if (n.status === 'pending') await this.queues.enqueueAlert(chat.channel, n.notificationId, { lowPriority });
    }
  }

  private async deliver(n: Parameters<Store['notices']['ensure']>[0]): Promise<void> {
    const saved = await this.store.notices.ensure(n);
    if (saved.status === 'pending') await this.queues.enqueueNotice(saved.channel, saved.noticeId);
  }
}

/** Notice ids about a case start `n.<caseId>.`: kept on the row so a case's messages can be found. */
function caseIdOf(noticeId: string): string | undefined {
  const m = /^n\.([A-Za-z0-9_-]{8,64})\./.exec(noticeId);
  return m ? m[1] : undefined;
}
