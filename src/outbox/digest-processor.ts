import type { Job } from 'bullmq';
import { areaLabel } from '../conversations/case-view';
import type { Translate } from '../conversations/ports';
import { renderDigest, type DigestCase } from '../features/officer-desk/alerts';
import type { Store } from '../store/models';
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
 * dropped: it goes out here at the end of its hour. A digest cut off mid-way by a crash is sent
 * again whole on the retry (the cases stay `batched` until every part is out).
 */
export function createDigestProcessor(deps: DigestDeps) {
  return async function sendDigest(job: Job<OutboxJobs['digest']>, token?: string): Promise<void> {
    const { store, log } = deps;
    const channel = deps.sender.channel;
    const officer = await store.officers.byId(job.data.officerId);
    const held = await store.notifications.batchedFor(job.data.officerId, channel);
    if (!officer || held.length === 0) return;
    const listed: { id: string; c: DigestCase }[] = [];
    for (const n of held) {
      const c = await store.cases.byCaseId(n.caseId);
      if (!c || !(await stillResponsible(store, officer.officerId, c.caseId))) {
        await store.notifications.markFailed(n.notificationId, NOT_RESPONSIBLE);
        continue;
      }
      const area = c.areaCode ? await store.areas.byCode(c.areaCode) : null;
      listed.push({
        id: n.notificationId,
        c: { kind: c.kind, category: c.category, refCode: c.refCode, areaName: areaLabel(area?.name, c.areaCode) },
      });
    }
    if (listed.length === 0) return;
    const parts = renderDigest(
      listed.map((l) => l.c),
      { t: deps.t, lang: officer.lang ?? 'vi' },
    );
    const chatId = held[0]!.chatId;
    const result = await sendParts(
      { ...deps, job, token, logFields: { officerId: officer.officerId }, event: 'outbox.digest' },
      chatId,
      parts,
      0,
      { partSent: async () => undefined, allSent: async () => undefined },
    );
    for (const l of listed) {
      if (result === 'sent') await store.notifications.markSent(l.id, 0);
      else await store.notifications.markFailed(l.id, result.gaveUp);
    }
    log.info({ officerId: officer.officerId, cases: listed.length, parts: parts.length }, 'outbox.digest_sent');
  };
}
