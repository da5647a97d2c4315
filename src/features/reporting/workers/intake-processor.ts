import { UnrecoverableError, type Job } from 'bullmq';
import type { ChannelName } from '../../../conversations/messages';
import type { CaseSubmission } from '../../../conversations/ports';
import type { CaseKind } from '../../../domain/case-kinds';
import { routeCase, routeWithoutArea } from '../../../domain/routing';
import { CASE_KINDS } from '../flows';
import type { Logger } from '../../../logger';
import { caseSubmissionSchema, unsealCaseJob, type SealedCaseJob } from '../adapters/case-submission.schema';
import type { SealedBox } from '../../../domain/sealed-box';
import type { OutboxProducer } from '../../../outbox/producer';
import type { Case } from '../../../store/cases/case.schema';
import type { Store } from '../../../store/models';
import { RefCodeTakenError } from '../../../store/cases/case.repository';
import type { RefCodeIssuer } from '../../../redis/ref-code-issuer';
import type { Translate } from '../../../conversations/ports';
import type { OperatorAlertsPort } from '../../../ops/port';

export interface IntakeDeps {
  store: Store;
  outbox: Pick<OutboxProducer, 'enqueueAlert' | 'enqueueNotice'>;
  /** A fresh code when the one the resident was told turns out to be another case's. */
  refCodes: Pick<RefCodeIssuer, 'next'>;
  t: Translate;
  /** Platforms this deployment sends on; an officer's chats elsewhere are not alerted. */
  channels: ReadonlySet<ChannelName>;
  log: Logger;
  /** Opens the sealed submission a job carries. */
  box: SealedBox;
  /** What follows every (re)delivery once the case is stored and its alerts queued: escalation timer, hotspot check. */
  afterStored?: (c: Case) => Promise<void>;
  /** The operators' chat, told of a case that reaches nobody (src/ops). */
  operators?: OperatorAlertsPort;
}

/**
 * Stores a submitted case and queues one alert per recipient chat. Every write is idempotent
 * (case by case id, notification by case+recipient+channel, outbox job by notification id), so a
 * job redelivered after a crash at any line produces the same one case and the same alerts.
 */
