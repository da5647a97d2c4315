import { chatKey } from '../../src/domain/chat';
import { reporterIndexOf } from '../../src/domain/reporter-index';
import { chatSlotKey } from '../../src/redis/chat-slots';
import { profileKey } from '../../src/redis/profiles';
import { readSlot, TEST_HASH, type AppHarness } from '../support/app-harness';
import { buttons, chatReader } from '../support/telegram-chat';
import { TelegramDriver, refCodeIn } from '../support/telegram-driver';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * A resident's `/xoadulieu` against the real telegraf bot and worker, the Telegram emulator, real
 * Redis, BullMQ and the database: a tip sent with a phone number, an officer's question waiting
 * for its answer, a second draft; a typed "ko" keeps everything; a typed "có" erases the profile,
 * the chat's slot (draft, relay) and every link from the resident's cases to them, found by the
 * blind index; the case stays for the officer, who can no longer ask the resident anything.
 */
const RESIDENT = 811;
const OFFICER = 100000001;
const PHONE = '0903123456';
const WORDS = 'Hai thanh niên bẻ khóa xe máy trước nhà số 12';
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;
let driver: TelegramDriver;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp());
  driver = new TelegramDriver(app.bot!.telegram!, 5_000_000);
}, 30_000);

afterAll(async () => {
  await stop?.();
});

const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);
const exists = async (key: string) => (await app.rt.redis.exists(key)) === 1;
const profile = profileKey(TEST_HASH, 'telegram', String(RESIDENT));
const slot = chatSlotKey(TEST_HASH, chatKey('telegram', String(RESIDENT)));
const settle = () => new Promise((r) => setTimeout(r, 1500));

