import { readSlot, startApp, type AppHarness } from '../support/app-harness';
import { openCaseField } from '../../src/domain/case-seals';
import { buttons, chatReader } from '../support/telegram-chat';
import { strippedJpeg } from '../support/sample-media';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * The real telegraf bot, polling a local server that speaks the Telegram Bot API, with real Redis,
 * BullMQ and the database: a resident taps through from the group to a private chat, completes a
 * tip or a mediation request, and the officer's chat receives the alert.
 */
describe('Telegram end to end', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  const GROUP = -1001000000777;
  const OFFICER = '100000001';
  const MEDIATOR = '100000004';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, SUPERADMINS: 'telegram:900' });
    await emu.waitForCall('getUpdates');
    const admin = emu.user(900, { firstName: 'Tổ trưởng' });
    const group = chatReader(emu, GROUP);
    admin.addBotToGroup(GROUP, 'Tổ tự quản KP1 – Tổ 3');
    const welcome = await group.next((m) => (m.text ?? '').includes('Xin chào tổ dân phố'));
    expect(buttons(welcome)).toEqual([
      expect.stringMatching(/^https:\/\/t\.me\/totuquan_test_bot\?start=tip_[A-Z0-9]{6}$/),
      expect.stringMatching(/start=hg_/),
    ]);
    admin.sendText(GROUP, '/khuvuc kp1-to3');
    await group.next((m) => (m.text ?? '').includes('Đã gắn nhóm với địa bàn kp1-to3'));
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  /** A resident asks in the group and follows the button into a private chat. */
  async function openPrivateChat(userId: number, command: string, payloadPrefix: string) {
    const resident = emu.user(userId, { firstName: 'Cư dân' });
    const group = chatReader(emu, GROUP);
    resident.sendText(GROUP, command);
    const answer = await group.next((m) => (m.text ?? '').includes('tin nhắn riêng'));
    const link = buttons(answer).find((b) => b.includes(`start=${payloadPrefix}_`))!;
    // Nothing about the tip is ever written in the group.
    const payload = new URL(link).searchParams.get('start')!;
    const chat = chatReader(emu, userId);
    resident.sendText(userId, `/start ${payload}`);
    return { resident, chat };
  }

  it('a tip from the group reaches the area officer with the map pin and the photo, nothing in the group', async () => {
    const before = emu.sent(GROUP).length;
    const { resident, chat } = await openPrivateChat(501, '/baotin', 'tip');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
    await chat.question('Chuyện gì đã xảy ra?');
    resident.sendText(501, 'Hai thanh niên đi xe Wave màu đỏ bẻ khóa xe máy trước nhà số 12');
    const where = await chat.next((m) => (m.text ?? '').includes('Ở đâu?'));
    expect(JSON.stringify(where.reply_markup ?? {})).not.toContain('request_location');
    resident.sendLocation(501, 10.7769, 106.7009);
    resident.pressButton(await chat.question('Khi nào?'), 'when:now');
    await chat.question('Bạn có ảnh');
    resident.sendPhoto(501, 'AgACAgUAAxkBAAIB-photo-file-id');
    resident.pressButton(await chat.question('Đã nhận 1 tệp'), 'nav:done');
    resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
    const summary = await chat.question('Kiểm tra lại tin báo');
    expect(summary.text).toContain('📍 đã gửi vị trí');
    resident.pressButton(summary, 'nav:confirm');
    const received = await chat.next((m) => (m.text ?? '').includes('Đã nhận tin báo'));
    const code = /TB-\d{4}-\d{4}/.exec(received.text!)![0];

    const officer = chatReader(emu, OFFICER);
    const alert = await officer.next((m) => (m.text ?? '').includes(code));
    expect(alert.text).toContain('Trộm cắp, cướp giật');
    expect(alert.text).toContain('Khu phố 1 – Tổ dân phố 3');
    expect(alert.text).toContain('Người báo: Ẩn danh');
    expect(alert.parse_mode).toBeUndefined();
    const pin = await officer.next((m) => m.method === 'sendLocation');
    expect([pin.latitude, pin.longitude]).toEqual([10.7769, 106.7009]);
    // Uploaded from the evidence store's copy (stripped of EXIF), not the resident's file_id re-sent.
    const photo = await officer.next((m) => m.method === 'sendPhoto');
    expect(photo.photo).not.toBe('AgACAgUAAxkBAAIB-photo-file-id');
    expect(emu.uploads.find((u) => u.file_id === photo.photo)?.data.equals(strippedJpeg())).toBe(true);

    const stored = await app.rt.store.cases.byRefCode(code);
    expect(stored).toMatchObject({ kind: 'tip', category: 'theft', anonymous: true, areaCode: 'kp1-to3', recipients: ['cskv-sg-01'] });
    expect(JSON.stringify(stored)).not.toContain('"501"');
    const groupTexts = emu
      .sent(GROUP)
      .slice(before)
      .map((m) => m.text ?? '')
      .join('\n');
    expect(groupTexts).not.toContain('Wave màu đỏ');
  });

  it('a mediation request reaches the officer and the mediator, with the contact the resident shared', async () => {
    const { resident, chat } = await openPrivateChat(502, '/hoagiai', 'hg');
    resident.pressButton(await chat.question('Mâu thuẫn về việc gì?'), 'category:noise');
    await chat.next((m) => (m.text ?? '').includes('giữa những ai'));
    resident.sendText(502, 'Nhà tôi và quán karaoke đầu hẻm');
    await chat.next((m) => (m.text ?? '').includes('mô tả ngắn gọn'));
    resident.sendText(502, 'Quán hát karaoke đến 1 giờ sáng, đã nhắc nhiều lần');
    resident.pressButton(await chat.question('hòa giải lần nào chưa'), 'mediatedBefore:yes');
    const ask = await chat.next((m) => (m.text ?? '').includes('Số điện thoại'));
    expect(JSON.stringify(ask.reply_markup)).toContain('request_contact');
    resident.sendContact(502, '+84 912 000 502');
    resident.pressButton(await chat.question('tiện liên hệ'), 'reachTime:evening');
    resident.pressButton(await chat.question('Kiểm tra lại yêu cầu hòa giải'), 'nav:confirm');
    const received = await chat.next((m) => (m.text ?? '').includes('Đã nhận yêu cầu hòa giải'));
    const code = /HG-\d{4}-\d{4}/.exec(received.text!)![0];
    for (const who of [OFFICER, MEDIATOR]) {
      const alert = await chatReader(emu, who).next((m) => (m.text ?? '').includes(code));
      expect(alert.text).toContain('Tiếng ồn, làm phiền');
      expect(alert.text).toContain('+84912000502 (người báo đồng ý cung cấp)');
    }
    const stored = await app.rt.store.cases.byRefCode(code);
    expect(stored?.contactEnc).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain('912000502');
    // Sealed bound to this case and field: copied into another case, or read as another field, it does not open.
    expect(openCaseField(app.rt.box, stored!.contactEnc!, stored!.caseId, 'contact')).toContain('912000502');
    expect(() => openCaseField(app.rt.box, stored!.contactEnc!, 'another-case', 'contact')).toThrow();
    expect(() => openCaseField(app.rt.box, stored!.contactEnc!, stored!.caseId, 'replyTo')).toThrow();
    expect(() => openCaseField(app.rt.box, stored!.replyTo!.chatIdEnc, 'another-case', 'replyTo')).toThrow();
  });

  it('shows residents’ text literally: HTML, Markdown and query operators are plain text everywhere', async () => {
    const { resident, chat } = await openPrivateChat(503, '/baotin', 'tip');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:other');
    await chat.question('Chuyện gì đã xảy ra?');
    const nasty = '<b>bold</b> *star* _u_ [x](http://evil) {"$gt":""} $where';
    resident.sendText(503, nasty);
    await chat.next((m) => (m.text ?? '').includes('Ở đâu?'));
    resident.sendText(503, '{"$ne": null}');
    resident.pressButton(await chat.question('Khi nào?'), 'when:today');
    resident.pressButton(await chat.question('Bạn có ảnh'), 'nav:done');
    resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
    resident.pressButton(await chat.question('Kiểm tra lại tin báo'), 'nav:confirm');
    const code = /TB-\d{4}-\d{4}/.exec((await chat.next((m) => (m.text ?? '').includes('Đã nhận tin báo'))).text!)![0];
    const alert = await chatReader(emu, OFFICER).next((m) => (m.text ?? '').includes(code));
    expect(alert.text).toContain(nasty);
    expect(alert.parse_mode).toBeUndefined();
    const stored = await app.rt.store.cases.byRefCode(code);
    expect(stored?.fields).toMatchObject({ what: nasty, where: '{"$ne": null}' });
  });

  it('answers stickers, oversized text and a flood politely, losing nothing', async () => {
    const resident = emu.user(504);
    const chat = chatReader(emu, 504);
    resident.sendText(504, '/baotin');
    await chat.question('Bạn ở tổ dân phố nào?');
    resident.sendSticker(504, 'CAACAgIAAxkBAAI-sticker');
    await chat.next((m) => (m.text ?? '').includes('chưa đọc được loại tin nhắn này'));
    resident.sendText(504, 'KP1TO3');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:fraud');
    resident.sendText(504, 'x'.repeat(4090));
    await chat.next((m) => (m.text ?? '').includes('Tin nhắn quá dài (4090 ký tự; tối đa 3000)'));
    resident.sendVoice(504, 'AwACAgUAAxkBAAI-voice');
    await chat.next((m) => (m.text ?? '').includes('Đã giữ ảnh/tệp'));
    for (let i = 0; i < 30; i++) resident.sendText(504, `Tin nhắn thứ ${i}`);
    await chat.next((m) => (m.text ?? '').includes('gửi tin nhắn quá nhanh'));
    const session = await readSlot(app.rt, 'telegram', 504);
    // Kept in the evidence store when it came: the draft holds our copy's id, not the file_id.
    expect((session!.active!.state as { draft: { attachments: unknown } }).draft.attachments).toEqual([
      { kind: 'voice', ref: expect.stringMatching(/^evidence:/) },
    ]);
    // Only one throttle notice, however many messages came.
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.sent(504).filter((m) => (m.text ?? '').includes('quá nhanh'))).toHaveLength(1);
  });

  it('drops NUL characters a broken client sends, so the database takes the tip (PostgreSQL refuses them)', async () => {
    const resident = emu.user(506);
    const chat = chatReader(emu, 506);
    resident.sendText(506, '/baotin');
    await chat.question('Bạn ở tổ dân phố nào?');
    resident.sendText(506, 'KP1\u0000TO3');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
    await chat.question('Chuyện gì đã xảy ra?');
    resident.sendText(506, 'Xe đạp\u0000 bị lấy mất ở nhà xe');
    await chat.next((m) => (m.text ?? '').includes('Ở đâu?'));
    resident.sendText(506, 'Nhà xe chung cư\u0000 A');
    resident.pressButton(await chat.question('Khi nào?'), 'when:today');
    resident.pressButton(await chat.question('Bạn có ảnh'), 'nav:done');
    resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
    resident.pressButton(await chat.question('Kiểm tra lại tin báo'), 'nav:confirm');
    const received = await chat.next((m) => (m.text ?? '').includes('Đã nhận tin báo'));
    const code = /TB-\d{4}-\d{4}/.exec(received.text!)![0];
    await emu.waitFor((m) => m.chat_id === OFFICER && (m.text ?? '').includes(code));
    const stored = await app.rt.store.cases.byRefCode(code);
    expect(stored?.fields).toMatchObject({ what: 'Xe đạp bị lấy mất ở nhà xe', where: 'Nhà xe chung cư A' });
  });

  it('keeps personal data out of the logs', () => {
    const logs = app.logs.join('\n');
    for (const secret of ['Wave màu đỏ', '912000502', '+84912000502', 'karaoke', '"501"', '"502"', 'Cư dân'])
      expect(logs).not.toContain(secret);
    expect(logs).toContain('case.stored');
  });
});
