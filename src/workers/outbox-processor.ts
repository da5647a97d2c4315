import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { ChannelSender } from '../channels/channel-sender';
import { renderAlert } from '../conversations/alerts';
import { withAlertActions } from '../conversations/officer/render';
import type { Lang } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import type { SealedBox } from '../domain/sealed-box';
import type { Logger } from '../logger';
import type { OutboxJob } from '../queues/outbox-producer';
import type { Store } from '../store/models';
import type { ChatPacer } from './chat-pacer';
import { sendParts } from './send-parts';

export interface OutboxDeps {
  store: Store;
  sender: ChannelSender;
  t: Translate;
  box: SealedBox;
  pacer: ChatPacer;
  log: Logger;
  /** Set once the BullMQ worker exists: a platform 429 pauses the whole queue for retry_after. */
  worker?: Worker;
}

/**
 * Sends one notification: the alert text, then the map pin and attachments, each a "part".
 * `partsSent` is saved after every part, so a retry after a crash or a 429 resumes after the last
 * part that went out instead of sending the alert twice. (A crash between the platform's answer
 * and that save can still repeat one part: no chat API offers idempotent sends.)
 */
export function createOutboxProcessor(deps: OutboxDeps) {
  return async function sendNotification(job: Job<OutboxJob>, token?: string): Promise<void> {
    const { store, sender, log } = deps;
    const n = await store.notifications.byId(job.data.notificationId);
    if (!n || n.status !== 'pending') return;
    const c = await store.cases.byCaseId(n.caseId);
    const officer = await store.officers.byId(n.recipientId);
    if (!c || !officer) throw new UnrecoverableError('case or recipient no longer exists');
    const area = c.areaCode ? await store.areas.byCode(c.areaCode) : null;
    const lang: Lang = officer.lang ?? 'vi';
    const contact = !c.anonymous && c.contactEnc ? deps.box.open(c.contactEnc) : undefined;
    const alert = renderAlert({ ...c, submittedAt: new Date(c.submittedAt) }, { t: deps.t, lang, areaName: area ? `${area.name} (${area.code})` : null, contact });
    // The officer's actions on the case: buttons on Telegram, the commands to type elsewhere.
    const parts = withAlertActions(alert, n.channel, c, { t: deps.t, lang });

    await store.notifications.recordAttempt(n.notificationId);
    const sending = { job, token, sender, pacer: deps.pacer, worker: deps.worker, log, logFields: { notificationId: n.notificationId }, event: 'outbox' };
    const result = await sendParts(sending, n.chatId, parts, n.partsSent, {
      partSent: (sent) => store.notifications.markPartSent(n.notificationId, sent),
      allSent: (total) => store.notifications.markSent(n.notificationId, total),
    });
    if (result !== 'sent') {
      await store.notifications.markFailed(n.notificationId, result.gaveUp);
      return;
    }
    log.info({ notificationId: n.notificationId, caseId: c.caseId, parts: parts.length }, 'outbox.sent');
  };
}
