import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { outboxQueueName } from '../../src/outbox/jobs';
import { loadSeed } from '../../src/store/seed';
import { startApp, type AppHarness } from '../support/app-harness';
import { OwnService } from '../support/own-services';
import { refCodeIn, TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { ZaloEmulator } from '../support/zalo-emulator';

/**
 * The operators' chat (OPERATOR_CHAT, src/ops) end to end: the real app, real Redis and database,
 * the platforms' emulators. What needs a person reaches that chat through the outbox, once: a tip
 * that reaches nobody, a job that failed for good (after all its attempts, and a second one of the
 * same cause within the window adds nothing), a database outage and its recovery (and a second
 * outage within the window adds nothing).
 */

const OPS_CHAT = '100000777';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const msgs = (logs: string[], event: string) => logs.filter((l) => (JSON.parse(l) as { msg: string }).msg === event);

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('a tip for an area with no officer', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  const RESIDENT = 7_400_101;
  const WORDS = 'Có người lạ cạy khóa cửa nhà số 9';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp(
      {
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_CHAT_INTERVAL_MS: '0',
        OPERATOR_CHAT: `telegram:${OPS_CHAT}`,
      },
      { seed: false },
    );
    // A ward with one residential group and nobody yet to receive its tips, at any level.
    await loadSeed(app.rt.store, {
      areas: [
        { code: 'phuong-moi', name: 'Phường Mới', kind: 'ward', parentCode: null },
        { code: 'kp9-to9', name: 'Khu phố 9 – Tổ 9', kind: 'residential-group', parentCode: 'phuong-moi' },
      ],
      officers: [],
      groups: [{ channel: 'telegram', chatId: '-1009000000009', title: 'Tổ tự quản Khu phố 9', areaCode: 'kp9-to9', joinCode: 'KP9TO9' }],
    });
    await emu.waitForCall('getUpdates');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it("tells the operators' chat the case's reference code and area, once, and never the tip's words", async () => {
    await new TelegramDriver(app.bot!.telegram!, 1).tip(RESIDENT, { joinCode: 'KP9TO9', what: WORDS });
    const code = refCodeIn(
      emu
        .sent(RESIDENT)
        .map((m) => m.text)
        .join('\n'),
    );
    expect(code).toMatch(/^TB-/);
    const told = await emu.waitFor((m) => m.chat_id === OPS_CHAT && (m.text ?? '').includes(code!), 20_000);
    expect(told.text).toContain(app.rt.t('vi', 'ops.title'));
    expect(told.text).toContain('Khu phố 9 – Tổ 9 (kp9-to9)');
    expect(told.text).not.toContain('cạy khóa');
    // Everything queued has gone out: one message for the one case, nothing else in that chat.
    const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
    await until(
      async () => Object.values(await outbox.getJobCounts('waiting', 'active', 'delayed')).every((n) => n === 0),
      10_000,
      'the outbox to drain',
    );
    const op = (await outbox.getCompleted()).find((j) => j.name === 'operator');
    await outbox.close();
    expect(emu.sent(OPS_CHAT)).toHaveLength(1);
    // In Redis the message is sealed: the reference code is in no job's data.
    expect(op).toBeDefined();
    expect(JSON.stringify(op!.data)).not.toContain(code!);
  }, 40_000);
});

