import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { CASES_QUEUE } from '../../src/queues/names';
import { createRedis, waitReady } from '../../src/redis/connection';
import { RedisGuards } from '../../src/redis/guards';
import { hashedKey } from '../../src/redis/hashed-keys';
import { readSlot, startApp, TEST_HASH, testSettings, type AppHarness } from '../support/app-harness';
import { refCodeIn, TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * The abuse limits against the real Redis: the per-user and per-group flood limits and the
 * per-hour case cap hold exactly, also when two bot replicas (two connections) count at once; and
 * through the real app a flooding resident or group is told once and then ignored, and a resident
 * over the cap gets no reference code and queues no case.
 */

describe('RedisGuards on real Redis, as two replicas', () => {
  let a: IORedis;
  let b: IORedis;
  let one: RedisGuards;
  let two: RedisGuards;

  beforeAll(async () => {
    const url = testSettings().REDIS_URL;
    a = createRedis(url, 'interactive', 'guards-a');
    b = createRedis(url, 'interactive', 'guards-b');
    await Promise.all([waitReady(a), waitReady(b)]);
    await a.flushdb();
    one = new RedisGuards(a, TEST_HASH, { floodPer10s: 5, groupPerMinute: 20, casesPerHour: 3 });
    two = new RedisGuards(b, TEST_HASH, { floodPer10s: 5, groupPerMinute: 20, casesPerHour: 3 });
  });
  afterAll(async () => {
    await a?.flushdb();
    a?.disconnect();
    b?.disconnect();
  });

  it('lets 5 messages in 10 s through, warns once on the 6th, drops the rest', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await (i % 2 ? one : two).flood('telegram', 'flooder'));
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'warn', 'drop', 'drop', 'drop', 'drop', 'drop', 'drop']);
    const ttl = await a.pttl(hashedKey(TEST_HASH, 'flood', 'telegram:flooder'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('counts exactly under concurrency: 60 messages at once from two replicas give 5 ok and 1 warning', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).flood('zalo', 'burst')));
    expect(answers.filter((x) => x === 'ok')).toHaveLength(5);
    expect(answers.filter((x) => x === 'warn')).toHaveLength(1);
    expect(answers.filter((x) => x === 'drop')).toHaveLength(54);
  });

  it('keeps people and platforms apart, and lets a person in again once the window has passed', async () => {
    expect(await one.flood('telegram', 'someone-else')).toBe('ok');
    expect(await one.flood('zalo', 'flooder')).toBe('ok');
    // The window is a key that expires: end it now instead of waiting 10 s.
    await a.pexpire(hashedKey(TEST_HASH, 'flood', 'telegram:flooder'), 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await one.flood('telegram', 'flooder')).toBe('ok');
  });

  it('counts a group as one, across replicas: 30 commands at once give 20 ok and 1 warning, for a minute', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).groupFlood('telegram', '-100777')));
    expect(answers.filter((x) => x === 'ok')).toHaveLength(20);
    expect(answers.filter((x) => x === 'warn')).toHaveLength(1);
    expect(answers.filter((x) => x === 'drop')).toHaveLength(9);
    const ttl = await a.pttl(hashedKey(TEST_HASH, 'flood-group', 'telegram:-100777'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Another group, and the same chat id on another platform, have their own minute.
    expect(await one.groupFlood('telegram', '-100778')).toBe('ok');
    expect(await one.groupFlood('zalo', '-100777')).toBe('ok');
  });

  it('allows 3 cases an hour per person, exactly, across replicas', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).takeCaseAllowance('telegram', 'reporter')));
    expect(answers.filter(Boolean)).toHaveLength(3);
    // The window is the clock hour, the same for everyone: its end says nothing of when a case came.
    const hour = Math.floor(Date.now() / 3_600_000);
    const key = `${hashedKey(TEST_HASH, 'cases', 'telegram:reporter')}:${hour}`;
    expect(await a.pexpiretime(key)).toBe((hour + 1) * 3_600_000);
    expect(await a.keys('*reporter*')).toEqual([]);
    expect(await one.takeCaseAllowance('telegram', 'another-reporter')).toBe(true);
  });

  it('counts an update as handled, for every replica, only once its handling was marked finished', async () => {
    // Arrived but not finished (the process may die midway): every replica would still handle it.
    expect(await Promise.all([one.handled('telegram', '424242'), two.handled('telegram', '424242')])).toEqual([false, false]);
    await one.markHandled('telegram', '424242');
    expect(await Promise.all([one.handled('telegram', '424242'), two.handled('telegram', '424242')])).toEqual([true, true]);
    expect(await two.handled('zalo', '424242')).toBe(false);
  });
});

