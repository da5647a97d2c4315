import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { outboxQueueName } from '../../src/outbox/jobs';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { dumpRedis } from '../support/redis-dump';
import { refCodeIn, TelegramDriver, type TipOptions } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import type { FaultAnswer } from '../support/telegram-emulator/types';

/**
 * The bot token never leaves the process. Telegram (or a proxy in front of it) answers an officer's
 * alert with a captive portal's HTML page, then with a JSON answer cut off mid-way: telegraf's
 * errors for both quote the request URL, `…/bot<token>/sendMessage`. With one attempt per job
 * both alerts fail for good, so BullMQ keeps the failed jobs (reason, stack, the `failed` event
 * in the queue's stream) and the notification rows get their lastError. Then every key and value
 * in Redis, every document in the database and every log line is scanned for the token. Last, the
 * real main.ts starts against a Telegram whose getMe answers HTML: its "Start-up failed" line must
 * not print the token either.
 */

let residents: TelegramEmulator;
let officers: TelegramEmulator;
let bot: AppHarness;
let worker: AppHarness;
const settings = { ...testSettings(), JOB_ATTEMPTS: '1', TELEGRAM_CHAT_INTERVAL_MS: '0', LOG_LEVEL: 'trace' };

beforeAll(async () => {
  residents = new TelegramEmulator();
  officers = new TelegramEmulator();
  await Promise.all([residents.start(), officers.start()]);
  bot = await startApp({ ...settings, TELEGRAM_BOT_TOKEN: residents.token, TELEGRAM_API_ROOT: residents.apiRoot }, { roles: 'bot' });
  worker = await startApp(
    { ...settings, TELEGRAM_BOT_TOKEN: officers.token, TELEGRAM_API_ROOT: officers.apiRoot },
    { roles: 'worker', seed: false, fresh: false },
  );
}, 30_000);

afterAll(async () => {
  await worker?.close();
  await bot?.close();
  await Promise.all([residents?.stop(), officers?.stop()]);
});

/** Sends a tip whose alert meets `fault` and waits until every alert of it has failed for good. */
async function tipMeeting(fault: FaultAnswer, resident: number, firstUpdate: number, tip: TipOptions = {}): Promise<string> {
  officers.failNext('sendMessage', 10, fault);
  await new TelegramDriver(bot.bot!.telegram!, firstUpdate).tip(resident, tip);
  const code = refCodeIn(
    residents
      .sent(resident)
      .map((m) => m.text)
      .join('\n'),
  );
  expect(code).toBeDefined();
  const db = worker.rt.db.db!;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const c = await db.collection('cases').findOne({ refCode: code });
    const rows = c ? await db.collection('notifications').find({ caseId: c.caseId }).toArray() : [];
    if (rows.length > 0 && rows.every((r) => r.status === 'failed')) {
      for (const r of rows) expect(r.lastError).toMatch(/^TelegramApiError: sendMessage( \d+)?: /);
      break;
    }
    if (Date.now() > deadline) throw new Error(`alerts of ${code} did not fail: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  officers.failNext('sendMessage', 0, fault);
  return code!;
}

it('an HTML page and a cut-off answer fail the alerts without the token reaching Redis, the database or the logs', async () => {
  await tipMeeting('html', 5_550_001, 1);
  await tipMeeting('cut-off', 5_550_002, 100);
  // The failed jobs are there, with our code and reason, not telegraf's message.
  const queue = new Queue(outboxQueueName('telegram'), { connection: worker.rt.queueRedis });
  const failed = await queue.getFailed();
  await queue.close();
  expect(failed.map((j) => j.failedReason).sort()).toEqual(
    expect.arrayContaining([
      'TelegramApiError: sendMessage: answer is not JSON',
      expect.stringMatching(/^TelegramApiError: sendMessage: (answer cut off|no answer \(\w+\))$/),
    ]),
  );

  const token = officers.token;
  const redis = await dumpRedis(worker.rt.redis);
  expect(redis.some((e) => e.includes('failedReason'))).toBe(true);
  expect(redis.filter((e) => e.includes(token) || e.includes('TEST-TOKEN'))).toEqual([]);

  const db = worker.rt.db.db!;
  for (const name of (await db.listCollections().toArray()).map((c) => c.name)) {
    const raw = JSON.stringify(await db.collection(name).find().toArray());
    expect({ collection: name, token: raw.includes('TEST-TOKEN') }).toEqual({ collection: name, token: false });
  }
  expect([...bot.logs, ...worker.logs].filter((l) => l.includes('TEST-TOKEN'))).toEqual([]);
}, 60_000);

it('an error log line says what to act on (code, class, our frames, process, role, version) and nothing a person wrote', async () => {
  // A gateway whose error page quotes the officer's name and chat id, the tipster's phone and the tip.
  const tip = { firstName: 'Nguyễn Thị Bích Ngọc', phone: '+84 912 345 678', what: 'Ông Hoàng Văn Xuyến bẻ khóa xe ở số 17' };
  await tipMeeting(
    { status: 502, description: 'Bad Gateway: chat 100000001 (Trần Minh Khoa) text Ông Hoàng Văn Xuyến +84912345678' },
    5_550_003,
    200,
    tip,
  );
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const lines = worker.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  const errors = lines.filter((l) => Number(l.level) >= 50);
  const failures = errors.filter((l) => l.msg === 'job.failed_for_good');
  expect(failures.length).toBeGreaterThanOrEqual(3);
  for (const line of errors) {
    expect(line).toMatchObject({ pid: process.pid, hostname: hostname(), role: 'worker', version });
  }
  const ours = /^([\w$.<>[\] ]+ \()?(src|dist)\/[\w./-]+\.(ts|js):\d+:\d+\)?$/;
  for (const line of failures) {
    const err = line.err as { code: string; class: string; stack: string[]; cause: { code: string; class: string; stack: string[] } };
    expect(err).toMatchObject({
      code: 'TelegramApiError',
      class: 'JobFailedError',
      cause: { code: 'TelegramApiError', class: 'TelegramApiError' },
    });
    expect(err.cause.stack.length).toBeGreaterThan(0);
    for (const frame of [...err.stack, ...err.cause.stack]) expect(frame).toMatch(ours);
  }
  const gateway = failures.find((l) => (l.err as { cause: { errorCode?: number } }).cause.errorCode === 502);
  expect(gateway).toBeDefined();
  const all = worker.logs.join('\n');
  for (const [what, pattern] of [
    ['officer name', /Trần Minh Khoa/],
    ['officer chat id', /(?<![0-9])100000001(?![0-9])/],
    ['tipster phone', /912\D?345\D?678/],
    ['tipster name', /Bích Ngọc/],
    ['the tip', /Xuyến|bẻ khóa/],
    ['a message', /"message"|Bad Gateway/],
    ['a library frame', /node_modules/],
  ] as [string, RegExp][])
    expect({ what, found: pattern.test(all) }).toEqual({ what, found: false });
}, 60_000);

it('main.ts says why it could not start without printing the token', async () => {
  const tg = new TelegramEmulator();
  await tg.start();
  try {
    tg.failNext('getMe', 5, 'html');
    const env = { ...process.env, ...testSettings(), TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'warn' };
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), '--role', 'bot'], { cwd: root, env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Start-up failed: TelegramApiError: Telegram getMe: answer is not JSON');
    expect(`${stderr}${stdout}`).not.toContain('TEST-TOKEN');
  } finally {
    await tg.stop();
  }
}, 60_000);