describe('an escalation with no supervisor to go to', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  const RESIDENT = 7_400_202;
  const OFFICER = 100_000_555;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp(
      {
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_CHAT_INTERVAL_MS: '0',
        OPERATOR_CHAT: `telegram:${OPS_CHAT}`,
        // Theft is urgent: its timer fires after 300 ms.
        ESCALATE_URGENT_MINUTES: '0.005',
      },
      { seed: false },
    );
    // An officer for the group's area, and no supervisor anywhere above.
    await loadSeed(app.rt.store, {
      areas: [
        { code: 'phuong-le', name: 'Phường Lẻ', kind: 'ward', parentCode: null },
        { code: 'kp8-to8', name: 'Khu phố 8 – Tổ 8', kind: 'residential-group', parentCode: 'phuong-le' },
      ],
      officers: [
        {
          officerId: 'cskv-le-01',
          name: 'Đỗ Văn Sáu',
          role: 'officer',
          areaCodes: ['kp8-to8'],
          chats: [{ channel: 'telegram', chatId: String(OFFICER) }],
          lang: 'vi',
          active: true,
        },
      ],
      groups: [{ channel: 'telegram', chatId: '-1009000000008', title: 'Tổ tự quản Khu phố 8', areaCode: 'kp8-to8', joinCode: 'KP8TO8' }],
    });
    await emu.waitForCall('getUpdates');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it("tells the operators' chat the case's reference code, area and level, once", async () => {
    await new TelegramDriver(app.bot!.telegram!, 1).tip(RESIDENT, { joinCode: 'KP8TO8' });
    const code = refCodeIn(
      emu
        .sent(RESIDENT)
        .map((m) => m.text)
        .join('\n'),
    );
    expect(code).toMatch(/^TB-/);
    await emu.waitFor((m) => m.chat_id === String(OFFICER) && (m.text ?? '').includes(code!), 20_000);
    const told = await emu.waitFor((m) => m.chat_id === OPS_CHAT, 20_000);
    expect(told.text).toContain(
      app.rt.t('vi', 'ops.escalation_no_supervisor', { refCode: code, area: 'Khu phố 8 – Tổ 8 (kp8-to8)', level: 1 }),
    );
    await sleep(500);
    expect(emu.sent(OPS_CHAT)).toHaveLength(1);
  }, 40_000);
});

describe('a job that fails for good', () => {
  let tg: TelegramEmulator;
  let zalo: ZaloEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  const ZALO_OPS = 'zl-ops-room';

  beforeAll(async () => {
    tg = new TelegramEmulator();
    zalo = new ZaloEmulator();
    await Promise.all([tg.start(), zalo.start()]);
    // Officers' alerts on Telegram fail; the operators are on Zalo, so their message gets through.
    app = await startApp({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_BASE: zalo.apiBase,
      ZALO_CHAT_INTERVAL_MS: '0',
      JOB_ATTEMPTS: '3',
      OPERATOR_CHAT: `zalo:${ZALO_OPS}`,
      OPERATOR_LANG: 'en',
    });
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
  });

  afterAll(async () => {
    await intake?.close();
    await app?.close();
    await Promise.all([tg?.stop(), zalo?.stop()]);
  });

  async function tipWhoseTelegramAlertFails(): Promise<string> {
    const sub: CaseSubmission = {
      caseId: newCaseId(),
      refCode: await intake.nextReferenceCode('tip', new Date()),
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Mất trộm xe máy', where: 'Hẻm 12', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'zalo', chatIdSealed: app.rt.box.seal('zl-resident-1') },
      lang: 'vi',
      joinCode: 'KP1TO3',
      submittedAt: new Date().toISOString(),
    };
    const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
    const failedAlerts = async () => (await outbox.getFailed()).filter((j) => j.name === 'alert');
    const before = (await failedAlerts()).length;
    tg.failNext('sendMessage', 1000, { status: 500, description: 'Internal Server Error' });
    try {
      await intake.submit(sub);
      await until(async () => (await failedAlerts()).length > before, 20_000, 'the alert to fail for good');
      // It used every attempt: the operators were told after the last one, not at each.
      for (const j of await failedAlerts()) expect(j.attemptsMade).toBe(3);
    } finally {
      await outbox.close();
      tg.failNext('sendMessage', 0, { status: 500 });
    }
    return sub.refCode;
  }

  it("tells the operators' chat the queue and the error code once, not once per attempt nor per job of the same cause", async () => {
    await tipWhoseTelegramAlertFails();
    const told = await zalo.waitFor((r) => r.chatId === ZALO_OPS, 20_000);
    expect(told.text).toContain('outbox-telegram');
    expect(told.text).toContain('TelegramApiError');
    expect(told.text).toContain(app.rt.t('en', 'ops.title'));
    expect(told.text).not.toContain('Mất trộm');

    // A second alert failing the same way within the window: one more failed job, no more messages.
    await tipWhoseTelegramAlertFails();
    await until(() => msgs(app.logs, 'ops.alert_suppressed').length >= 1, 10_000, 'the second notice to be held back');
    await sleep(500);
    expect(zalo.sent(ZALO_OPS)).toHaveLength(1);
  }, 60_000);
});

