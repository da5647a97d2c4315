import type { AppHarness } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { TelegramDriver, refCodeIn } from '../support/telegram-driver';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * The relay's bounds (issue 14, point 10), against the real bot and worker, the Telegram emulator,
 * Redis and the database: links and @mentions in an officer's question reach the tipster
 * defanged; officers ask at most RELAY_QUESTIONS_PER_CASE questions about one case; and none once
 * RELAY_CLOSE_DAYS have passed since the tipster last wrote about it.
 */
const OFFICER = 100000001;
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;
let driver: TelegramDriver;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp({
    RELAY_QUESTIONS_PER_CASE: '2',
    RELAY_CLOSE_DAYS: '30',
  }));
  driver = new TelegramDriver(app.bot!.telegram!, 6_000_000);
}, 30_000);

afterAll(async () => {
  await stop?.();
});

const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);
const officer = () => chatReader(emu, OFFICER);

/** A tip from `resident`, stored and alerted: its reference code. */
async function tip(resident: number): Promise<string> {
  const chat = chatReader(emu, resident);
  await driver.tip(resident);
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(code) && text(m).includes('MỚI'));
  return code;
}

it('shows links and @mentions defanged, and stops at the per-case question limit', async () => {
  const resident = 831;
  const code = await tip(resident);
  const chat = chatReader(emu, resident);

  await driver.text(OFFICER, `/hoi ${code} Xem ảnh ở https://bit.ly/abc?x=1 hoặc t.me/ban_xe rồi nhắn @ban_xe nhé`);
  const asked = text(await chat.next((m) => text(m).includes(code) && text(m).includes('Xem ảnh')));
  expect(asked).toContain('Xem ảnh ở hxxps://bit[.]ly/abc?x=1 hoặc t[.]me/ban_xe rồi nhắn ＠ban_xe nhé');
  expect(asked).not.toMatch(/https?:\/\/|t\.me|@ban_xe/);
  // The officer's own record keeps the question as written.
  const history = (await app.rt.store.cases.byRefCode(code))!.history.filter((h) => h.action === 'question');
  expect(history.map((h) => h.note)).toEqual(['Xem ảnh ở https://bit.ly/abc?x=1 hoặc t.me/ban_xe rồi nhắn @ban_xe nhé']);

  await driver.text(OFFICER, `/hoi ${code} Câu hỏi thứ hai?`);
  await chat.next((m) => text(m).includes('Câu hỏi thứ hai?'));
  const desk = officer();
  await driver.text(OFFICER, `/hoi ${code} Câu hỏi thứ ba?`);
  expect(text(await desk.next((m) => text(m).includes('Không thể hỏi thêm')))).toBe(t('officer.relay.limitReached', { code, count: 2 }));
  await new Promise((r) => setTimeout(r, 1000));
  expect(emu.sent(resident).filter((m) => text(m).includes('Câu hỏi thứ ba?'))).toEqual([]);
  expect((await app.rt.store.cases.byRefCode(code))!.history.filter((h) => h.action === 'question')).toHaveLength(2);
});

it('asks no question once RELAY_CLOSE_DAYS have passed since the tipster last wrote about the case', async () => {
  const resident = 832;
  const code = await tip(resident);
  const c = (await app.rt.store.cases.byRefCode(code))!;
  const longAgo = new Date(Date.now() - 40 * 86_400_000);
  await app.rt.db
    .collection('cases')
    .updateOne({ _id: c.caseId } as Record<string, unknown>, { $set: { submittedAt: longAgo, 'history.0.at': longAgo } });
  const desk = officer();
  await driver.text(OFFICER, `/hoi ${code} Còn thấy nhóm đó không?`);
  expect(text(await desk.next((m) => text(m).includes(code) && text(m).includes('ngày')))).toBe(
    t('officer.relay.idle', { code, count: 30 }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  expect(emu.sent(resident).filter((m) => text(m).includes('Còn thấy nhóm đó không?'))).toEqual([]);
});
