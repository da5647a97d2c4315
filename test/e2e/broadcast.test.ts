import { QueueBroadcastDesk } from '../../src/features/broadcast/adapters/broadcast-desk';
import { BROADCASTS_QUEUE, BroadcastQueue } from '../../src/features/broadcast/adapters/broadcast-queue';
import { BroadcastFence } from '../../src/features/broadcast/adapters/broadcast-fence';
import { createTranslator } from '../../src/i18n/translator';
import { Queue } from 'bullmq';
import { startApp, type AppHarness } from '../support/app-harness';
import { addGroups, buttonPairs, buttonWith, eventually, received } from '../support/broadcast-helpers';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * Broadcasts end to end: the real telegraf bot and worker, real Redis, BullMQ and the database,
 * and a local Telegram Bot API. Officers, supervisors and group admins write or pick an advisory
 * in a private chat, preview it, send or schedule it; each group gets it once; the sender gets a
 * report. Residents cannot broadcast, and nobody reaches a group outside what they may reach.
 */
describe('broadcasts on Telegram', () => {
  const t = createTranslator();
  let emu: TelegramEmulator;
  let app: AppHarness;
  let desk: QueueBroadcastDesk;
  let queue: BroadcastQueue;
  const OFFICER_1 = 100000001; // cskv-sg-01: kp1-to3, kp1-to4
  const OFFICER_2 = 100000002; // cskv-sg-02: kp2-to1
  const SEED_GROUP = '-1001000000004'; // kp1-to4, from the seed
  let kp13: string[];
  let kp21: string[];

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_GROUP_PER_MINUTE: '6000',
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      FLOOD_MESSAGES_PER_10S: '1000',
    });
    await emu.waitForCall('getUpdates');
    kp13 = await addGroups(app.rt, -1002000000001, 6, 'kp1-to3', 'Tổ 3 – dãy');
    kp21 = await addGroups(app.rt, -1003000000001, 4, 'kp2-to1', 'KP2 Tổ 1 – hẻm');
    queue = new BroadcastQueue(app.rt.queueRedis, { attempts: 5, backoffMs: 100 });
    desk = new QueueBroadcastDesk(app.rt.store, queue, new BroadcastFence(app.rt.redis));
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await emu?.stop();
  });

  /** One reader per chat for the whole file, so each test reads on from where the last stopped. */
  const readers = new Map<number, ReturnType<typeof chatReader>>();
  const reader = (userId: number) => readers.get(userId) ?? readers.set(userId, chatReader(emu, userId)).get(userId)!;

  /** Opens /thongbao in a private chat and returns the audience question. */
  async function openBroadcast(userId: number) {
    const chat = reader(userId);
    const user = emu.user(userId);
    user.sendText(userId, '/thongbao');
    const audience = await chat.question(t('vi', 'broadcast.pickAudience'));
    return { chat, user, audience };
  }

  it('an officer sends a ready advisory to every group of their areas: each gets it once, as previewed, and the officer gets a report', async () => {
    const { chat, user, audience } = await openBroadcast(OFFICER_1);
    const labels = buttonPairs(audience).map(([label]) => label);
    expect(labels[0]).toBe(t('vi', 'broadcast.audience.all', { count: 7 }));
    expect(labels).toContain(t('vi', 'broadcast.audience.area', { name: 'Khu phố 1 – Tổ dân phố 3', count: 6 }));
    expect(labels.some((l) => l.includes('KP2'))).toBe(false);

    user.pressButton(audience, buttonWith(audience, t('vi', 'broadcast.audience.all', { count: 7 })));
    const content = await chat.question(t('vi', 'broadcast.pickContent'));
    expect(buttonPairs(content).map(([, id]) => id)).toEqual(
      expect.arrayContaining([
        'bc:lib:scam',
        'bc:lib:fire',
        'bc:lib:holiday_theft',
        'bc:lib:drugs',
        'bc:lib:vneid',
        'bc:lib:residence',
        'bc:lib:traffic',
        'bc:write',
      ]),
    );
    user.pressButton(content, 'bc:lib:scam');
    await chat.next((m) => (m.text ?? '').startsWith('👀'));
    const preview = await chat.next();
    expect(preview.text).toContain('CẢNH GIÁC LỪA ĐẢO');
    expect(preview.text!.split('\n')[0]).toBe(t('vi', 'broadcast.header.officer', { name: 'Thiếu úy Trần Minh Khoa' }));
    expect(preview.parse_mode).toBeUndefined();
    const confirm = await chat.question(t('vi', 'broadcast.confirm'));
    user.pressButton(confirm, 'bc:send');
    await chat.next((m) => (m.text ?? '') === t('vi', 'broadcast.sending', { count: 7 }));

    const report = await chat.next((m) => (m.text ?? '').startsWith('📊'), 20_000);
    expect(report.text).toContain(t('vi', 'broadcast.report.counts', { sent: 7, failed: 0, skipped: 0 }));
    for (const group of [...kp13, SEED_GROUP]) {
      const got = received(emu, group, 'CẢNH GIÁC LỪA ĐẢO');
      expect(got).toHaveLength(1);
      expect(got[0].text).toBe(preview.text);
    }
    for (const group of kp21) expect(emu.sent(group)).toHaveLength(0);

    // The report is sent first and recorded after, so a crash in between repeats it rather than losing it.
    await eventually(
      'the broadcast is recorded as done',
      async () => (await app.rt.store.broadcasts.bySender('telegram', String(OFFICER_1), ['done'])).length === 1,
    );
    const [stored] = await app.rt.store.broadcasts.bySender('telegram', String(OFFICER_1), ['done']);
    expect(stored).toMatchObject({
      status: 'done',
      advisoryId: 'scam',
      result: { delivered: 7, failed: 0, skipped: 0 },
      sender: { role: 'officer', officerId: 'cskv-sg-01' },
    });
    expect(stored.targets).toHaveLength(7);
    // The first broadcast of this app, as /metrics counts it (src/metrics).
    expect((await app.rt.metrics.broadcasts.get()).values[0]?.value).toBe(1);
    const deliveries = (await app.rt.metrics.broadcastDeliveries.get()).values;
    expect(deliveries.find((v) => v.labels.status === 'sent')?.value).toBe(7);
  });

  it('an officer is offered only their own areas’ groups, and what they may reach is checked again when they confirm', async () => {
    const { chat, user, audience } = await openBroadcast(OFFICER_2);
    const labels = buttonPairs(audience).map(([label]) => label);
    expect(labels).toEqual([
      t('vi', 'broadcast.audience.all', { count: 4 }),
      ...kp21.map((_, i) => `👥 KP2 Tổ 1 – hẻm ${i + 1}`),
      t('vi', 'nav.cancel'),
    ]);
    // A button made up by hand ("the 99th group") is refused, not guessed.
    emu.pushUpdate({
      callback_query: {
        id: 'forged-1',
        from: { id: OFFICER_2, is_bot: false, first_name: 'x' },
        message: { message_id: audience.message_id, chat: { id: OFFICER_2, type: 'private' }, date: 0 },
        chat_instance: '1',
        data: 'bc:aud:99',
      },
    });
    await chat.next((m) => (m.text ?? '') === t('vi', 'flow.staleButton'));

    const pick = await chat.question(t('vi', 'broadcast.pickAudience'));
    user.pressButton(pick, buttonWith(pick, 'KP2 Tổ 1 – hẻm 1'));
    user.pressButton(await chat.question(t('vi', 'broadcast.pickContent')), 'bc:write');
    await chat.question(t('vi', 'broadcast.compose', { max: 3000 }).slice(0, 30));
    user.sendText(OFFICER_2, 'Tối nay 19h họp tổ tại nhà văn hóa khu phố 2, mời bà con đến đông đủ.');
    const confirm = await chat.question(t('vi', 'broadcast.confirm'));

    // Meanwhile the officer is moved to another area: the confirmed broadcast must not go out.
    const officer = (await app.rt.store.officers.byId('cskv-sg-02'))!;
    await app.rt.store.officers.upsert({ ...officer, areaCodes: ['kp1-to4'] });
    try {
      user.pressButton(confirm, 'bc:send');
      await chat.next((m) => (m.text ?? '') === t('vi', 'broadcast.noGroups'));
      expect(await app.rt.store.broadcasts.bySender('telegram', String(OFFICER_2), ['queued', 'sending', 'done'])).toEqual([]);
      expect(received(emu, kp21[0], 'họp tổ')).toHaveLength(0);
    } finally {
      await app.rt.store.officers.upsert(officer);
    }
  });

  it('a resident cannot broadcast; a group admin can, to their own group only, with a photo; a demoted admin no longer can', async () => {
    const resident = emu.user(700);
    const residentChat = reader(700);
    resident.sendText(700, '/thongbao');
    await residentChat.next((m) => (m.text ?? '') === t('vi', 'broadcast.notAllowed'));
    const group = kp13[0];
    const groupChat = chatReader(emu, group);
    resident.sendText(Number(group), '/thongbao');
    await groupChat.next((m) => (m.text ?? '') === t('vi', 'broadcast.group.notAdmin'));

    emu.setAdmins(group, [800]);
    const head = emu.user(800, { firstName: 'Tổ trưởng' });
    head.sendText(Number(group), '/thongbao');
    await groupChat.next((m) => (m.text ?? '') === t('vi', 'broadcast.group.admin'));

    const { chat, audience } = await openBroadcast(800);
    expect(buttonPairs(audience).map(([label]) => label)).toEqual(['👥 Tổ 3 – dãy 1', t('vi', 'nav.cancel')]);
    head.pressButton(audience, buttonWith(audience, 'Tổ 3 – dãy 1'));
    head.pressButton(await chat.question(t('vi', 'broadcast.pickContent')), 'bc:write');
    await chat.question(t('vi', 'broadcast.compose', { max: 3000 }).slice(0, 30));
    head.sendPhoto(
      800,
      'AgACAgUAAxkBAAIC-lost-dog',
      'Tìm chó lạc: chó vàng, đeo vòng đỏ, lạc gần chợ sáng nay. Ai thấy báo giúp tổ trưởng.',
    );
    const preview = await chat.next((m) => m.method === 'sendPhoto');
    expect(preview.caption!.split('\n')[0]).toBe(t('vi', 'broadcast.header.group-admin'));
    head.pressButton(await chat.question(t('vi', 'broadcast.confirm')), 'bc:send');
    await chat.next((m) => (m.text ?? '').startsWith('📊'));
    const posted = emu.sent(group).filter((m) => m.method === 'sendPhoto');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ photo: 'AgACAgUAAxkBAAIC-lost-dog', caption: preview.caption });
    for (const other of [...kp13.slice(1), ...kp21]) expect(received(emu, other, 'chó lạc')).toHaveLength(0);

    emu.setAdmins(group, []);
    head.sendText(800, '/thongbao');
    await chat.next((m) => (m.text ?? '') === t('vi', 'broadcast.notAllowed'));
  });

  it('schedules from a typed date and time, lists it and cancels it; the cancelled job is gone', async () => {
    const { chat, user, audience } = await openBroadcast(OFFICER_1);
    user.pressButton(audience, buttonWith(audience, 'Khu phố 1 – Tổ dân phố 3'));
    user.pressButton(await chat.question(t('vi', 'broadcast.pickContent')), 'bc:lib:fire');
    user.pressButton(await chat.question(t('vi', 'broadcast.confirm')), 'bc:when');
    await chat.question(t('vi', 'broadcast.askWhen'));
    user.sendText(OFFICER_1, 'hôm qua 8h');
    await chat.next((m) => (m.text ?? '') === t('vi', 'broadcast.when.format'));
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000 + 7 * 3_600_000);
    const typed = `${inThreeDays.getUTCDate()}/${inThreeDays.getUTCMonth() + 1} 19:30`;
    user.sendText(OFFICER_1, typed);
    const ok = await chat.next((m) => (m.text ?? '').startsWith('🗓'));
    expect(ok.text).toContain('19:30');
    expect(ok.text).toContain('6 nhóm');

    const [scheduled] = await app.rt.store.broadcasts.bySender('telegram', String(OFFICER_1), ['scheduled']);
    expect(scheduled.scheduledFor).toBeDefined();
    const jobs = new Queue(BROADCASTS_QUEUE, { connection: app.rt.queueRedis });
    try {
      expect(await (await jobs.getJob(scheduled.broadcastId))?.getState()).toBe('delayed');
      const { audience: again } = await openBroadcast(OFFICER_1);
      user.pressButton(again, buttonWith(again, t('vi', 'broadcast.listScheduled', { count: 1 })));
      const list = await chat.next((m) => (m.text ?? '').startsWith(t('vi', 'broadcast.scheduledTitle')));
      expect(list.text).toContain('PHÒNG CHÁY');
      const pickToCancel = await chat.question(t('vi', 'broadcast.pickToCancel'));
      user.pressButton(pickToCancel, `bc:x:${scheduled.broadcastId}`);
      await chat.next((m) => (m.text ?? '') === t('vi', 'broadcast.cancel.cancelled'));
      expect((await app.rt.store.broadcasts.byId(scheduled.broadcastId))?.status).toBe('cancelled');
      expect(await jobs.getJob(scheduled.broadcastId)).toBeUndefined();
    } finally {
      await jobs.close();
    }
  });

  it('a scheduled broadcast fires at its time; one cancelled before its time never does', async () => {
    const sender = {
      channel: 'telegram' as const,
      userId: String(OFFICER_1),
      chatId: String(OFFICER_1),
      role: 'officer' as const,
      officerId: 'cskv-sg-01',
      lang: 'vi' as const,
    };
    const soon = new Date(Date.now() + 1500);
    const target = (chatId: string) => ({ channel: 'telegram' as const, chatId, title: chatId });
    await desk.submit({
      broadcastId: 'sched-fires-01',
      sender,
      audienceLabel: 'A',
      targets: [target(kp13[1])],
      text: 'Hẹn giờ: sẽ được gửi',
      scheduledFor: soon,
    });
    await desk.submit({
      broadcastId: 'sched-cancel-01',
      sender,
      audienceLabel: 'B',
      targets: [target(kp13[2])],
      text: 'Hẹn giờ: đã hủy',
      scheduledFor: soon,
    });
    expect(await desk.cancel({ channel: 'telegram', userId: '999' }, 'sched-cancel-01')).toBe('not-found');
    expect(await desk.cancel({ channel: 'telegram', userId: String(OFFICER_1) }, 'sched-cancel-01')).toBe('cancelled');

    await eventually('the scheduled broadcast arrives', () => received(emu, kp13[1], 'sẽ được gửi').length === 1);
    expect(received(emu, kp13[1], 'sẽ được gửi')[0].at).toBeGreaterThanOrEqual(soon.getTime());
    await eventually('its report is stored', async () => (await app.rt.store.broadcasts.byId('sched-fires-01'))?.status === 'done');
    expect(await desk.cancel({ channel: 'telegram', userId: String(OFFICER_1) }, 'sched-fires-01')).toBe('too-late');
    // Resubmitting the cancelled one (a second press of Send) does not bring it back.
    await desk.submit({
      broadcastId: 'sched-cancel-01',
      sender,
      audienceLabel: 'B',
      targets: [target(kp13[2])],
      text: 'Hẹn giờ: đã hủy',
      scheduledFor: soon,
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(received(emu, kp13[2], 'đã hủy')).toHaveLength(0);
    expect((await app.rt.store.broadcasts.byId('sched-cancel-01'))?.status).toBe('cancelled');
  });

  it('a scheduled broadcast is re-checked when it fires: groups its sender may no longer reach are skipped, and the report says so', async () => {
    const soon = () => new Date(Date.now() + 1200);
    const target = (chatId: string) => ({ channel: 'telegram' as const, chatId, title: chatId });
    // A group admin of two groups when scheduling, removed as admin of one before it fires.
    const HEAD = 802;
    emu.setAdmins(kp13[3], [HEAD]);
    emu.setAdmins(kp13[4], [HEAD]);
    const head = {
      channel: 'telegram' as const,
      userId: String(HEAD),
      chatId: String(HEAD),
      role: 'group-admin' as const,
      lang: 'vi' as const,
    };
    await desk.submit({
      broadcastId: 'sched-recheck-admin',
      sender: head,
      audienceLabel: 'Hai tổ',
      targets: [target(kp13[3]), target(kp13[4])],
      text: 'Họp tổ tối nay lúc 19 giờ',
      scheduledFor: soon(),
    });
    emu.setAdmins(kp13[4], []);
    // An officer whose broadcast names a group outside their areas (moved to another area since).
    const officer = {
      channel: 'telegram' as const,
      userId: String(OFFICER_2),
      chatId: String(OFFICER_2),
      role: 'officer' as const,
      officerId: 'cskv-sg-02',
      lang: 'vi' as const,
    };
    await desk.submit({
      broadcastId: 'sched-recheck-officer',
      sender: officer,
      audienceLabel: 'Cũ',
      targets: [target(kp21[0]), target(kp13[5])],
      text: 'Kiểm tra bình chữa cháy',
      scheduledFor: soon(),
    });

    const notPermitted = t('vi', 'broadcast.report.notPermitted', { count: 1 });
    const report = await reader(HEAD).next((m) => (m.text ?? '').startsWith('📊'), 20_000);
    expect(report.text).toContain(t('vi', 'broadcast.report.counts', { sent: 1, failed: 0, skipped: 1 }));
    expect(report.text).toContain(notPermitted);
    expect(received(emu, kp13[3], 'Họp tổ tối nay')).toHaveLength(1);
    expect(received(emu, kp13[4], 'Họp tổ tối nay')).toHaveLength(0);

    const officerReport = await reader(OFFICER_2).next((m) => (m.text ?? '').includes('“Cũ”'), 20_000);
    expect(officerReport.text).toContain(t('vi', 'broadcast.report.counts', { sent: 1, failed: 0, skipped: 1 }));
    expect(officerReport.text).toContain(notPermitted);
    expect(received(emu, kp21[0], 'Kiểm tra bình chữa cháy')).toHaveLength(1);
    expect(received(emu, kp13[5], 'Kiểm tra bình chữa cháy')).toHaveLength(0);
  });

  it('a group that removed the bot is marked inactive, named in the report and not retried', async () => {
    const gone = kp21[3];
    emu.blockBot(gone);
    const { chat, user, audience } = await openBroadcast(OFFICER_2);
    user.pressButton(audience, buttonWith(audience, t('vi', 'broadcast.audience.all', { count: 4 })));
    user.pressButton(await chat.question(t('vi', 'broadcast.pickContent')), 'bc:lib:traffic');
    user.pressButton(await chat.question(t('vi', 'broadcast.confirm')), 'bc:send');
    const report = await chat.next((m) => (m.text ?? '').startsWith('📊'), 20_000);
    expect(report.text).toContain(t('vi', 'broadcast.report.counts', { sent: 3, failed: 1, skipped: 0 }));
    expect(report.text).toContain(`• KP2 Tổ 1 – hẻm 4 (${t('vi', 'broadcast.report.reason.removed')})`);
    expect((await app.rt.store.groups.byChat('telegram', gone))?.active).toBe(false);
    expect(emu.requests.filter((r) => r.method === 'sendMessage' && String(r.params.chat_id) === gone)).toHaveLength(1);
    for (const g of kp21.slice(0, 3)) expect(received(emu, g, 'AN TOÀN GIAO THÔNG')).toHaveLength(1);

    // Added back, the group is active again and reachable.
    emu.unblockBot(gone);
    emu.user(901).addBotToGroup(Number(gone), 'KP2 Tổ 1 – hẻm 4');
    await emu.waitFor((m) => m.chat_id === gone && (m.text ?? '').includes(t('vi', 'group.welcome').slice(0, 20)));
    expect((await app.rt.store.groups.byChat('telegram', gone))?.active).toBe(true);
    const again = (await openBroadcast(OFFICER_2)).audience;
    expect(buttonPairs(again)[0][0]).toBe(t('vi', 'broadcast.audience.all', { count: 4 }));
    emu.user(OFFICER_2).pressButton(again, 'bc:cancel');
    await reader(OFFICER_2).next((m) => (m.text ?? '') === t('vi', 'broadcast.cancelled'));
  });

  it('never logs what was broadcast, names or chat ids', () => {
    const logs = app.logs.join('\n');
    // The removed group is logged by its delivery id and the reason, nothing more.
    expect(logs).toMatch(/"deliveryId":"[^"]+","reason":"RecipientUnavailableError","msg":"broadcast.gave_up"/);
    for (const secret of [
      'CẢNH GIÁC',
      'chó lạc',
      'họp tổ',
      'Trần Minh Khoa',
      String(OFFICER_1),
      ...kp13,
      ...kp21,
      'AgACAgUAAxkBAAIC-lost-dog',
    ])
      expect(logs).not.toContain(secret);
  });
});
