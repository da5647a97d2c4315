import type { AppHarness } from '../support/app-harness';
import { buttons, chatReader } from '../support/telegram-chat';
import { refCodeIn } from '../support/telegram-driver';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * The form protects the tipster (issue 14, point 3), on Telegram against the real bot and worker:
 * no "share my current location" button, and the place question warns that one's own position may
 * be one's home (a place picked on the map is still taken); a voice note is met with a warning that
 * it carries the tipster's voice and a way to take it out of the report again, before it is sent;
 * in an answer to an officer it goes only once the tipster says so.
 */
const OFFICER = 100000001;
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp());
}, 30_000);

afterAll(async () => {
  await stop?.();
});

const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);

/** A tip up to its media step, the place picked on the map. */
async function toMedia(userId: number) {
  const resident = emu.user(userId);
  const chat = chatReader(emu, userId);
  resident.sendText(userId, '/start tip_KP1TO3');
  resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
  await chat.question('Chuyện gì đã xảy ra?');
  resident.sendText(userId, 'Hai thanh niên bẻ khóa xe máy trước cổng chợ');
  const where = await chat.next((m) => text(m).includes('Ở đâu?'));
  expect(text(where)).toBe(t('tip.where'));
  expect(text(where)).toContain('Đừng gửi vị trí hiện tại của bạn');
  expect(JSON.stringify(where.reply_markup ?? {})).not.toContain('request_location');
  resident.sendLocation(userId, 10.7769, 106.7009);
  resident.pressButton(await chat.question('Khi nào?'), 'when:now');
  const media = await chat.question('Bạn có ảnh');
  expect(text(media)).toContain('tin nhắn thoại mang giọng nói của bạn');
  return { resident, chat, media };
}

it('warns about a voice note when it arrives and lets the tipster take it out before sending', async () => {
  const { resident, chat } = await toMedia(861);
  resident.sendVoice(861, 'AwACAgUAAxkBAAIB-voice-861');
  const received = await chat.next((m) => text(m).includes(t('flow.mediaReceived', { count: 1 })));
  expect(text(received)).toContain(t('flow.voiceWarning'));
  expect(buttons(received)).toContain('nav:dropVoice');
  resident.pressButton(received, 'nav:dropVoice');
  expect(text(await chat.next((m) => text(m).includes('Đã bỏ')))).toBe(t('flow.voiceRemoved', { count: 1 }));
  const again = await chat.question('Bạn có ảnh');
  expect(buttons(again)).not.toContain('nav:dropVoice');
  resident.pressButton(again, 'nav:done');
  resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
  const summary = await chat.question('Kiểm tra lại tin báo');
  expect(buttons(summary)).not.toContain('nav:dropVoice');
  resident.pressButton(summary, 'nav:confirm');
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(code));
  const stored = (await app.rt.store.cases.byRefCode(code))!;
  expect(stored.attachments).toEqual([]);
  expect(stored.location).toEqual({ latitude: 10.7769, longitude: 106.7009 });
});

it('keeps a voice note the tipster chose to keep, and offers its removal again at the summary', async () => {
  const { resident, chat } = await toMedia(862);
  resident.sendVoice(862, 'AwACAgUAAxkBAAIB-voice-862');
  resident.pressButton(await chat.next((m) => text(m).includes(t('flow.voiceWarning'))), 'nav:done');
  resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
  const summary = await chat.question('Kiểm tra lại tin báo');
  expect(buttons(summary)).toEqual(['nav:confirm', 'nav:edit', 'nav:dropVoice', 'nav:cancel']);
  resident.pressButton(summary, 'nav:confirm');
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && m.method === 'sendVoice');
  expect((await app.rt.store.cases.byRefCode(code))!.attachments.map((a) => a.kind)).toEqual(['voice']);
});

it('holds a voice note answering an officer until the tipster says to send it', async () => {
  const { resident, chat, media } = await toMedia(863);
  resident.pressButton(media, 'nav:done');
  resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
  resident.pressButton(await chat.question('Kiểm tra lại tin báo'), 'nav:confirm');
  const code = refCodeIn(text(await chat.next((m) => refCodeIn(text(m)) !== undefined)))!;
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(code));
  const officer = emu.user(OFFICER);
  const desk = chatReader(emu, OFFICER);
  officer.sendText(OFFICER, `/hoi ${code} Họ đi xe gì?`);
  await chat.next((m) => text(m).includes('Họ đi xe gì?'));

  resident.sendVoice(863, 'AwACAgUAAxkBAAIB-voice-863a');
  // The notice that the case was acknowledged (the question acknowledged it) may come before or
  // after the question: the one awaited here is the warning about the voice.
  const ask = await chat.next((m) => text(m) === t('officer.relay.voiceConfirm', { code }));
  expect(buttons(ask)).toContain('relay:no');
  resident.pressButton(ask, 'relay:no');
  await chat.next((m) => text(m).includes(`Hãy gửi câu trả lời cho câu hỏi về ${code}`));
  const relayed = () =>
    emu.sent(OFFICER).filter((m) => text(m).includes(code) && (m.method === 'sendVoice' || text(m).includes('Người báo trả lời')));
  expect(relayed()).toEqual([]);

  resident.sendVoice(863, 'AwACAgUAAxkBAAIB-voice-863b');
  resident.pressButton(await chat.next((m) => text(m).includes(code)), 'relay:yes');
  await chat.next((m) => text(m).includes(`Đã chuyển câu trả lời của bạn tới cán bộ phụ trách (${code})`));
  await desk.next((m) => text(m).includes('Người báo trả lời'));
  await desk.next((m) => m.method === 'sendVoice' && text(m).includes(code));
  expect(relayed().filter((m) => m.method === 'sendVoice')).toHaveLength(1);
});