export function createIntakeProcessor(deps: IntakeDeps) {
  return async function processCase(job: Job<SealedCaseJob | CaseSubmission>): Promise<{ recipients: number }> {
    let data: unknown;
    try {
      data = unsealCaseJob(job.data, job.id, (sealed, aad) => deps.box.open(sealed, aad));
    } catch (err) {
      deps.log.error({ jobId: job.id, err }, 'case.unreadable_job');
      throw new UnrecoverableError('Case submission does not open with the loaded keys');
    }
    const parsed = caseSubmissionSchema.safeParse(data);
    if (!parsed.success) {
      deps.log.error({ jobId: job.id, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'case.invalid_job');
      throw new UnrecoverableError('Invalid case submission');
    }
    const sub = parsed.data;
    const { store } = deps;
    const group = sub.joinCode ? await store.groups.byJoinCode(sub.joinCode) : null;
    const areaCode = group?.areaCode ?? null;

    // Routed every time (cheap: areas and officers are cached); on a redelivery the stored case
    // wins, with the recipients chosen the first time.
    const recipients = (await chooseRecipients(store, sub.kind, areaCode)).map((o) => o.officerId);
    const input = {
      caseId: sub.caseId,
      refCode: sub.refCode,
      kind: sub.kind,
      category: sub.category,
      fields: sub.fields,
      location: sub.location,
      attachments: sub.attachments,
      anonymous: sub.anonymous,
      contactEnc: sub.contactSealed,
      replyTo: { channel: sub.replyTo.channel, chatIdEnc: sub.replyTo.chatIdSealed },
      reporterIndex: sub.reporterIndex,
      lang: sub.lang,
      groupChatId: group?.chatId,
      joinCode: sub.joinCode,
      areaCode,
      recipients,
      submittedAt: new Date(sub.submittedAt),
    };
    let inserted: { case: Case; created: boolean };
    try {
      inserted = await store.cases.insertIfAbsent(input);
    } catch (err) {
      // The code the resident was told is another case's (given out twice by a counter that went
      // back, before codes were recorded): the case is stored under a fresh one instead of failing.
      if (!(err instanceof RefCodeTakenError)) throw err;
      const refCode = await deps.refCodes.next(sub.kind, new Date(sub.submittedAt));
      inserted = await store.cases.insertIfAbsent({ ...input, refCode });
      deps.log.warn({ caseId: sub.caseId, refCode, taken: sub.refCode }, 'case.recoded');
    }
    const { case: stored, created } = inserted;
    // Also on a redelivery after the fresh code was stored: the notice's id makes it one message.
    if (stored.refCode !== sub.refCode) await tellNewCode(deps, stored, sub);
    if (stored.recipients.length === 0) {
      deps.log.warn({ caseId: stored.caseId, refCode: stored.refCode }, 'case.no_recipient: add an officer or supervisor for this area');
      // Once per case (the window is keyed by the case): a redelivered job tells nobody twice.
      const areaName = stored.areaCode ? (await store.areas.byCode(stored.areaCode))?.name : undefined;
      await deps.operators?.notify('case_no_recipient', {
        caseId: stored.caseId,
        refCode: stored.refCode,
        areaCode: stored.areaCode ?? null,
        areaName,
      });
    }

    let queued = 0;
    for (const officerId of stored.recipients) {
      const officer = await store.officers.byId(officerId);
      for (const chat of officer?.chats ?? []) {
        if (!deps.channels.has(chat.channel)) continue;
        const n = await store.notifications.ensure({
          caseId: stored.caseId,
          recipientId: officerId,
          channel: chat.channel,
          chatId: chat.chatId,
        });
        if (n.status === 'pending') {
          // A case without a group could come from anyone: its alerts wait behind the groups' ones.
          await deps.outbox.enqueueAlert(chat.channel, n.notificationId, { lowPriority: !stored.joinCode });
          queued++;
        }
      }
    }
    await deps.afterStored?.(stored);
    deps.log.info({ caseId: stored.caseId, refCode: stored.refCode, created, alerts: queued }, 'case.stored');
    return { recipients: stored.recipients.length };
  };
}

/**
 * What a case job that failed for good keeps in Redis: BullMQ holds failed jobs until an operator
 * removes them, and a tip's words, place, media and sealed contact must not sit there forever. The
 * ids stay, so the operator can find the case (`job.failed_for_good`, `case.failed_for_good`); the
 * resident's words are gone, so such a job cannot be retried as it was.
 */
export function strippedCaseJob(data: Partial<CaseSubmission>): Record<string, unknown> {
  return { caseId: data.caseId, refCode: data.refCode, kind: data.kind, submittedAt: data.submittedAt, stripped: true };
}

/** The resident hears the code their case really has, through the outbox like any other notice to them. */
async function tellNewCode(deps: IntakeDeps, stored: Case, sub: CaseSubmission): Promise<void> {
  const channel = sub.replyTo.channel as ChannelName;
  if (!deps.channels.has(channel)) return;
  const notice = await deps.store.notices.ensure({
    noticeId: `n.${stored.caseId}.recoded`,
    caseId: stored.caseId,
    channel,
    chatIdEnc: sub.replyTo.chatIdSealed,
    parts: [{ text: deps.t(sub.lang, 'submit.recoded', { old: sub.refCode, code: stored.refCode }), lang: sub.lang }],
  });
  if (notice.status === 'pending') await deps.outbox.enqueueNotice(channel, notice.noticeId);
}

async function chooseRecipients(store: Store, kind: CaseKind, areaCode: string | null) {
  if (areaCode) {
    const ancestry = (await store.areas.ancestry(areaCode)).map((a) => a.code);
    return routeCase(CASE_KINDS.get(kind), ancestry, await store.officers.inAreas(ancestry));
  }
  // Without an area the case must still reach someone: the supervisors highest in the tree.
  const areas = await store.areas.all();
  const parent = new Map(areas.map((a) => [a.code, a.parentCode]));
  const depthOf = (code: string) => {
    let depth = 0;
    for (let c = parent.get(code); c && depth < 50; c = parent.get(c)) depth++;
    return parent.has(code) ? depth : Number.MAX_SAFE_INTEGER;
  };
  return routeWithoutArea(await store.officers.all(), depthOf);
}