describe('a database outage', () => {
  let db: OwnService;
  let emu: TelegramEmulator;
  let app: AppHarness;
  const opsTexts = () => emu.sent(OPS_CHAT).map((m) => m.text ?? '');

  beforeAll(async () => {
    db = await OwnService.ferretdb();
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      MONGODB_URI: `${db.url}/ops`,
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      OPERATOR_CHAT: `telegram:${OPS_CHAT}`,
      OPERATOR_OUTAGE_SECONDS: '1',
      OPERATOR_ALERT_WINDOW_MINUTES: '10',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
    await db?.stop('SIGKILL');
  });

  it('is one message while it lasts and one when it ends; a second outage within the window adds none', async () => {
    const down = app.rt.t('vi', 'ops.database_down', { since: '' }).slice(0, 30);
    const up = app.rt.t('vi', 'ops.database_up', { minutes: 1 }).slice(0, 25);

    // Told while the database is still away: the message needs only Redis and the platform.
    await db.stop('SIGKILL');
    await emu.waitFor((m) => m.chat_id === OPS_CHAT && (m.text ?? '').includes(down), 20_000);
    expect(opsTexts()).toHaveLength(1);
    await db.start();
    await emu.waitFor((m) => m.chat_id === OPS_CHAT && (m.text ?? '').includes(up), 30_000);

    // Again, for longer than the outage time, within the window.
    await db.stop('SIGKILL');
    await until(() => msgs(app.logs, 'ops.alert_suppressed').length >= 1, 20_000, 'the second outage to be noticed');
    await db.start();
    await until(() => msgs(app.logs, 'ops.alert_suppressed').length >= 2, 30_000, 'the second recovery to be noticed');
    await sleep(1000);
    expect(opsTexts().filter((t) => t.includes(down))).toHaveLength(1);
    expect(opsTexts().filter((t) => t.includes(up))).toHaveLength(1);
    expect(opsTexts()).toHaveLength(2);
  }, 120_000);
});

describe('a poller that stops', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, OPERATOR_CHAT: `telegram:${OPS_CHAT}` });
    await emu.waitForCall('getUpdates');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it("tells the operators' chat which platform stopped and our error code", async () => {
    // As Telegram answers a second process polling with the same token: telegraf's poll ends for good.
    emu.failNext('getUpdates', 1, { status: 409, description: 'Conflict: terminated by other getUpdates request' });
    await emu.user(4402).sendText(4402, '/start');
    const told = await emu.waitFor((m) => m.chat_id === OPS_CHAT, 20_000);
    expect(told.text).toContain(app.rt.t('vi', 'ops.poller_stopped', { channel: 'telegram', code: 'TelegramApiError' }));
    expect(emu.sent(OPS_CHAT)).toHaveLength(1);
  }, 30_000);
});

describe('a Redis outage', () => {
  let redis: OwnService;
  let emu: TelegramEmulator;
  let app: AppHarness;

  beforeAll(async () => {
    redis = await OwnService.redis();
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      REDIS_URL: `${redis.url}/0`,
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      OPERATOR_CHAT: `telegram:${OPS_CHAT}`,
      OPERATOR_OUTAGE_SECONDS: '1',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
    await redis?.stop('SIGKILL');
  });

  it('is told once Redis is back (every message waits in Redis), then its recovery, one message each', async () => {
    const down = app.rt.t('vi', 'ops.redis_down', { since: '' }).slice(0, 20);
    const up = app.rt.t('vi', 'ops.redis_up', { minutes: 1 }).slice(0, 20);
    await redis.stop('SIGTERM');
    await sleep(3000);
    expect(emu.sent(OPS_CHAT)).toHaveLength(0);
    await redis.start();
    await emu.waitFor((m) => m.chat_id === OPS_CHAT && (m.text ?? '').includes(down), 30_000);
    await emu.waitFor((m) => m.chat_id === OPS_CHAT && (m.text ?? '').includes(up), 30_000);
    await sleep(1000);
    expect(emu.sent(OPS_CHAT)).toHaveLength(2);
  }, 90_000);
});