it('a tip, an open question and a draft: "ko" keeps everything, "có" erases the resident and unlinks their case', async () => {
  const chat = chatReader(emu, RESIDENT);
  const officer = chatReader(emu, OFFICER);

  // A tip with a phone number, stored by the worker with the blind index of the resident.
  await driver.tip(RESIDENT, { what: WORDS, phone: PHONE });
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await officer.next((m) => text(m).includes(code) && text(m).includes('MỚI'));
  const index = reporterIndexOf(TEST_HASH, 'telegram', String(RESIDENT));
  const sent = (await app.rt.store.cases.byRefCode(code))!;
  expect(sent.reporterIndex).toBe(index);
  expect(sent.contactEnc).toBeDefined();
  expect(await app.rt.store.cases.idsByReporterIndex(index)).toEqual([sent.caseId]);

  // The officer asks; the question waits for the resident's answer in their chat's slot.
  await driver.text(OFFICER, `/hoi ${code} Anh/chị có thấy biển số không?`);
  await chat.next((m) => text(m).includes('Anh/chị có thấy biển số không?'));
  // The question acknowledged the case, so the resident is also told it was received, before or
  // after the question: waited for too, so that it cannot be read below as the answer to "ko".
  await emu.waitFor((m) => m.chat_id === String(RESIDENT) && text(m).includes(code) && text(m).includes('tiếp nhận'));
  expect((await readSlot(app.rt, 'telegram', RESIDENT))?.active?.owner).toBe('relay');

  // Asked to erase, the resident types "ko": nothing is erased, the question is still open.
  await driver.text(RESIDENT, '/xoadulieu');
  const confirm = await chat.next((m) => text(m) === t('privacy.erase.confirm'));
  expect(buttons(confirm)).toEqual(['erase:yes', 'erase:no']);
  await driver.text(RESIDENT, 'ko');
  expect(text(await chat.next())).toBe(t('privacy.erase.cancelled'));
  expect(await exists(profile)).toBe(true);
  expect((await readSlot(app.rt, 'telegram', RESIDENT))?.active?.owner).toBe('relay');
  expect((await app.rt.store.cases.byCaseId(sent.caseId))!.reporterIndex).toBe(index);

  // A second tip begun and not sent: a draft with the resident's words in the slot.
  await driver.text(RESIDENT, '/start tip_KP1TO3');
  await driver.press(RESIDENT, 'category:theft');
  await driver.text(RESIDENT, 'Xe đạp bị lấy trộm ở nhà tôi');
  const full = await readSlot(app.rt, 'telegram', RESIDENT);
  expect([full?.active?.owner, full?.waiting?.owner]).toEqual(['flow', 'relay']);

  // The slot is full (a draft, the question behind it): asked and answered "không", both are still there.
  await driver.text(RESIDENT, '/xoadulieu');
  await chat.next((m) => text(m) === t('privacy.erase.confirm'));
  await driver.text(RESIDENT, 'không');
  expect(text(await chat.next())).toBe(t('privacy.erase.cancelled'));
  expect(await readSlot(app.rt, 'telegram', RESIDENT)).toEqual(full);

  // Erased, with a typed "có".
  await driver.text(RESIDENT, '/xoadulieu');
  await chat.next((m) => text(m) === t('privacy.erase.confirm'));
  await driver.text(RESIDENT, 'có');
  const done = text(await chat.next((m) => text(m).startsWith(t('privacy.erase.done.title'))));
  expect(done).toContain(t('privacy.erase.done.profile'));
  expect(done).toContain(t('privacy.erase.done.conversation'));
  expect(done).toContain(t('privacy.erase.done.cases', { count: 1 }));

  // Redis: the profile and the chat's slot (draft, relay) are gone.
  expect(await exists(profile)).toBe(false);
  expect(await exists(slot)).toBe(false);
  // The case stays for the officers, linked to nobody: no contact, no chat, no blind index.
  const after = (await app.rt.store.cases.byCaseId(sent.caseId))!;
  expect(after.fields.what).toBe(WORDS);
  expect(after.contactEnc).toBeUndefined();
  expect(after.replyTo).toBeUndefined();
  expect(after.reporterIndex).toBeUndefined();
  expect(after.unlinkedAt).toBeInstanceOf(Date);
  expect(await app.rt.store.cases.idsByReporterIndex(index)).toEqual([]);
  // The notices written to the resident lost their sealed chat.
  const notices = await app.rt.store.notices.forCase(sent.caseId);
  expect(notices.length).toBeGreaterThan(0);
  expect(notices.filter((n) => n.chatIdEnc !== undefined)).toEqual([]);
  const stored = JSON.stringify(await app.rt.db.collection('cases').findOne({ _id: sent.caseId } as Record<string, unknown>));
  expect(stored).not.toContain('chatIdEnc');
  expect(stored).not.toContain('contactEnc');

  // The relay is closed: the resident's next message reaches no officer, and the officer cannot ask again.
  const before = emu.sent(OFFICER).length;
  await driver.text(RESIDENT, 'Biển số 59X1-123.45');
  await settle();
  expect(
    emu
      .sent(OFFICER)
      .slice(before)
      .filter((m) => text(m).includes('59X1')),
  ).toEqual([]);
  expect((await app.rt.store.cases.byCaseId(sent.caseId))!.history.map((h) => h.action)).not.toContain('answer');
  await driver.text(OFFICER, `/hoi ${code} Còn thấy nhóm đó không?`);
  expect(text(await officer.next((m) => text(m).includes('Không thể hỏi người báo')))).toBe(t('officer.relay.unreachable', { code }));
  // The officer still sees the report.
  await driver.text(OFFICER, `/xem ${code}`);
  await officer.next((m) => text(m).includes(WORDS));
  // And the resident's account no longer opens its status.
  await driver.text(RESIDENT, `/trangthai ${code}`);
  expect(text(await chat.next((m) => text(m).includes(code)))).toBe(t('officer.statusUnknown', { code }));

  // The log says an erasure happened and how much, never who.
  const line = app.logs.find((l) => l.includes('privacy.erased'))!;
  expect(JSON.parse(line)).toMatchObject({ channel: 'telegram', cases: 1 });
  expect(line).not.toContain(String(RESIDENT));
});

it('a group is told to use the private chat; a stale button erases nothing', async () => {
  const GROUP = -1001000000811;
  const resident = 812;
  const to = (chatId: number, words: string) => emu.waitFor((m) => m.chat_id === String(chatId) && text(m) === words);
  await driver.text(resident, '/thamgia KP1TO3');
  await emu.waitFor((m) => m.chat_id === String(resident) && text(m).startsWith('Đã ghi nhận'));
  await driver.text(resident, '/xoadulieu', GROUP);
  await to(GROUP, t('privacy.erase.privateOnly'));
  await driver.press(resident, 'erase:yes');
  await to(resident, t('privacy.erase.stale'));
  expect(await exists(profileKey(TEST_HASH, 'telegram', String(resident)))).toBe(true);

  // In English, by the English command and a typed "yes": told in English what went.
  await driver.text(resident, '/lang en');
  await driver.text(resident, '/deletemydata');
  await to(resident, app.rt.t('en', 'privacy.erase.confirm'));
  await driver.text(resident, 'yes');
  const en = (k: string) => app.rt.t('en', k);
  await to(resident, [en('privacy.erase.done.title'), en('privacy.erase.done.profile'), '', en('privacy.erase.done.after')].join('\n'));
  expect(await exists(profileKey(TEST_HASH, 'telegram', String(resident)))).toBe(false);
});
