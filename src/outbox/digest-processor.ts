import type { Job } from 'bullmq';
import { areaLabel } from '../conversations/case-view';
import type { Translate } from '../conversations/ports';
import { renderDigest, type DigestCase } from '../features/officer-desk/alerts';
import type { Store } from '../store/models';
import type { Notification } from '../store/notifications/notification.schema';
import { NOT_RESPONSIBLE, stillResponsible } from '../store/recipient-authority';
import type { OutboxJobs } from './jobs';
import { sendParts, type OutboxSending } from './send-parts';

export interface DigestDeps extends OutboxSending {
  store: Store;
  t: Translate;
}

/**
 * One officer's digest on this platform (src/outbox/flood-gate.ts): every alert held back for them
 * (status `batched`), re-checked like any alert (still active and covering the case, else failed
 * NotResponsible), listed in one message or a few, then marked sent. So a held alert is never
 * dropped: it goes out here at the end of its hour. The job remembers what it lists and how many
 * of its messages went out, so a retry (pacing, a 429, a crash) resumes instead of repeating.
 */
export function createDigestProcessor(deps: DigestDeps) {
  return async function sendDigest(job: Job<OutboxJobs['digest']>, token?: string): Promise<void> {
    const { store, log } = deps;
    const channel = deps.sender.channel;
    const officer = await store.officers.byId(job.data.officerId);
    if (!officer) return;
    // The first run fixes what the digest lists; a run after a pause (pacing, a 429) lists the same.
    let ids = job.data.ids;
    if (!ids) {
      ids = [];
      for (const n of await store.notifications.batchedFor(officer.officerId, channel)) {
        if (await stillResponsible(store, officer.officerId, n.caseId)) ids.push(n.notificationId);
        else await store.notifications.markFailed(n.notificationId, NOT_RESPONSIBLE);
      }
      await job.updateData({ ...job.data, ids, sent: 0 });
    }
    const listed: { n: Notification; c: DigestCase }[] = [];
    for (const id of ids) {
      const n = await store.notifications.byId(id);
      const c = n && (await store.cases.byCaseId(n.caseId));
      if (!n || !c) continue;
      const area = c.areaCode ? await store.areas.byCode(c.areaCode) : null;
      listed.push({ n, c: { kind: c.kind, category: c.category, refCode: c.refCode, areaName: areaLabel(area?.name, c.areaCode) } });
    }
    if (listed.length === 0) return;
    const parts = renderDigest(
      listed.map((l) => l.c),
      { t: deps.t, lang: officer.lang ?? 'vi' },
    );
    const saved = { ...job.data, ids };
    const result = await sendParts(
      { ...deps, job, token, logFields: { officerId: officer.officerId }, event: 'outbox.digest' },
      listed[0]!.n.chatId,
      parts,
      job.data.sent ?? 0,
      { partSent: (sent) => job.updateData({ ...saved, sent }), allSent: (sent) => job.updateData({ ...saved, sent }) },
    );
    for (const { n } of listed) {
      if (result === 'sent') await store.notifications.markSent(n.notificationId, 0);
      else await store.notifications.markFailed(n.notificationId, result.gaveUp);
    }
    log.info({ officerId: officer.officerId, cases: listed.length, parts: parts.length }, 'outbox.digest_sent');
  };
}
