import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inboxDrained } from '../support/inbox';
import { startApp, TEST_KEY, type AppHarness } from '../support/app-harness';
import { dumpRedis } from '../support/redis-dump';
import { refCodeIn, TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';
import { ZaloEmulator } from '../support/zalo-emulator';

/**
 * Secrets and personal data: a tip with a phone number on each platform goes all the way through
 * the real app (bot, queue, worker, database, officer alert) with the most verbose logging, and
 * then nothing the app wrote (its log lines, its database documents read with the native driver,
 * its Redis values) may contain the resident's phone, name or words where they do not belong, nor
 * a token, a webhook secret or the encryption key. The officer's alert is the one place the
 * phone appears, because the resident chose to leave it.
 *
 * Then a burst of tips through the Telegram emulator from residents whose ids, phone numbers and
 * words are new in every run (so anything found can only have come from this run): some sent,
 * some left as drafts at their summary, one answering an officer's question. Neither Redis (every
 * key and value, of every type) nor its append-only file, which keeps every write after the key is
 * gone, may then hold any of their chat ids, phone numbers or words, nor a reference code.
 */

const TG_RESIDENT = 7_301_957;
const TG_NAME = 'Nguyễn Thị Bích Ngọc';
const TG_PHONE = '+84 912 345 678';
const ZALO_RESIDENT = 'zl-5d2c1e9a7b';
const ZALO_NAME = 'Lê Văn Tám';
const ZALO_PHONE = '0987 654 321';
const TG_WORDS = 'Ông Hoàng Văn Xuyến bán hàng giả ở số 17';
const ZALO_WORDS = 'Bà Đinh Thị Quyên bị giật túi xách';
const SEEDED = [
  'Trần Minh Khoa',
  'Lê Thị Hồng Nhung',
  'Phạm Văn Hùng',
  'Nguyễn Thị Lan',
  '100000001',
  '100000003',
  '100000004',
  'zl-officer-cskv-1',
  'zl-officer-mediator',
];
const ZALO_SECRET = 'zalo-webhook-secret-5f1e0c';
const TG_SECRET = 'tg-webhook-secret-8a7b6c5d4e';

let tg: TelegramEmulator;
let zalo: ZaloEmulator;
let app: AppHarness;
const codes: string[] = [];

/** The burst: ids, phones and words that exist nowhere but in this run. */
const nonce = randomInt(100_000, 999_999);
const BURST = Array.from({ length: 8 }, (_, i) => ({
  id: 6_100_000_000 + nonce * 10 + i,
  phone: `+84 93${String(nonce).slice(0, 1)} ${String(nonce).slice(1, 4)} ${String(nonce).slice(4)}${i}`,
  what: `Ông Khuất${nonce}x${i} trộm xe ở hẻm`,
  where: `Ngõ Quỳnh${nonce}y${i}`,
  send: i % 2 === 0,
}));
const ANSWER = `Biển số 59X${nonce}`;
const burstCodes: string[] = [];

beforeAll(async () => {
  tg = new TelegramEmulator();
  zalo = new ZaloEmulator();
  await Promise.all([tg.start(), zalo.start()]);
  app = await startApp({
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_BASE: zalo.apiBase,
    ZALO_WEBHOOK_URL: 'https://bot.example.vn/zalo/webhook',
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    LOG_LEVEL: 'trace',
  });

  // Telegram: through the webhook route, with the secret, as in production.
  // Each update is handled from the inbox after the 200: the driver reads the replies once it is.
  const webhook = {
    handleUpdate: async (update: unknown) => {
      await fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
        body: JSON.stringify(update),
      });
      await inboxDrained(app.rt.queueRedis, 'telegram');
    },
  };
  await new TelegramDriver(webhook, 1).tip(TG_RESIDENT, { firstName: TG_NAME, what: TG_WORDS, phone: TG_PHONE });
  codes.push(
    refCodeIn(
      tg
        .sent(TG_RESIDENT)
        .map((m) => m.text)
        .join('\n'),
    )!,
  );

  // Zalo: the same through its webhook, typing the options' numbers as residents do there.
  const say = async (text: string) => {
    const update = {
      event_name: 'message.text.received',
      message: {
        message_id: `pd-${Math.random()}`,
        date: Date.now(),
        chat: { id: ZALO_RESIDENT, chat_type: 'PRIVATE' },
        from: { id: ZALO_RESIDENT, display_name: ZALO_NAME },
        text,
      },
    };
    const res = await fetch(`http://127.0.0.1:${app.port}/zalo/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': ZALO_SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    await inboxDrained(app.rt.queueRedis, 'zalo');
  };
  const option = (label: string) => {
    const last = zalo.sent(ZALO_RESIDENT).at(-1)?.text ?? '';
    const line = last.split('\n').find((l) => l.endsWith(label));
    if (!line) throw new Error(`no option "${label}" in: ${last}`);
    return line.split('.')[0];
  };
  const t = (key: string) => app.rt.t('vi', key);
  await say('/baotin');
  await say('KP1TO3');
  await say(option(t('categories.tip.theft')));
  await say(ZALO_WORDS);
  await say('Chợ Bến Thành, cổng số 3');
  await say(option(t('when.today')));
  await say(option(t('nav.done')));
  await say(option(t('identity.contact')));
  await say(ZALO_PHONE);
  await say(option(t('nav.confirm')));
  codes.push(
    refCodeIn(
      zalo
        .sent(ZALO_RESIDENT)
        .map((r) => r.text)
        .join('\n'),
    )!,
  );

  for (const code of codes) await tg.waitFor((m) => m.chat_id === '100000001' && (m.text ?? '').includes(code), 20_000);
  await zalo.waitFor((r) => r.chatId === 'zl-officer-cskv-1' && (r.text ?? '').includes(codes[1]), 20_000);

  // The burst, all at once, half sent and half left at the summary.
  const driver = new TelegramDriver(webhook, 10_000);
  await Promise.all(BURST.map((r) => (r.send ? driver.tip(r.id, r) : driver.tipDraft(r.id, r)).then(() => undefined)));
  for (const r of BURST.filter((b) => b.send)) {
    const code = refCodeIn(
      tg
        .sent(r.id)
        .map((m) => m.text)
        .join('\n'),
    );
    expect(code).toBeDefined();
    burstCodes.push(code!);
  }
  for (const code of burstCodes) await tg.waitFor((m) => m.chat_id === '100000001' && (m.text ?? '').includes(code), 20_000);
  // The officer asks the first sender a question; the relay waits in their chat, and they answer.
  await driver.text(100_000_001, `/hoi ${burstCodes[0]} Anh/chị nhớ biển số xe không?`);
  await tg.waitFor((m) => m.chat_id === String(BURST[0].id) && (m.text ?? '').includes('biển số xe'), 20_000);
  await driver.text(BURST[0].id, ANSWER);
  await tg.waitFor((m) => m.chat_id === '100000001' && (m.text ?? '').includes(ANSWER), 20_000);
  // And asks the second sender, who has not answered yet: that relay is still open in Redis.
  await driver.text(100_000_001, `/hoi ${burstCodes[1]} Có ai khác thấy không?`);
  await tg.waitFor((m) => m.chat_id === String(BURST[2].id) && (m.text ?? '').includes('Có ai khác thấy không?'), 20_000);
}, 90_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([tg?.stop(), zalo?.stop()]);
});

/** Things that must not be found, each with a pattern that does not match inside longer numbers. */
function forbidden(): [string, RegExp][] {
  const exact = (s: string) => new RegExp(`(?<![0-9A-Za-z])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
  return [
    ['Telegram phone', /912\D?345\D?678/],
    ['Zalo phone', /987\D?654\D?321/],
    ['Telegram resident id', exact(String(TG_RESIDENT))],
    ['Zalo resident id', exact(ZALO_RESIDENT)],
    ['Telegram name', exact(TG_NAME)],
    ['Zalo name', exact(ZALO_NAME)],
    ['bot token', /TEST-TOKEN|zalo-test-secret/],
    ['webhook secrets', new RegExp(`${TG_SECRET}|${ZALO_SECRET}`)],
    ['encryption key', exact(TEST_KEY)],
  ];
}

it('both tips went through and reached the officer with the phone the resident chose to leave', () => {
  expect(codes).toEqual([expect.stringMatching(/^TB-/), expect.stringMatching(/^TB-/)]);
  const alert = tg.sent('100000001').find((m) => (m.text ?? '').includes(codes[0]))!.text!;
  expect(alert).toContain('+84912345678');
  expect(alert).not.toContain(String(TG_RESIDENT));
  expect(alert).not.toContain(TG_NAME);
});

it('the logs hold no personal data, no resident words and no secret', () => {
  const events = app.logs.map((l) => (JSON.parse(l) as { msg: string }).msg);
  expect(events).toEqual(expect.arrayContaining(['flow.started', 'case.submitted', 'case.stored', 'outbox.sent']));
  const all = app.logs.join('\n');
  for (const [what, pattern] of [
    ...forbidden(),
    ['officer names and chat ids', new RegExp(SEEDED.map((s) => `(?<![0-9])${s}(?![0-9])`).join('|'))] as [string, RegExp],
    ['resident words', /Xuyến|Quyên|Bến Thành|Lê Lợi/] as [string, RegExp],
  ]) {
    const hit = app.logs.find((l) => pattern.test(l));
    expect({ what, hit }).toEqual({ what, hit: undefined });
  }
  expect(all).toContain(codes[0]);
  // Every line says which process, host, role and release wrote it; an error, only its code, class and our frames.
  for (const line of app.logs.map((l) => JSON.parse(l) as Record<string, unknown>)) {
    expect(line).toMatchObject({ pid: expect.any(Number), hostname: expect.any(String), role: 'all', version: expect.any(String) });
    if (line.err) expect(Object.keys(line.err as object).filter((k) => k === 'message' || k === 'reason')).toEqual([]);
  }
});

it('the database holds the contact and the chat ids only encrypted (raw documents, native driver)', async () => {
  const db = app.rt.db.db!;
  const cases = await db
    .collection('cases')
    .find({ refCode: { $in: codes } })
    .toArray();
  expect(cases).toHaveLength(2);
  for (const c of cases) {
    expect(c.anonymous).toBe(false);
    expect(String(c.contactEnc)).toMatch(/^v[12]\./);
    expect(String(c.replyTo.chatIdEnc)).toMatch(/^v[12]\./);
  }
  for (const name of (await db.listCollections().toArray()).map((c) => c.name)) {
    const raw = JSON.stringify(await db.collection(name).find().toArray());
    for (const [what, pattern] of forbidden())
      expect({ collection: name, what, found: pattern.test(raw) }).toEqual({ collection: name, what, found: false });
  }
});

/** The burst's residents' ids, phone numbers and words, and the codes their cases got. */
function burstForbidden(): [string, RegExp][] {
  const exact = (s: string) => new RegExp(`(?<![0-9A-Za-z])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
  return [
    ...BURST.flatMap((r): [string, RegExp][] => [
      [`chat id ${r.id}`, exact(String(r.id))],
      [`phone of ${r.id}`, new RegExp(r.phone.replace(/^\+84 /, '').replace(/ /g, '\\D?'))],
      [`words of ${r.id}`, new RegExp(`Khuất${nonce}x|Quỳnh${nonce}y`)],
    ]),
    ['the answer to the officer', new RegExp(`59X${nonce}`)],
    ...burstCodes.map((c): [string, RegExp] => [`reference code ${c}`, exact(c)]),
  ];
}

it('Redis holds no chat or user id, phone number, resident words, reference code or secret', async () => {
  const dump = await dumpRedis(app.rt.redis);
  expect(dump.length).toBeGreaterThan(0);
  // What is there is sealed: the open relay, the drafts and the profiles are in Redis, unreadable.
  expect(dump.filter((e) => e.startsWith('chat:')).length).toBeGreaterThanOrEqual(BURST.filter((b) => !b.send).length + 1);
  expect(dump.filter((e) => e.startsWith('profile:')).length).toBeGreaterThanOrEqual(BURST.length);
  for (const [what, pattern] of [...forbidden(), ...burstForbidden(), ['resident words', /Xuyến|Quyên|Bến Thành/] as [string, RegExp]]) {
    const hit = dump.find((entry) => pattern.test(entry));
    expect({ what, hit }).toEqual({ what, hit: undefined });
  }
  for (const entry of dump.filter((e) => /^(chat|profile|lock|flood|flood-group|cases|seen|pace):(?!case:)/.test(e))) {
    // `<prefix>:<keyed hash>` (and the clock hour for case counts), nothing else in the name.
    expect(entry.split(' ')[0]).toMatch(/^[a-z-]+:[A-Za-z0-9_-]{22}(:\d+)?$/);
  }
});

it("Redis's append-only file, which keeps every write, holds none of the burst's ids, phones, words or codes", async () => {
  const [, dir] = (await app.rt.redis.config('GET', 'dir')) as string[];
  const [, appendonly] = (await app.rt.redis.config('GET', 'appendonly')) as string[];
  const [, sub] = (await app.rt.redis.config('GET', 'appenddirname')) as string[];
  expect(appendonly).toBe('yes');
  const folder = join(dir, sub);
  const aof = readdirSync(folder)
    .filter((f) => f.includes('.aof'))
    .map((f) => readFileSync(join(folder, f)).toString('utf8'))
    .join('\n');
  // The burst's writes are in it (sealed drafts under hashed keys)...
  expect(aof).toContain(`chat:${app.rt.hash.of('redis', `telegram:${BURST[1].id}`)}`);
  // ...and nothing of theirs in clear.
  for (const [what, pattern] of burstForbidden()) expect({ what, found: pattern.test(aof) }).toEqual({ what, found: false });
});
