import { UnrecoverableError, type Job } from 'bullmq';
import { openCaseField } from '../domain/case-seals';
import { renderAlert } from '../features/officer-desk/alerts';
import { areaLabel } from '../conversations/case-view';
import { withAlertActions } from '../features/officer-desk/render';
import type { ChannelName, Lang } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import { consentedContact } from '../domain/case-record';
import type { SealedBox } from '../domain/sealed-box';
import { caseRecordOf } from '../store/cases/case.schema';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/models';
import { NOT_RESPONSIBLE, stillResponsible } from '../store/recipient-authority';
import type { FloodGate } from './flood-gate';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface AlertDeps extends OutboxSending {
  store: Store;
  t: Translate;
  box: SealedBox;
  metrics: Pick<Metrics, 'alertLatency' | 'alertsBatched'>;
  /** Flood caps per area and per officer; a held alert waits for the officer's digest. */
  flood?: { gate: Pick<FloodGate, 'admit'>; digest(channel: ChannelName, officerId: string, at: number): Promise<void> };
}

/**
 * Sends one notification: the alert text, then the map pin and attachments, each a "part".
 * `partsSent` is saved after every part, so a retry after a crash or a 429 resumes after the last
 * part that went out instead of sending the alert twice. (A crash between the platform's answer
 * and that save can still repeat one part: no chat API offers idempotent sends.)
 */
export function createAlertProcessor(deps: AlertDeps) {
  return async function sendNotification(job: Job<OutboxJobs['alert']>, token?: string): Promise<void> {
    const { store, log } = deps;
    const n = await store.notifications.takeUp(job.data.notificationId);
    if (!n) return;
    const c = await store.cases.byCaseId(n.caseId);
    if (!c) throw new UnrecoverableError('the case no longer exists');
    // Routed when the case was stored; sent only if the officer is still active and covers it now.
    const officer = await stillResponsible(store, n.recipientId, c);
    if (!officer) {
      await store.notifications.markFailed(n.notificationId, NOT_RESPONSIBLE);
      log.info({ notificationId: n.notificationId, caseId: c.caseId }, 'outbox.withheld');
      return;
    }
    // Checked once, before the first part: an alert half sent is finished, whatever the caps say now.
    if (deps.flood && n.partsSent === 0) {
      const verdict = await deps.flood.gate.admit({
        caseId: c.caseId,
        areaCode: c.areaCode,
        officerId: officer.officerId,
        notificationId: n.notificationId,
      });
      if (!verdict.send) {
        await store.notifications.markBatched(n.notificationId);
        await deps.flood.digest(n.channel, officer.officerId, verdict.windowEnd);
        deps.metrics.alertsBatched.inc({ reason: verdict.reason });
        log.info({ notificationId: n.notificationId, caseId: c.caseId, reason: verdict.reason }, 'outbox.batched');
        return;
      }
    }
    const area = c.areaCode ? await store.areas.byCode(c.areaCode) : null;
    const lang: Lang = officer.lang ?? 'vi';
    const record = caseRecordOf(c);
    let contact: string | undefined;
    try {
      contact = consentedContact(record, (sealed) => openCaseField(deps.box, sealed, c.caseId, 'contact'));
    } catch {
      contact = undefined; // Not this case's contact: the alert goes without it.
    }
    const alert = renderAlert(record, { t: deps.t, lang, areaName: areaLabel(area?.name, c.areaCode), contact });
    // The officer's actions on the case: buttons on Telegram, the commands to type elsewhere.
    const parts = withAlertActions(alert, n.channel, c, { t: deps.t, lang });

    const result = await sendParts(
      { ...deps, job, token, logFields: { notificationId: n.notificationId }, event: 'outbox' },
      n.chatId,
      parts,
      n.partsSent,
      {
        partSent: (sent) => store.notifications.markPartSent(n.notificationId, sent),
        allSent: (total) => store.notifications.markSent(n.notificationId, total),
      },
    );
    if (result !== 'sent') {
      await store.notifications.markFailed(n.notificationId, result.gaveUp);
      return;
    }
    // The officer has every part now: how long the case waited for them since the resident confirmed it.
    deps.metrics.alertLatency.observe({ channel: n.channel }, Math.max(0, Date.now() - c.submittedAt.getTime()) / 1000);
    log.info({ notificationId: n.notificationId, caseId: c.caseId, parts: parts.length }, 'outbox.sent');
  };
}
