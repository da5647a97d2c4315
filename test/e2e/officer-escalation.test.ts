import { Queue, QueueEvents } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { ESCALATIONS_QUEUE, escalationJobId } from '../../src/features/officer-desk/adapters/escalations';
import { startApp, type AppHarness } from '../support/app-harness';
import { buttons, chatReader } from '../support/telegram-chat';
import { TelegramEmulator, type SentMessage } from '../support/telegram-emulator';

/**
 * Escalation and hotspots end to end, with the escalation delay for urgent categories cut to
 * 300 ms (ESCALATE_URGENT_MINUTES=0.005): real delayed BullMQ jobs, the real worker and the
 * Telegram emulator. Absence is proven from the queue and the database, not by waiting.
 */
describe('escalation and hotspots', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  let escalations: Queue;
  let events: QueueEvents;
  let eventsRedis: ReturnType<AppHarness['rt']['queueRedis']['duplicate']>;
  const OFFICER = 100000001;
  const SUPERVISOR = 100000003;
  const PROVINCE = 100000009;
  const text = (m: SentMessage) => m.text ?? '';
  /** What /metrics says of one series (src/metrics), read from this app's registry. */
  const metric = async (name: 'escalations' | 'hotspots', labels: Record<string, string> = {}) =>
    (await app.rt.metrics[name].get()).values.find((v) =>
      Object.entries(labels).every(([k, l]) => (v.labels as Record<string, string | number | undefined>)[k] === l),
    )?.value ?? 0;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      FLOOD_MESSAGES_PER_10S: '200',
      ESCALATE_URGENT_MINUTES: '0.005',
      ESCALATE_NORMAL_MINUTES: '30',
      HOTSPOT_THRESHOLD: '3',
      HOTSPOT_WINDOW_DAYS: '7',
    });
    await emu.waitForCall('getUpdates');
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
    escalations = new Queue(ESCALATIONS_QUEUE, { connection: app.rt.queueRedis });
    eventsRedis = app.rt.queueRedis.duplicate();
    events = new QueueEvents(ESCALATIONS_QUEUE, { connection: eventsRedis });
    await events.waitUntilReady();
    // The city's police director, one level above the ward's chief.
    await app.rt.store.officers.upsert({
      officerId: 'gd-ca-tp',
      name: 'Đại tá Nguyễn Văn Bình',
      role: 'supervisor',
      areaCodes: ['tp-hcm'],
      chats: [{ channel: 'telegram', chatId: String(PROVINCE) }],
      lang: 'vi',
      active: true,
    });
  });

  afterAll(async () => {
    await events?.close();
    eventsRedis?.disconnect();
    await escalations?.close();
    await intake?.close();
    await app?.close();
    await emu?.stop();
  });

  async function submit(resident: number, over: Partial<CaseSubmission> = {}) {
    const sub: CaseSubmission = {
      caseId: newCaseId(),
      refCode: await intake.nextReferenceCode('tip', new Date()),
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Mất trộm xe đạp', where: 'Hẻm 12', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal(String(resident)) },
      lang: 'vi',
      joinCode: 'KP1TO3',
      submittedAt: new Date().toISOString(),
      ...over,
    };
    await intake.submit(sub);
    const alert = await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(`TIN BÁO MỚI · ${sub.refCode}`));
    return { ...sub, alert };
  }

  /** The value `read` gives once it is `want`, or after 2 s whatever it is. */
  async function settled(read: () => Promise<number>, want: number): Promise<number> {
    for (let i = 0; i < 100 && (await read()) !== want; i++) await new Promise((r) => setTimeout(r, 20));
    return read();
  }

  /** Resolves once the intake worker has finished with the case, hotspot check included (it logs `case.stored` last). */
  async function stored(caseId: string): Promise<void> {
    for (;;) {
      if (app.logs.some((l) => l.includes('case.stored') && l.includes(`"caseId":"${caseId}"`))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('sends a case nobody acknowledged to the ward chief, then one level up; acknowledging ends it', async () => {
    const c = await submit(701);
    const ward = await chatReader(emu, SUPERVISOR).next((m) => text(m).includes(`CHUYỂN CẤP 1 · ${c.refCode}`));
    expect(text(ward)).toContain('chưa được tiếp nhận sau');
    expect(text(ward)).toContain('Khu phố 1 – Tổ dân phố 3');
    expect(buttons(ward)[0]).toBe(`case:ack:${c.caseId}`);
    // The chief also gets the full alert, with what happened and where.
    await emu.waitFor(
      (m) => m.chat_id === String(SUPERVISOR) && text(m).includes(`TIN BÁO MỚI · ${c.refCode}`) && text(m).includes('Mất trộm xe đạp'),
    );

    const city = await chatReader(emu, PROVINCE).next((m) => text(m).includes(`CHUYỂN CẤP 2 · ${c.refCode}`));
    const escalated = (await app.rt.store.cases.byCaseId(c.caseId))!;
    expect(escalated.history.filter((h) => h.action === 'escalated').map((h) => h.note)).toEqual([
      'level 1: truong-ca-sg',
      'level 2: gd-ca-tp',
    ]);
    expect(escalated.recipients).toEqual(['cskv-sg-01', 'truong-ca-sg', 'gd-ca-tp']);

    emu.user(PROVINCE).pressButton(city, `case:ack:${c.caseId}`);
    await chatReader(emu, PROVINCE).next((m) => text(m).includes(`Đã tiếp nhận ${c.refCode}`));
    await chatReader(emu, 701).next((m) => text(m).includes(`Tin báo ${c.refCode} của bạn đã được cán bộ công an khu vực tiếp nhận`));
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'gd-ca-tp' });
    // Nothing above the city: no third level was set.
    expect(await escalations.getJob(escalationJobId(c.caseId, 3))).toBeUndefined();
    // Counted as the escalation job returns, which can be a moment after its messages went out.
    expect(await settled(() => metric('escalations', { level: '2', outcome: 'escalated' }), 1)).toBe(1);
    expect(await metric('escalations', { level: '1', outcome: 'escalated' })).toBe(1);
    expect((await app.rt.metrics.acknowledgeLatency.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('does not escalate an acknowledged case: its timer is removed, and a timer that fires anyway does nothing', async () => {
    const c = await submit(702, { category: 'other' });
    await stored(c.caseId);
    const timer = await escalations.getJob(escalationJobId(c.caseId, 1));
    expect(await timer?.getState()).toBe('delayed');
    expect(timer!.opts.delay).toBe(30 * 60_000);

    emu.user(OFFICER).pressButton(c.alert, `case:ack:${c.caseId}`);
    await chatReader(emu, OFFICER).next((m) => text(m).includes(`Đã tiếp nhận ${c.refCode}`));
    expect(await escalations.getJob(escalationJobId(c.caseId, 1))).toBeUndefined();

    // As if removing the timer had failed: the job fires, finds the case taken, and stops.
    const late = await escalations.add('escalate', { caseId: c.caseId, level: 1 }, { jobId: escalationJobId(c.caseId, 1) });
    expect(await late.waitUntilFinished(events, 10_000)).toBe('acknowledged');
    expect((await app.rt.store.notices.forCase(c.caseId)).map((n) => n.noticeId).filter((id) => id.includes('.esc.'))).toEqual([]);
    expect((await app.rt.store.cases.byCaseId(c.caseId))!.history.map((h) => h.action)).toEqual(['submitted', 'acknowledged']);
    expect(emu.sent(SUPERVISOR).filter((m) => text(m).includes(c.refCode))).toEqual([]);
  });

  it('alerts the ward chief once when a category passes the hotspot threshold in an area within the window', async () => {
    const group = await app.rt.store.groups.byChat('telegram', '-1001000000004');
    const inKp4 = { joinCode: group!.joinCode, category: 'gambling' };
    const made: Awaited<ReturnType<typeof submit>>[] = [];
    for (let i = 0; i < 3; i++) made.push(await submit(710 + i, inKp4));
    const hot = await chatReader(emu, SUPERVISOR).next((m) => text(m).includes('ĐIỂM NÓNG'));
    expect(text(hot)).toContain('🔥 ĐIỂM NÓNG: 3 vụ “Cờ bạc” tại Khu phố 1 – Tổ dân phố 4 (kp1-to4) trong 7 ngày qua:');
    for (const c of made) expect(text(hot)).toContain(c.refCode);
    for (const c of made) await stored(c.caseId);
    expect(await app.rt.redis.pttl('hotspot:kp1-to4:tip:gambling')).toBeGreaterThan(6 * 86_400_000);

    // A fourth in the same window: the same hotspot, no second alert.
    const fourth = await submit(713, inKp4);
    await stored(fourth.caseId);
    expect((await app.rt.store.notices.forCase(fourth.caseId)).filter((n) => n.noticeId.includes('.hot'))).toEqual([]);
    expect((await app.rt.store.notices.forCase(made[2].caseId)).filter((n) => n.noticeId.includes('.hot')).map((n) => n.status)).toEqual([
      'sent',
    ]);
    expect(emu.sent(SUPERVISOR).filter((m) => text(m).includes('ĐIỂM NÓNG'))).toHaveLength(1);
    expect(await metric('hotspots')).toBe(1);
    // Other categories in the area are counted on their own.
    await submit(714, { joinCode: group!.joinCode, category: 'fraud' });
    expect(emu.sent(SUPERVISOR).filter((m) => text(m).includes('ĐIỂM NÓNG'))).toHaveLength(1);
    expect(await metric('hotspots')).toBe(1);
  });
});
