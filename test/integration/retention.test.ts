import { Queue, QueueEvents } from 'bullmq';
import { evidenceRef } from '../../src/domain/chat';
import { reporterIndexOf } from '../../src/domain/reporter-index';
import { StoreResidentErasure } from '../../src/features/privacy/adapters/resident-erasure';
import { purgeClosedCases } from '../../src/features/privacy/workers/retention-processor';
import { RETENTION_QUEUE, RETENTION_SCHEDULER } from '../../src/features/privacy/wiring';
import type { Case } from '../../src/store/cases/case.schema';
import { startApp, type AppHarness } from '../support/app-harness';

/**
 * Retention against the real worker role, BullMQ, Redis and the database: cases closed longer ago
 * than RETENTION_CLOSED_CASE_DAYS lose the resident's words, place, media, contact, chat and blind
 * index, and their notices the relayed texts; what statistics count stays; recent and open cases
 * are untouched; a second run changes nothing.
 */
const DAY = 86_400_000;
const WORDS = 'Hai thanh niên bẻ khóa xe máy trước nhà số 12';
const ANSWER = 'Biển số 59X1-123.45, anh Tuấn nhà bên thấy';
let app: AppHarness;
let queue: Queue;
let events: QueueEvents;
let eventsRedis: ReturnType<AppHarness['rt']['queueRedis']['duplicate']>;

beforeAll(async () => {
  app = await startApp({ RETENTION_CLOSED_CASE_DAYS: '180' }, { roles: 'worker' });
  queue = new Queue(RETENTION_QUEUE, { connection: app.rt.queueRedis });
  eventsRedis = app.rt.queueRedis.duplicate();
  events = new QueueEvents(RETENTION_QUEUE, { connection: eventsRedis });
  await events.waitUntilReady();
});

afterAll(async () => {
  await events?.close();
  eventsRedis?.disconnect();
  await queue?.close();
  await app?.close();
});

const raw = () => app.rt.db.collection<Record<string, unknown>>('cases');

/** A tip as intake stores it, then (when `closedDaysAgo` is given) answered and closed that long ago. */
async function seedCase(n: number, opts: { closedDaysAgo?: number; submittedDaysAgo: number }): Promise<string> {
  const { box, hash, store } = app.rt;
  const caseId = `retention${String(n).padStart(4, '0')}`;
  const submittedAt = new Date(Date.now() - opts.submittedDaysAgo * DAY);
  // Our copy of the resident's photo in the evidence store, which the case names.
  await app.rt.evidence.put(`ev-${caseId}`, 'photo', 'image/jpeg', Buffer.from(`photo of ${caseId}`));
  await store.cases.insertIfAbsent({
    caseId,
    refCode: `TB-2601-${String(9000 + n)}`,
    kind: 'tip',
    category: 'theft',
    fields: { what: WORDS, where: 'Hẻm 45 Lê Lợi', when: 'now' },
    location: { latitude: 10.7769, longitude: 106.7009 },
    attachments: [{ kind: 'photo', ref: evidenceRef(`ev-${caseId}`) }],
    anonymous: false,
    contactEnc: box.seal('0903123456'),
    replyTo: { channel: 'telegram', chatIdEnc: box.seal(String(800 + n)) },
    reporterIndex: reporterIndexOf(hash, 'telegram', String(800 + n)),
    lang: 'vi',
    joinCode: 'KP1TO3',
    areaCode: 'kp1-to3',
    recipients: ['cskv-sg-01'],
    submittedAt,
  });
  await store.notices.ensure({
    noticeId: `n.${caseId}.q.1`,
    caseId,
    channel: 'telegram',
    chatIdEnc: box.seal(String(800 + n)),
    parts: [{ text: 'Cán bộ hỏi: anh/chị có thấy biển số không?' }],
  });
  await store.notices.ensure({
    noticeId: `n.${caseId}.a.1`,
    caseId,
    channel: 'telegram',
    chatId: '100000001',
    officerId: 'cskv-sg-01',
    parts: [{ text: `Người báo trả lời: ${ANSWER}` }],
  });
  if (opts.closedDaysAgo !== undefined) {
    const resolvedAt = new Date(Date.now() - opts.closedDaysAgo * DAY);
    await raw().updateOne(
      { _id: caseId } as Record<string, unknown>,
      {
        $set: { status: 'resolved', outcome: 'verified', resolvedAt, acknowledgedAt: submittedAt, acknowledgedBy: 'cskv-sg-01' },
        $push: {
          history: {
            $each: [
              { at: submittedAt, action: 'question', by: 'cskv-sg-01', note: 'Anh/chị có thấy biển số không?' },
              { at: submittedAt, action: 'answer', by: 'resident', note: ANSWER },
              { at: resolvedAt, action: 'resolved', by: 'cskv-sg-01', note: 'verified' },
            ],
          },
        },
      } as Record<string, unknown>,
    );
  }
  return caseId;
}

