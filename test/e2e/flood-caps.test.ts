import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { outboxQueueName } from '../../src/outbox/jobs';
import { NO_GROUP_ALERT_PRIORITY } from '../../src/outbox/producer';
import type { AppHarness } from '../support/app-harness';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * Flood caps per area and per recipient (issue 14, point 11), against the real worker, Redis, the
 * database and the Telegram emulator: with at most 2 cases of one area and 3 alerts to one officer
 * an hour, five cases in the officer's two areas give three alerts one by one and a digest of the
 * other two (none dropped, each case once), counted in tnd_alerts_batched_total; an alert about a
 * case with no group waits at a lower priority.
 */
const OFFICER = '100000001';
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;
let intake: QueueCaseIntake;

beforeAll(async () => {
  // Caps count in clock-hour windows: do not start seconds before one ends.
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 30_000) await new Promise((r) => setTimeout(r, left + 1000));
  ({ emu, app, stop } = await startTelegramApp({ CASES_PER_AREA_PER_HOUR: '2', ALERTS_PER_OFFICER_PER_HOUR: '3' }));
  intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
}, 60_000);

afterAll(async () => {
  await intake?.close();
  await stop?.();
});

async function submit(joinCode: string | undefined, n: number): Promise<{ caseId: string; refCode: string }> {
  const caseId = newCaseId();
  const refCode = await intake.nextReferenceCode('tip', new Date());
  await intake.submit({
    caseId,
    refCode,
    kind: 'tip',
    category: 'theft',
    fields: { what: `Mất xe máy lần ${n}`, where: 'Hẻm 45 Lê Lợi', when: 'today' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal(String(880 + n)) },
    lang: 'vi',
    ...(joinCode ? { joinCode } : {}),
    submittedAt: new Date().toISOString(),
  });
  return { caseId, refCode };
}

async function settled(caseIds: string[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const all = (await Promise.all(caseIds.map((id) => app.rt.store.notifications.forCase(id)))).flat();
    if (all.length >= caseIds.length && all.every((n) => n.status !== 'pending')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('alerts did not settle');
}

/** Every alert of these cases sent (the digest marks them once all its messages are out). */
async function allSent(caseIds: string[]): Promise<void> {
  const statuses = async () => (await Promise.all(caseIds.map((id) => app.rt.store.notifications.forCase(id)))).flat().map((n) => n.status);
  for (let i = 0; i < 100 && !(await statuses()).every((s) => s === 'sent'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(new Set(await statuses())).toEqual(new Set(['sent']));
}

it('sends the first alerts of an area and of an officer one by one, the rest in one digest at the end of the hour', async () => {
  const kp14 = (await app.rt.store.groups.byChat('telegram', '-1001000000004'))!.joinCode;
  const cases: { caseId: string; refCode: string }[] = [];
  for (let n = 1; n <= 3; n++) cases.push(await submit('KP1TO3', n));
  for (let n = 4; n <= 5; n++) cases.push(await submit(kp14, n));
  await settled(cases.map((c) => c.caseId));

  const notes = (await Promise.all(cases.map((c) => app.rt.store.notifications.forCase(c.caseId)))).flat();
  expect(notes.every((n) => n.recipientId === 'cskv-sg-01')).toBe(true);
  expect(notes.filter((n) => n.status === 'sent')).toHaveLength(3);
  const held = notes.filter((n) => n.status === 'batched');
  expect(held).toHaveLength(2);
  const alerted = (code: string) => emu.sent(OFFICER).filter((m) => text(m).includes(`TIN BÁO MỚI · ${code}`));
  expect(cases.filter((c) => alerted(c.refCode).length === 1)).toHaveLength(3);
  const metric = await app.rt.metrics.registry.getSingleMetricAsString('tnd_alerts_batched_total');
  expect(metric).toContain('tnd_alerts_batched_total{reason="area"} 1');
  expect(metric).toContain('tnd_alerts_batched_total{reason="officer"} 1');

  // The digest waits, delayed, for the end of the hour; here it is brought forward.
  const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
  const [digest] = (await outbox.getDelayed()).filter((j) => j.name === 'digest');
  expect(digest.id).toBe(`digest.cskv-sg-01.telegram.${Math.floor(Date.now() / 3_600_000)}`);
  expect(digest.data).toEqual({ officerId: 'cskv-sg-01' });
  await digest.promote();
  const sent = await emu.waitFor((m) => m.chat_id === OFFICER && text(m).includes('TỔNG HỢP'));
  const heldCodes = cases.filter((c) => held.some((n) => n.caseId === c.caseId)).map((c) => c.refCode);
  for (const code of heldCodes) expect(text(sent)).toContain(code);
  expect(text(sent)).toContain(app.rt.t('vi', 'alert.digest.title', { count: 2 }));
  expect(text(sent)).not.toContain('Mất xe máy');
  await allSent(cases.map((c) => c.caseId));
  // Every case reached the officer exactly once: alone, or in the digest.
  for (const c of cases) expect(alerted(c.refCode).length + (heldCodes.includes(c.refCode) ? 1 : 0)).toBe(1);
  await outbox.close();
});

it('sends a later digest of the same hour, in several messages when it is long', async () => {
  const more: { caseId: string; refCode: string }[] = [];
  for (let n = 10; n < 36; n++) more.push(await submit('KP1TO3', n));
  await settled(more.map((c) => c.caseId));
  for (const c of more) expect((await app.rt.store.notifications.forCase(c.caseId))[0].status).toBe('batched');
  const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
  const [digest] = (await outbox.getDelayed()).filter((j) => j.name === 'digest');
  await digest.promote();
  await emu.waitFor((m) => m.chat_id === OFFICER && text(m).includes(more[25].refCode));
  const parts = emu.sent(OFFICER).filter((m) => more.some((c) => text(m).includes(`• ${c.refCode} `)));
  expect(parts).toHaveLength(2);
  expect(text(parts[0])).toContain(app.rt.t('vi', 'alert.digest.title', { count: 26 }));
  for (const c of more) expect(parts.filter((m) => text(m).includes(`• ${c.refCode} `))).toHaveLength(1);
  await allSent(more.map((c) => c.caseId));
  await outbox.close();
}, 60_000);

it('queues the alert of a case with no group behind the groups’ alerts', async () => {
  const grouped = await submit('KP1TO3', 6);
  const loose = await submit(undefined, 7);
  await settled([grouped.caseId, loose.caseId]);
  const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
  const [looseNote] = await app.rt.store.notifications.forCase(loose.caseId);
  const [groupedNote] = await app.rt.store.notifications.forCase(grouped.caseId);
  expect((await outbox.getJob(looseNote.notificationId))!.opts.priority).toBe(NO_GROUP_ALERT_PRIORITY);
  expect((await outbox.getJob(groupedNote.notificationId))!.opts.priority ?? 0).toBe(0);
  await outbox.close();
});
