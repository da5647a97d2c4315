import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { inboxQueueName } from '../../src/channels/inbox/update-inbox';
import { ZaloClient } from '../../src/channels/zalo/client';
import { ZALO_WEBHOOK_PATH } from '../../src/channels/zalo/zalo-channel';
import { TELEGRAM_WEBHOOK_PATH } from '../../src/channels/telegram/telegram-channel';
import { createRedis } from '../../src/redis/connection';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { TelegramEmulator } from '../support/telegram-emulator';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * "No update is lost" (issue 15): a webhook update is written to the durable inbox in Redis before
 * the 200, so the bot stopping right after answering loses nothing. To stop it at exactly that
 * point, the test pauses the inbox queue (as an operator could) so no process takes the update
 * out; the bot is then stopped, a new bot process starts on the same Redis and database, the queue
 * is resumed, and the resident's tip reaches the officer.
 */

const ZALO_SECRET = 'zalo-inbox-secret-0123456789';
const TELEGRAM_SECRET = 'telegram-inbox-secret-0123456789';
const OFFICER_CHAT = 'zl-officer-cskv-1';

let emu: ZaloEmulator;
let tg: TelegramEmulator;
let first: AppHarness | undefined;
let second: AppHarness | undefined;
let settings: Record<string, string>;
/** The operator's own connection: the stopped process's connections close with it. */
let operator: IORedis;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  tg = new TelegramEmulator();
  await tg.start();
  settings = {
    ...testSettings(),
    ZALO_BOT_TOKEN: emu.token,
    ZALO_API_BASE: emu.apiBase,
    ZALO_WEBHOOK_URL: 'https://bot.example.com/zalo/webhook',
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
    ZALO_RATE_PER_SECOND: '20',
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    FLOOD_MESSAGES_PER_10S: '200',
    WORKER_LOCK_MS: '2000',
  };
  operator = createRedis(settings.REDIS_URL, 'blocking', 'test-operator');
});

afterAll(async () => {
  await first?.close();
  await second?.rt.db.dropDatabase().catch(() => undefined);
  await second?.close();
  await emu?.stop();
  await tg?.stop();
  operator?.disconnect();
});

/** Starts a bot and worker on the shared data and points Zalo's webhook at its port. */
async function startProcess(fresh: boolean): Promise<AppHarness> {
  const app = await startApp(settings, { fresh: false, seed: fresh });
  if (fresh) await app.rt.redis.flushdb();
  const url = `http://127.0.0.1:${app.port}${ZALO_WEBHOOK_PATH}`;
  await new ZaloClient({ token: emu.token, apiBase: emu.apiBase }).setWebhook(url, ZALO_SECRET);
  return app;
}

const content = (r: SentRecord) => r.text ?? r.caption ?? '';

async function say(user: EmulatedUser, words: string, until: string | RegExp): Promise<void> {
  const seen = new Set(emu.sent(user.id).map((r) => r.messageId));
  const matches = (s: string) => (typeof until === 'string' ? s.includes(until) : until.test(s));
  const delivery = await user.sendText(words);
  expect(delivery.webhookStatus).toBe(200);
  await emu.waitFor((r) => r.chatId === user.id && !seen.has(r.messageId) && matches(content(r)), 10_000);
}

describe('the inbox across a bot stopped right after the webhook’s 200', () => {
  it('a Zalo tip confirmed just before the stop still reaches the officer', async () => {
    first = await startProcess(true);
    const t = (key: string, params?: Record<string, unknown>) => first!.rt.t('vi', key, params);
    const user = emu.user('zl-inbox-resident');
    await say(user, 'KP1TO3', t('menu.title'));
    await say(user, '1', t('tip.category'));
    await say(user, 'trom cap', t('tip.what'));
    await say(user, 'Hai người lạ cạy khóa xe máy trước nhà số 7', t('tip.where'));
    await say(user, 'Trước nhà số 7 hẻm 45 Lê Lợi', t('tip.when'));
    await say(user, t('when.now'), t('tip.media'));
    await say(user, '1', t('tip.identity'));
    await say(user, 'an danh', t('flow.confirm'));

    const inbox = new Queue(inboxQueueName('zalo'), { connection: operator });
    await inbox.pause();
    const before = emu.sent(user.id).length;
    const confirm = await user.sendText('1');
    expect(confirm.webhookStatus).toBe(200);
    // Zalo redelivering the same update while it waits adds nothing.
    expect((await emu.pushRaw(confirm.update)).webhookStatus).toBe(200);
    expect(await inbox.getJobCounts('paused', 'wait', 'active')).toEqual({ paused: 1, wait: 0, active: 0 });
    // The update waits sealed: neither the resident's id nor anything they typed is readable in Redis.
    const [job] = await inbox.getJobs(['paused']);
    expect(JSON.stringify(job.data)).not.toContain(user.id);
    expect(JSON.stringify(job.data)).not.toContain('message.text.received');

    await first.close();
    first = undefined;
    expect(emu.sent(user.id)).toHaveLength(before);

    second = await startProcess(false);
    await inbox.resume();
    await inbox.close();
    const received = await emu.waitFor((r) => r.chatId === user.id && /TB-\d{4}-\d{4,}/.test(content(r)), 15_000);
    const code = /TB-\d{4}-\d{4,}/.exec(content(received))![0];
    await emu.waitFor((r) => r.chatId === OFFICER_CHAT && content(r).includes(code), 30_000);
    expect(await second.rt.store.cases.byRefCode(code)).toMatchObject({ kind: 'tip', category: 'theft', anonymous: true });
    // One confirmation, one case: the redelivery was not a second tip.
    expect(emu.sent(user.id).filter((r) => /TB-\d{4}-\d{4,}/.test(content(r)))).toHaveLength(1);
  });

  it('a Telegram webhook update waiting in the inbox is answered by the next process', async () => {
    const app = second!;
    const inbox = new Queue(inboxQueueName('telegram'), { connection: operator });
    await inbox.pause();
    const update = {
      update_id: 7001,
      message: {
        message_id: 7001,
        date: 1,
        chat: { id: 7601, type: 'private' },
        from: { id: 7601, is_bot: false, first_name: 'A' },
        text: '/start',
      },
    };
    const res = await fetch(`http://127.0.0.1:${app.port}${TELEGRAM_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    expect(await inbox.getJobCounts('paused')).toEqual({ paused: 1 });
    await app.close();
    second = await startProcess(false);
    await inbox.resume();
    await inbox.close();
    await tg.waitFor((m) => m.chat_id === '7601' && (m.text ?? '').includes('Xin chào'), 15_000);
    expect(tg.sent(7601)).toHaveLength(1);
  });
});
