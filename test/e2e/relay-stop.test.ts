import type { AppHarness } from '../support/app-harness';
import { buttons, chatReader } from '../support/telegram-chat';
import { TelegramDriver, refCodeIn } from '../support/telegram-driver';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * A tipster's lasting "stop questions" (issue 14, point 10) on Telegram, against the real bot and
 * worker, Redis and the database: every question carries a button; pressed, the open question
 * closes, the officer who asked is told, the case's history records it (by 'resident', nothing of
 * theirs), and every later /hoi on the case is refused with the reason while the case is open.
 * Typed words do the same; "đúng" stays an answer.
 */
const OFFICER = 100000001;
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;
let driver: TelegramDriver;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp());
  driver = new TelegramDriver(app.bot!.telegram!, 7_000_000);
}, 30_000);

afterAll(async () => {
  await stop?.();
});

const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);

async function tip(resident: number): Promise<string> {
  const chat = chatReader(emu, resident);
  await driver.tip(resident);
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(code) && text(m).includes('MỚI'));
  return code;
}

it('a tipster presses "stop asking me": the officer is told, /hoi is refused from then on, the history says so', async () => {
  const resident = 841;
  const code = await tip(resident);
  const { caseId } = (await app.rt.store.cases.byRefCode(code))!;
  const chat = chatReader(emu, resident);
  const desk = chatReader(emu, OFFICER);

  await driver.text(OFFICER, `/hoi ${code} Xe máy màu gì?`);
  const asked = await chat.next((m) => text(m).includes('Xe máy màu gì?'));
  expect(text(asked)).toContain(t('officer.relay.stop.hintButton'));
  expect(text(asked)).not.toMatch(/vị trí/);
  expect(buttons(asked)).toEqual([`relay:stop:${caseId}`]);

  await driver.press(resident, `relay:stop:${caseId}`);
  expect(text(await chat.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.done', { code }));
  expect(text(await desk.next((m) => text(m).includes('🚫')))).toBe(t('officer.relay.stop.toOfficer', { code }));
  const c = (await app.rt.store.cases.byRefCode(code))!;
  expect(c.history.at(-1)).toEqual({ at: expect.any(Date), action: 'questions_stopped', by: 'resident' });
  // Without the times: a timestamp's milliseconds can spell the id by chance.
  expect(JSON.stringify(c.history.map(({ action, by, note }) => ({ action, by, note })))).not.toContain(String(resident));

  // The question closed: what the tipster writes next reaches no officer.
  await driver.text(resident, 'Màu đỏ');
  await chat.next();
  expect(emu.sent(OFFICER).filter((m) => text(m).includes('Màu đỏ'))).toEqual([]);

  await driver.text(OFFICER, `/hoi ${code} Còn thấy xe đó không?`);
  expect(text(await desk.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.refused', { code }));
  // Asked without the question first, then typed: refused the same way.
  await driver.text(OFFICER, `/hoi ${code}`);
  expect(text(await desk.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.refused', { code }));
  await new Promise((r) => setTimeout(r, 1000));
  expect(emu.sent(resident).filter((m) => text(m).includes('Còn thấy xe đó không?'))).toEqual([]);
  expect((await app.rt.store.cases.byRefCode(code))!.history.filter((h) => h.action === 'question')).toHaveLength(1);

  // Pressed again later: it still holds, and nothing is recorded twice.
  await driver.press(resident, `relay:stop:${caseId}`);
  expect(text(await chat.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.already', { code }));
  expect((await app.rt.store.cases.byRefCode(code))!.history.filter((h) => h.action === 'questions_stopped')).toHaveLength(1);

  // Nobody else can stop questions on the case with its button.
  const other = chatReader(emu, 849);
  await driver.press(849, `relay:stop:${caseId}`);
  expect(text(await other.next())).toBe(t('officer.staleButton'));
});

it('typed: "đúng" is an answer, "Đừng hỏi nữa!" stops the questions', async () => {
  const resident = 842;
  const code = await tip(resident);
  const chat = chatReader(emu, resident);
  const desk = chatReader(emu, OFFICER);

  await driver.text(OFFICER, `/hoi ${code} Có phải hai người không?`);
  await chat.next((m) => text(m).includes('Có phải hai người không?'));
  await driver.text(resident, 'đúng');
  await chat.next((m) => text(m).includes('Đã chuyển câu trả lời'));
  expect(text(await desk.next((m) => text(m).includes('Người báo trả lời')))).toContain('đúng');

  await driver.text(OFFICER, `/hoi ${code} Họ đi về hướng nào?`);
  await chat.next((m) => text(m).includes('Họ đi về hướng nào?'));
  await driver.text(resident, 'Đừng hỏi nữa!');
  expect(text(await chat.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.done', { code }));
  await desk.next((m) => text(m).includes('🚫'));
  await driver.text(OFFICER, `/hoi ${code} Thêm một câu?`);
  expect(text(await desk.next((m) => text(m).includes(code)))).toBe(t('officer.relay.stop.refused', { code }));
  expect(emu.sent(OFFICER).filter((m) => text(m).includes('Đừng hỏi nữa'))).toEqual([]);
});
