import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, type AppHarness } from '../support/app-harness';
import { tipSubmission } from '../support/submissions';
import { TelegramEmulator } from '../support/telegram-emulator';

/** Submission → job → stored case → notifications → alert, against real Redis, BullMQ and the database. */
describe('case pipeline', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  const OFFICER = '100000001';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp(
      { TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, TELEGRAM_CHAT_INTERVAL_MS: '0' },
      { roles: 'worker' },
    );
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 5, backoffMs: 100, box: app.rt.box });
  });
  afterAll(async () => {
    await intake?.close();
    await app?.close();
    await emu?.stop();
  });

  const alertsFor = (refCode: string) => emu.sent(OFFICER).filter((m) => (m.text ?? '').includes(refCode));
  async function settled(refCode: string) {
    await emu.waitFor((m) => m.chat_id === OFFICER && (m.text ?? '').includes(refCode));
    await new Promise((r) => setTimeout(r, 300));
  }

  it('stores the case, records one notification per recipient chat, and alerts the officer', async () => {
    const sub = tipSubmission(1);
    await intake.submit(sub);
    await settled(sub.refCode);
    const stored = await app.rt.store.cases.byCaseId(sub.caseId);
    expect(stored).toMatchObject({ refCode: sub.refCode, areaCode: 'kp1-to3', status: 'new', recipients: ['cskv-sg-01'] });
    const notes = await app.rt.store.notifications.forCase(sub.caseId);
    expect(notes.map((n) => [n.recipientId, n.channel, n.status, n.partsSent])).toEqual([['cskv-sg-01', 'telegram', 'sent', 1]]);
    expect(alertsFor(sub.refCode)).toHaveLength(1);
  });

  it('the same submission queued twice, and redelivered after completion, is one case and one alert', async () => {
    const sub = tipSubmission(2);
    await intake.submit(sub);
    await intake.submit(sub);
    await settled(sub.refCode);
    // A completed job is removed at once (it holds the tip's words), so a late re-add runs the intake again.
    const { Queue } = await import('bullmq');
    const q = new Queue('cases', { connection: app.rt.queueRedis });
    for (let i = 0; i < 50 && (await q.getJob(sub.caseId)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await q.getJob(sub.caseId)).toBeUndefined();
    await intake.submit(sub);
    await new Promise((r) => setTimeout(r, 800));
    await q.close();
    expect(await app.rt.store.cases.count()).toBe(2);
    expect(alertsFor(sub.refCode)).toHaveLength(1);
    expect(await app.rt.store.notifications.forCase(sub.caseId)).toHaveLength(1);
  });

  it('a case from a resident with no group reaches the ward supervisor', async () => {
    const sub = tipSubmission(3, { joinCode: undefined });
    await intake.submit(sub);
    await emu.waitFor((m) => m.chat_id === '100000003' && (m.text ?? '').includes(sub.refCode));
    expect((await app.rt.store.cases.byCaseId(sub.caseId))?.recipients).toEqual(['truong-ca-sg']);
  });

  it('rides out 429 (honouring retry_after), 500 and timeouts without losing or doubling the alert', async () => {
    emu.failNext('sendMessage', 1, { status: 429, retryAfter: 1 });
    emu.failNext('sendMessage', 1, { status: 500 });
    const sub = tipSubmission(4);
    await intake.submit(sub);
    await settled(sub.refCode);
    expect(alertsFor(sub.refCode)).toHaveLength(1);
    expect((await app.rt.store.notifications.forCase(sub.caseId))[0].status).toBe('sent');
  });

  it('a send the platform never answers fails after our time limit instead of holding a slot', async () => {
    const { Telegram } = await import('telegraf');
    const { TelegramSender } = await import('../../src/channels/telegram/telegram-sender');
    const sender = new TelegramSender(new Telegram(emu.token, { apiRoot: emu.apiRoot }), 300);
    emu.failNext('sendMessage', 1, 'timeout');
    await expect(sender.send('100000009', { text: 'một' })).rejects.toThrow();
    await sender.send('100000009', { text: 'hai' });
    expect(emu.sent('100000009').map((m) => m.text)).toEqual(['hai']);
  });

  it('gives up on an officer who blocked the bot, marking the notification failed', async () => {
    emu.blockBot(OFFICER);
    const sub = tipSubmission(5);
    await intake.submit(sub);
    for (let i = 0; i < 50; i++) {
      const [n] = await app.rt.store.notifications.forCase(sub.caseId);
      if (n?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await app.rt.store.notifications.forCase(sub.caseId))[0]).toMatchObject({ status: 'failed' });
    emu.unblockBot(OFFICER);
  });

  it('rejects a malformed job without writing anything, and keeps it for the operator', async () => {
    const { Queue } = await import('bullmq');
    const q = new Queue('cases', { connection: app.rt.queueRedis });
    await q.add('case', { caseId: 'bad', fields: { $where: 'x' } } as never, { jobId: 'bad-job', attempts: 3 });
    for (let i = 0; i < 50 && (await q.getJobState('bad-job')) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await q.getJobState('bad-job')).toBe('failed');
    await q.close();
    expect(await app.rt.store.cases.byCaseId('bad')).toBeNull();
  });
});
