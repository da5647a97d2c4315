import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import { createTranslator } from '../../src/i18n/translator';
import { outboxQueueName } from '../../src/outbox/jobs';
import { BROADCASTS_QUEUE } from '../../src/features/broadcast/adapters/broadcast-queue';
import { durableJob } from '../../src/queues/job-options';
import { deliveryIdFor } from '../../src/store/broadcasts/delivery.schema';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { addGroups, eventually, received } from '../support/broadcast-helpers';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * Jobs queued under the names used before the outbox was one module ('send' for an alert,
 * 'broadcast' for a delivery on `outbox-<platform>`, 'report' on the `broadcasts` queue), with the
 * options the old producers gave them, while no worker runs: a worker started after the upgrade
 * sends each once, and the broadcasts' reports go out once, through the outbox.
 */
const t = createTranslator();
const OFFICER = '100000001'; // cskv-sg-01, kp1-to3

describe('outbox jobs queued before an upgrade', () => {
  let emu: TelegramEmulator;
  let bot: AppHarness | undefined;
  let worker: AppHarness | undefined;
  let outbox: Queue | undefined;
  let broadcasts: Queue | undefined;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
  });
  afterAll(async () => {
    await outbox?.close();
    await broadcasts?.close();
    await worker?.close();
    await bot?.close();
    await emu?.stop();
  });

  it("a 'send' alert, a 'broadcast' delivery and a 'report' on the broadcasts queue are each sent once", async () => {
    const env = {
      ...testSettings(),
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      TELEGRAM_GROUP_PER_MINUTE: '6000',
    };
    bot = await startApp(env, { roles: 'none' });
    const { store } = bot.rt;
    const old = (id: string) => durableJob(id, 3, 100);
    outbox = new Queue(outboxQueueName('telegram'), { connection: bot.rt.queueRedis });
    broadcasts = new Queue(BROADCASTS_QUEUE, { connection: bot.rt.queueRedis });

    // An officer's alert, as the old OutboxProducer queued it.
    const caseId = newCaseId();
    await store.cases.insertIfAbsent({
      caseId,
      refCode: 'TB-2611-0888',
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Trộm xe đạp', where: 'Hẻm 12', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: bot.rt.box.seal('7000888') },
      lang: 'vi',
      areaCode: 'kp1-to3',
      recipients: ['cskv-sg-01'],
      submittedAt: new Date(),
    });
    const n = await store.notifications.ensure({ caseId, recipientId: 'cskv-sg-01', channel: 'telegram', chatId: OFFICER });
    await outbox.add('send', { notificationId: n.notificationId }, old(n.notificationId));

    // A broadcast mid-way: one group's delivery queued by the old BroadcastOutbox.
    const sender = {
      channel: 'telegram' as const,
      userId: OFFICER,
      chatId: OFFICER,
      role: 'officer' as const,
      officerId: 'cskv-sg-01',
      lang: 'vi' as const,
    };
    const [group, skippedGroup] = await addGroups(bot.rt, -1006000000001, 2, 'kp1-to3', 'Nhóm nâng cấp');
    const sending = { sender, text: 'Thông báo xếp hàng trước khi nâng cấp', status: 'sending' as const, createdAt: new Date() };
    await store.broadcasts.insertIfAbsent({
      broadcastId: 'legacy-deliv-01',
      audienceLabel: 'Giao trước',
      targets: [{ channel: 'telegram', chatId: group, title: 'Nhóm nâng cấp 1' }],
      ...sending,
    });
    const deliveryId = deliveryIdFor('legacy-deliv-01', 'telegram', group);
    await store.broadcastDeliveries.createManyIfAbsent([
      { deliveryId, broadcastId: 'legacy-deliv-01', channel: 'telegram', chatId: group, title: 'Nhóm nâng cấp 1', status: 'pending' },
    ]);
    await outbox.add('broadcast', { broadcastDeliveryId: deliveryId }, { ...old(deliveryId), priority: 10 });

    // A broadcast whose last group was done: its report asked for on the broadcasts queue, as before.
    await store.broadcasts.insertIfAbsent({
      broadcastId: 'legacy-report-01',
      audienceLabel: 'Báo cáo trước',
      targets: [{ channel: 'telegram', chatId: skippedGroup, title: 'Nhóm nâng cấp 2' }],
      ...sending,
    });
    await store.broadcastDeliveries.createManyIfAbsent([
      {
        deliveryId: deliveryIdFor('legacy-report-01', 'telegram', skippedGroup),
        broadcastId: 'legacy-report-01',
        channel: 'telegram',
        chatId: skippedGroup,
        title: 'Nhóm nâng cấp 2',
        status: 'skipped',
        reason: 'inactive',
        finishedAt: new Date(),
      },
    ]);
    await broadcasts.add('report', { broadcastId: 'legacy-report-01' }, { ...old('legacy-report-01.report'), removeOnComplete: true });

    worker = await startApp(env, { roles: 'worker', seed: false, fresh: false });
    await eventually('the alert is sent', async () => (await store.notifications.byId(n.notificationId))?.status === 'sent');
    expect(received(emu, OFFICER, 'TB-2611-0888')).toHaveLength(1);

    await eventually(
      'both broadcasts are done',
      async () =>
        (await store.broadcasts.byId('legacy-deliv-01'))?.status === 'done' &&
        (await store.broadcasts.byId('legacy-report-01'))?.status === 'done',
    );
    expect(received(emu, group, 'xếp hàng trước khi nâng cấp')).toHaveLength(1);
    expect(await store.broadcastDeliveries.counts('legacy-deliv-01')).toEqual({ pending: 0, sent: 1, failed: 0, skipped: 0 });
    const reports = (label: string) => received(emu, OFFICER, t('vi', 'broadcast.report.title', { label }));
    expect(reports('Giao trước')).toHaveLength(1);
    expect(reports('Giao trước')[0].text).toContain(t('vi', 'broadcast.report.counts', { sent: 1, failed: 0, skipped: 0 }));
    expect(reports('Báo cáo trước')).toHaveLength(1);
    expect(reports('Báo cáo trước')[0].text).toContain(t('vi', 'broadcast.report.counts', { sent: 0, failed: 0, skipped: 1 }));
    // The report job of the new kind went on the sender's outbox and was removed once done.
    expect(await outbox.getJob('legacy-deliv-01.report')).toBeUndefined();
  });
});