const byId = async (caseId: string) => (await app.rt.store.cases.byCaseId(caseId))!;

it('is scheduled daily on the worker role, purges old closed cases only, keeps statistics, and is safe to run again', async () => {
  // The worker role has put the daily job's scheduler in place.
  let scheduler = await queue.getJobScheduler(RETENTION_SCHEDULER);
  for (let i = 0; i < 50 && !scheduler; i++) {
    await new Promise((r) => setTimeout(r, 100));
    scheduler = await queue.getJobScheduler(RETENTION_SCHEDULER);
  }
  expect(scheduler).toMatchObject({ pattern: '30 3 * * *', tz: 'Asia/Ho_Chi_Minh' });

  const old = await seedCase(1, { submittedDaysAgo: 400, closedDaysAgo: 200 });
  const older = await seedCase(2, { submittedDaysAgo: 900, closedDaysAgo: 800 });
  const recent = await seedCase(3, { submittedDaysAgo: 30, closedDaysAgo: 10 });
  const open = await seedCase(4, { submittedDaysAgo: 400 });
  const untouched = { recent: await byId(recent), open: await byId(open) };
  const untouchedNotices = [...(await app.rt.store.notices.forCase(recent)), ...(await app.rt.store.notices.forCase(open))];
  const before = { old: await byId(old), older: await byId(older) };
  const stats = await app.rt.store.cases.countsSince({ areaCodes: null, since: new Date(0) });

  // The run the scheduler starts each day, started now by the same worker.
  const job = await queue.add('purge', {});
  const result = await job.waitUntilFinished(events, 20_000);
  expect(result).toEqual({ cases: 2, notices: 4, files: 2, draftFiles: 0, indexed: 0, auditEvents: 0 });
  // The photos of the purged cases are gone from the evidence store; the others' are kept.
  for (const id of [old, older]) expect(await app.rt.evidence.read(`ev-${id}`)).toBeNull();
  for (const id of [recent, open]) expect(await app.rt.evidence.read(`ev-${id}`)).not.toBeNull();

  for (const id of [old, older]) {
    const c = await byId(id);
    const was = id === old ? before.old : before.older;
    // Gone: the resident's words, place, media, contact, chat, blind index; the texts in the history.
    expect(c.fields).toEqual({});
    expect(c.location).toBeUndefined();
    expect(c.attachments).toEqual([]);
    expect(c.contactEnc).toBeUndefined();
    expect(c.replyTo).toBeUndefined();
    expect(c.reporterIndex).toBeUndefined();
    expect(c.purgedAt).toBeInstanceOf(Date);
    // Kept: what statistics count, and every date.
    expect(c).toMatchObject({
      caseId: id,
      refCode: was.refCode,
      kind: 'tip',
      category: 'theft',
      areaCode: 'kp1-to3',
      joinCode: 'KP1TO3',
      status: 'resolved',
      outcome: 'verified',
      anonymous: false,
      recipients: ['cskv-sg-01'],
      acknowledgedBy: 'cskv-sg-01',
      submittedAt: was.submittedAt,
      acknowledgedAt: was.acknowledgedAt,
      resolvedAt: was.resolvedAt,
      createdAt: was.createdAt,
    });
    expect(c.history).toEqual([
      { at: was.submittedAt, action: 'submitted', by: 'resident' },
      { at: was.submittedAt, action: 'question', by: 'cskv-sg-01' },
      { at: was.submittedAt, action: 'answer', by: 'resident' },
      { at: was.resolvedAt, action: 'resolved', by: 'cskv-sg-01', note: 'verified' },
    ]);
    const notices = await app.rt.store.notices.forCase(id);
    expect(notices.map((n) => [n.noticeId, n.parts, n.chatIdEnc]).sort()).toEqual([
      [`n.${id}.a.1`, [], undefined],
      [`n.${id}.q.1`, [], undefined],
    ]);
  }
  // A case closed 10 days ago and a case never closed are exactly as they were, notices too.
  expect(await byId(recent)).toEqual(untouched.recent);
  expect(await byId(open)).toEqual(untouched.open);
  expect([...(await app.rt.store.notices.forCase(recent)), ...(await app.rt.store.notices.forCase(open))]).toEqual(untouchedNotices);
  // Statistics read the same.
  expect(await app.rt.store.cases.countsSince({ areaCodes: null, since: new Date(0) })).toEqual(stats);

  // Nothing of the content anywhere in the database any more, but in the two cases kept as they were.
  const everything = JSON.stringify([await raw().find({}).toArray(), await app.rt.db.collection('notices').find({}).toArray()]);
  expect(everything.split(WORDS).length - 1).toBe(2);
  // The recent case's answer in its history and its notice, the open case's notice.
  expect(everything.split(ANSWER).length - 1).toBe(3);

  // The run logs counts, never content.
  const line = app.logs.find((l) => l.includes('retention.purged'));
  expect(JSON.parse(line!)).toMatchObject({ cases: 2, notices: 4 });
  expect(app.logs.filter((l) => l.includes('retention')).join('\n')).not.toMatch(/Hẻm|bẻ khóa|59X1|0903/);

  // Running again (tomorrow's run, or a second worker) removes nothing more and changes nothing.
  const purged = { old: await byId(old), older: await byId(older) };
  expect(await purgeClosedCases({ store: app.rt.store, log: app.rt.log, closedCaseMs: 180 * DAY, evidence: app.rt.evidence })).toEqual({
    cases: 0,
    notices: 0,
    files: 0,
    draftFiles: 0,
    indexed: 0,
    auditEvents: 0,
  });
  expect(await byId(old)).toEqual(purged.old);
  expect(await byId(older)).toEqual(purged.older);
  expect(await byId(recent)).toEqual(untouched.recent);
});