describe('limits through the bot', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  let driver: TelegramDriver;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp(
      {
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        FLOOD_MESSAGES_PER_10S: '30',
        GROUP_FLOOD_PER_MINUTE: '10',
        CASES_PER_USER_PER_HOUR: '2',
      },
      { roles: 'bot' },
    );
    driver = new TelegramDriver(app.bot!.telegram!, 1);
  });
  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it('handles one update once when two copies of it arrive at the same moment (two replicas)', async () => {
    const msg = {
      channel: 'telegram' as const,
      updateId: '8100099',
      chatId: '810099',
      chatType: 'private' as const,
      userId: '810099',
      text: '/start',
      command: { name: 'start', args: '' },
    };
    const service = app.bot!.service;
    const answers = await Promise.all([service.handle(msg), service.handle(msg), service.handle(msg)]);
    expect(answers.filter((a) => a.length > 0)).toHaveLength(1);
    // And once more after it was handled (a webhook redelivery): nothing.
    expect(await service.handle(msg)).toEqual([]);
  });

  it('a resident over the hourly cap gets no code and queues no case; the draft is kept', async () => {
    const resident = 810_001;
    for (let i = 0; i < 3; i++) await driver.tip(resident, { what: `Lần thứ ${i + 1}: trộm xe đạp` });
    const texts = emu.sent(resident).map((m) => m.text ?? '');
    const codes = texts.map(refCodeIn).filter(Boolean);
    expect(codes).toHaveLength(2);
    expect(texts[texts.length - 1]).toBe(app.rt.t('vi', 'submit.capped'));
    const queue = new Queue(CASES_QUEUE, { connection: app.rt.queueRedis });
    expect((await queue.getJobCounts('waiting')).waiting).toBe(2);
    await queue.close();
    expect(
      ((await readSlot(app.rt, 'telegram', resident))!.active!.state as { draft: { values: { what: string } } }).draft.values.what,
    ).toBe('Lần thứ 3: trộm xe đạp');
  });

  it('a flooding resident is answered up to the limit, told once to slow down, then ignored', async () => {
    const flooder = 810_002;
    await Promise.all(Array.from({ length: 60 }, () => driver.text(flooder, '/menu')));
    const texts = emu.sent(flooder).map((m) => m.text ?? '');
    // 30 answered (with the menu), then the one warning, then nothing.
    expect(texts).toEqual([...Array<string>(30).fill(app.rt.t('vi', 'menu.title')), app.rt.t('vi', 'guard.flood')]);
  });

  it('a resident chatting fast in a group is not counted: the bot stays silent there and still answers their command', async () => {
    const chatty = 810_003;
    const group = -100_810_003;
    for (let i = 0; i < 40; i++) await driver.text(chatty, `Tin nhắn ${i} trong nhóm`, group);
    expect(emu.sent(group)).toEqual([]);
    await driver.text(chatty, '/menu', group);
    expect(emu.sent(group).map((m) => m.text)).toContain(app.rt.t('vi', 'group.howTo'));
    expect(emu.sent(group).map((m) => m.text)).not.toContain(app.rt.t('vi', 'guard.flood'));
  });

  it('a group whose members all call the bot at once is answered up to its limit, told once, then left alone; each member can still write privately', async () => {
    const group = -100_810_004;
    const members = Array.from({ length: 25 }, (_, i) => 810_100 + i);
    for (const member of members) await driver.text(member, '/menu', group);
    const texts = emu.sent(group).map((m) => m.text ?? '');
    expect(texts).toEqual([...Array<string>(10).fill(app.rt.t('vi', 'group.howTo')), app.rt.t('vi', 'guard.groupFlood')]);
    // The quiet is the group's, not its members': the last of them is answered in private.
    await driver.text(members[24], '/menu');
    expect(emu.sent(members[24]).map((m) => m.text)).toEqual([app.rt.t('vi', 'menu.title')]);
    // Another group is not held up by this one.
    await driver.text(members[0], '/menu', group - 1);
    expect(emu.sent(group - 1).map((m) => m.text)).toEqual([app.rt.t('vi', 'group.howTo')]);
  });
});
