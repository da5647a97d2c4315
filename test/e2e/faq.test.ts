import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTranslator } from '../../src/i18n/translator';
import { RedisFaqMisses } from '../../src/features/faq/adapters/faq-misses';
import { startApp, type AppHarness } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * The FAQ through the real bot on Telegram (privacy mode on, as in production): questions in a
 * private chat, `/hoi` and mentions in a group, unanswered questions counted in Redis without who
 * asked, and scripts/faq-misses reading the count.
 */
describe('FAQ on Telegram', () => {
  const t = createTranslator();
  let emu: TelegramEmulator;
  let app: AppHarness;
  const GROUP = -1001000000888;

  beforeAll(async () => {
    emu = new TelegramEmulator({ privacyMode: true });
    await emu.start();
    app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot });
    await emu.waitForCall('getUpdates');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it('answers a resident’s question typed without diacritics, and says so when it has no answer', async () => {
    const resident = emu.user(601);
    const chat = chatReader(emu, 601);
    resident.sendText(601, 'lam sao kich hoat vneid');
    const answer = await chat.next();
    expect(answer.text).toBe(t('vi', 'faq.entries.vneid.answer'));
    expect(answer.parse_mode).toBeUndefined();
    resident.sendText(601, 'Giá điện tháng này bao nhiêu, gọi 0912 345 678 hỏi được không?');
    expect((await chat.next()).text).toBe(t('vi', 'faq.noMatch'));
    expect((await chat.question(t('vi', 'menu.title'))).text).toBe(t('vi', 'menu.title'));
  });

  it('names the area officer of the resident’s group, from the directory', async () => {
    const resident = emu.user(603);
    const chat = chatReader(emu, 603);
    resident.sendText(603, '/thamgia KP1TO3');
    await chat.question(t('vi', 'menu.title'));
    resident.sendText(603, 'canh sat khu vuc cua toi la ai?');
    const answer = await chat.next((m) => (m.text ?? '').startsWith('👮'));
    expect(answer.text).toContain(t('vi', 'faq.yourOfficer', { area: 'Khu phố 1 – Tổ dân phố 3', officers: 'Thiếu úy Trần Minh Khoa' }));
  });

  it('answers /hoi and a mention in a group, and sees nothing of the group’s chatter', async () => {
    const resident = emu.user(602);
    const group = chatReader(emu, GROUP);
    resident.sendText(GROUP, '/hoi@totuquan_test_bot tam tru o dau');
    expect((await group.next()).text).toBe(t('vi', 'faq.entries.residence.answer'));
    resident.sendText(GROUP, '@totuquan_test_bot bị lừa chuyển tiền thì báo ở đâu?');
    expect((await group.next()).text).toBe(t('vi', 'faq.entries.scam.answer'));
    resident.sendText(GROUP, 'tạm trú ở đâu vậy mọi người');
    resident.sendText(GROUP, '/hoi lịch cắt điện tuần này?');
    expect((await group.next()).text).toBe(t('vi', 'faq.groupNoMatch'));
    expect(emu.stats.hiddenByPrivacy).toBeGreaterThan(0);
  });

  it('counts unanswered questions by their folded text only, and scripts/faq-misses prints them', async () => {
    const [day] = await app.rt.redis.keys('faq:misses:*');
    const misses = await app.rt.redis.hgetall(day);
    // Only the FAQ's words are kept, and the day's counts go 90 days after it.
    expect(JSON.stringify(misses)).not.toMatch(/0912|345|678/);
    const ttl = await app.rt.redis.ttl(day);
    expect(ttl).toBeGreaterThan(89 * 86_400);
    expect(ttl).toBeLessThanOrEqual(91 * 86_400);
    const counter = new RedisFaqMisses(app.rt.redis);
    const [first] = Object.keys(misses);
    await counter.record(first);
    expect((await counter.top(1))[0]).toEqual({ question: first, count: 2 });

    const run = promisify(execFile);
    const { stdout } = await run('bash', [join(__dirname, '..', '..', 'scripts', 'faq-misses'), '--top', '5'], {
      env: { ...process.env, REDIS_URL: app.rt.config.redisUrl },
    });
    expect(stdout).toContain(`2  ${first}`);
    expect(JSON.stringify(misses)).not.toMatch(/601|602|0912/);
  }, 60_000);

  it('stops adding new questions at the cap but keeps counting known ones', async () => {
    const capped = new RedisFaqMisses(app.rt.redis, 2);
    await capped.clear();
    await capped.record('a b c');
    await capped.record('d e f');
    await capped.record('g h i');
    await capped.record('a b c');
    expect(await capped.top(10)).toEqual([
      { question: 'a b c', count: 2 },
      { question: 'd e f', count: 1 },
    ]);
  });

  it('never logs the questions', () => {
    const logs = app.logs.join('\n');
    for (const secret of ['kich hoat', 'Giá điện', '0912', 'lịch cắt', 'tam tru']) expect(logs).not.toContain(secret);
  });
});