it('a case closed 10 days ago goes once the retention period is 7 days', async () => {
  const id = await seedCase(5, { submittedDaysAgo: 20, closedDaysAgo: 10 });
  const report = await purgeClosedCases({ store: app.rt.store, log: app.rt.log, closedCaseMs: 7 * DAY });
  // Case 3 (closed 10 days ago) is purged too: the period is the setting's.
  expect(report.cases).toBe(2);
  const c: Case = await byId(id);
  expect([c.fields, c.replyTo, c.reporterIndex, c.status]).toEqual([{}, undefined, undefined, 'resolved']);
});

it('gives a case stored before the blind index its index on the daily run, so that erasure finds it', async () => {
  const legacy = await seedCase(6, { submittedDaysAgo: 5 });
  await raw().updateOne({ _id: legacy } as Record<string, unknown>, { $unset: { reporterIndex: 1 } });
  const eraser = new StoreResidentErasure(app.rt.store, app.rt.redis, app.rt.hash);
  expect((await eraser.erase('telegram', '806')).cases).toBe(0);

  const job = await queue.add('purge', {});
  expect(await job.waitUntilFinished(events, 20_000)).toEqual({
    cases: 0,
    notices: 0,
    files: 0,
    draftFiles: 0,
    indexed: 1,
    auditEvents: 0,
  });
  expect((await byId(legacy)).reporterIndex).toBe(reporterIndexOf(app.rt.hash, 'telegram', '806'));

  expect((await eraser.erase('telegram', '806')).cases).toBe(1);
  const c = await byId(legacy);
  expect([c.replyTo, c.contactEnc, c.reporterIndex]).toEqual([undefined, undefined, undefined]);
  // Erased, it is not indexed again: it has no chat to index by.
  const again = await queue.add('purge', {});
  expect(await again.waitUntilFinished(events, 20_000)).toEqual({
    cases: 0,
    notices: 0,
    files: 0,
    draftFiles: 0,
    indexed: 0,
    auditEvents: 0,
  });
});

