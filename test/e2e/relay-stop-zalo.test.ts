import { newCaseId } from '../../src/app/bot';
import type { Lang } from '../../src/conversations/messages';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { RedisProfiles } from '../../src/redis/profiles';
import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type SentRecord } from '../support/zalo-emulator';

/**
 * A tipster's lasting "stop questions" on Zalo, which has no buttons: the question says which word
 * to send; a bare "dung" (dừng or đúng without diacritics) is asked about and the stop picked by
 * number; "dung hoi nua" and, in English, "stop" stop at once; the officer's next /hoi is refused.
 */
let emu: ZaloEmulator;
let app: AppHarness;
let intake: QueueCaseIntake;
const OFFICER = 'zl-officer-cskv-1';
const content = (r: SentRecord) => r.text ?? r.caption ?? '';

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  app = await startApp({
    ZALO_BOT_TOKEN: emu.token,
    ZALO_API_BASE: emu.apiBase,
    ZALO_RATE_PER_SECOND: '20',
    FLOOD_MESSAGES_PER_10S: '200',
    HOTSPOT_THRESHOLD: '1000',
  });
  intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
});

afterAll(async () => {
  await intake?.close();
  await app?.close();
  await emu?.stop();
});

async function reply(from: string, words: string, chat: string, until: string): Promise<SentRecord> {
  const seen = new Set(emu.sent(chat).map((r) => r.messageId));
  await emu.user(from).sendText(words);
  return emu.waitFor((r) => r.chatId === chat && !seen.has(r.messageId) && content(r).includes(until), 10_000);
}

/** A case from `resident`, alerted to the officer: its reference code. */
async function tipFrom(resident: string, lang: Lang = 'vi'): Promise<string> {
  const refCode = await intake.nextReferenceCode('tip', new Date());
  await intake.submit({
    caseId: newCaseId(),
    refCode,
    kind: 'tip',
    category: 'drugs',
    fields: { what: 'Nhóm thanh niên tụ tập ban đêm', where: 'Công viên đầu hẻm', when: 'today' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'zalo', chatIdSealed: app.rt.box.seal(resident) },
    lang,
    joinCode: 'KP1TO3',
    submittedAt: new Date().toISOString(),
  });
  await emu.waitFor((r) => r.chatId === OFFICER && content(r).includes(refCode), 10_000);
  return refCode;
}

it('understands a typed stop, asks about a bare "dung", and refuses the officer afterwards', async () => {
  const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);
  const resident = 'zl-resident-941';
  const code = await tipFrom(resident);

  await reply(OFFICER, `/hoi ${code} Nhóm đó mấy người?`, OFFICER, `Đã gửi câu hỏi tới người báo (${code})`);
  const asked = await emu.waitFor((r) => r.chatId === resident && content(r).includes('Nhóm đó mấy người?'), 10_000);
  expect(content(asked)).toContain('Nhắn “dừng”');
  expect(content(asked)).not.toMatch(/vị trí|\n1\./);

  const which = await reply(resident, 'dung', resident, code);
  expect(content(which)).toContain(t('officer.relay.stop.answerOrStop', { code }));
  expect(content(which)).toContain(`3. ${t('officer.relay.stop.button')}`);
  expect(content(await reply(resident, '3', resident, code))).toBe(t('officer.relay.stop.done', { code }));
  await emu.waitFor((r) => r.chatId === OFFICER && content(r) === t('officer.relay.stop.toOfficer', { code }), 10_000);
  expect(emu.sent(OFFICER).filter((r) => content(r).includes('Người báo trả lời'))).toEqual([]);

  expect(content(await reply(OFFICER, `/hoi ${code} Còn ở đó không?`, OFFICER, code))).toBe(t('officer.relay.stop.refused', { code }));
  const c = (await app.rt.store.cases.byRefCode(code))!;
  expect(c.history.filter((h) => h.action === 'questions_stopped')).toEqual([
    { at: expect.any(Date), action: 'questions_stopped', by: 'resident' },
  ]);

  // Another case of the same tipster can still be asked about: the stop is per case.
  const next = await tipFrom(resident);
  await reply(OFFICER, `/hoi ${next} Lúc mấy giờ?`, OFFICER, `Đã gửi câu hỏi tới người báo (${next})`);
  await emu.waitFor((r) => r.chatId === resident && content(r).includes('Lúc mấy giờ?'), 10_000);
  expect(content(await reply(resident, 'dung hoi nua', resident, next))).toBe(t('officer.relay.stop.done', { code: next }));
  await emu.waitFor((r) => r.chatId === OFFICER && content(r) === t('officer.relay.stop.toOfficer', { code: next }), 10_000);
});

it('in English: "stop" stops, and the officer (in Vietnamese) is refused', async () => {
  const resident = 'zl-resident-942';
  await new RedisProfiles(app.rt.redis, app.rt.box, app.rt.hash).update('zalo', resident, { lang: 'en' });
  const code = await tipFrom(resident, 'en');
  await reply(OFFICER, `/hoi ${code} How many were there?`, OFFICER, `(${code})`);
  const asked = await emu.waitFor((r) => r.chatId === resident && content(r).includes('How many were there?'), 10_000);
  expect(content(asked)).toContain('Send “stop”');
  expect(content(await reply(resident, 'STOP', resident, code))).toBe(app.rt.t('en', 'officer.relay.stop.done', { code }));
  await emu.waitFor((r) => r.chatId === OFFICER && content(r) === app.rt.t('vi', 'officer.relay.stop.toOfficer', { code }), 10_000);
  expect(content(await reply(OFFICER, `/hoi ${code} One more?`, OFFICER, code))).toBe(
    app.rt.t('vi', 'officer.relay.stop.refused', { code }),
  );
});