it('deletes, on the daily run, files kept for drafts never sent once the draft has lived its time, and no other file', async () => {
  const { evidence, store } = app.rt;
  const files = app.rt.db.collection<{ _id: string; storedAt: Date }>('evidence');
  const put = async (id: string, daysAgo: number) => {
    await evidence.put(id, 'photo', 'image/jpeg', Buffer.from(`photo ${id}`));
    await files.updateOne({ _id: id }, { $set: { storedAt: new Date(Date.now() - daysAgo * DAY) } });
  };
  // A draft given up three days ago (expired, erased), and one given up just now (its draft may still be open).
  await put('ev-draft-abandoned', 3);
  await put('ev-draft-fresh', 0);
  // An open case stored long ago names its photo; a relayed answer to an officer names another.
  const kept = await seedCase(7, { submittedDaysAgo: 30 });
  await files.updateOne({ _id: `ev-${kept}` }, { $set: { storedAt: new Date(Date.now() - 30 * DAY) } });
  await put('ev-answer', 3);
  await store.notices.ensure({
    noticeId: `n.${kept}.a.2`,
    caseId: kept,
    channel: 'telegram',
    chatId: '100000001',
    officerId: 'cskv-sg-01',
    parts: [{ text: 'Người báo gửi ảnh' }, { text: 'Ảnh', attachments: [{ kind: 'photo', ref: evidenceRef('ev-answer') }] }],
  });

  // The worker role's daily run, with the draft lifetime of its settings (30 min idle + a day).
  const job = await queue.add('purge', {});
  expect(await job.waitUntilFinished(events, 20_000)).toMatchObject({ draftFiles: 1 });
  expect(await evidence.read('ev-draft-abandoned')).toBeNull();
  expect(await app.rt.db.collection('evidence_chunks').countDocuments({ evidenceId: 'ev-draft-abandoned' })).toBe(0);
  for (const id of ['ev-draft-fresh', `ev-${kept}`, 'ev-answer']) expect(await evidence.read(id)).not.toBeNull();

  // Read a batch at a time, in id order: the same with a batch of one.
  await put('ev-draft-a', 2);
  await put('ev-draft-b', 2);
  const report = await purgeClosedCases({
    store,
    log: app.rt.log,
    closedCaseMs: 180 * DAY,
    evidence,
    draftLifetimeMs: DAY + 30 * 60_000,
    batch: 1,
  });
  expect(report.draftFiles).toBe(2);
  for (const id of ['ev-draft-fresh', `ev-${kept}`, 'ev-answer']) expect(await evidence.read(id)).not.toBeNull();

  // A case sent four days ago still waits on the cases queue (the worker was down): its files are
  // named by no stored case yet, and stay until it is stored.
  await put('ev-queued-case', 5);
  const waiting = await purgeClosedCases({
    store,
    log: app.rt.log,
    closedCaseMs: 180 * DAY,
    evidence,
    draftLifetimeMs: DAY + 30 * 60_000,
    oldestQueuedCase: async () => new Date(Date.now() - 4 * DAY),
  });
  expect(waiting.draftFiles).toBe(0);
  expect(await evidence.read('ev-queued-case')).not.toBeNull();
  // Once it is stored (the queue empty), the same file, still named by nothing, goes.
  const after = await purgeClosedCases({ store, log: app.rt.log, closedCaseMs: 180 * DAY, evidence, draftLifetimeMs: DAY + 30 * 60_000 });
  expect(after.draftFiles).toBe(1);
});
