import { caseFieldAad } from '../../src/domain/case-seals';
import { allText, ids, last, memoryBot, TEST_BOX } from '../support/memory-ports';

/** Drives the tip flow message by message through the conversation service, as a resident would. */
describe('tip flow', () => {
  async function toConfirm(bot = memoryBot(), who = bot.person()) {
    await who.say('/start');
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    await who.tap('category:theft');
    await who.say('Hai thanh niên bẻ khóa xe máy trước nhà số 12');
    await who.say('Hẻm 45 Lê Lợi, gần tạp hóa Minh');
    await who.tap('when:earlier');
    await who.say('Tối qua khoảng 22 giờ');
    await who.send({ attachments: [{ kind: 'photo', ref: 'photo-1' }] });
    await who.tap('nav:done');
    await who.tap('identity:contact');
    const summary = await who.send({ contactPhone: '+84912345678' });
    return { bot, who, summary };
  }

  it('walks every step to a summary and submits one case with the contact sealed', async () => {
    const { bot, who, summary } = await toConfirm();
    const text = last(summary).text;
    expect(text).toContain('Trộm cắp, cướp giật');
    expect(text).toContain('Hẻm 45 Lê Lợi');
    expect(text).toContain('Tối qua khoảng 22 giờ');
    expect(text).toContain('1 tệp đính kèm');
    expect(text).toContain('+84912345678');
    expect(ids(last(summary))).toEqual(['nav:confirm', 'nav:edit', 'nav:cancel']);

    const done = await who.tap('nav:confirm');
    expect(allText(done)).toMatch(/Mã tin báo của bạn: TB-2611-0001/);
    expect(allText(done)).toContain('xóa cuộc trò chuyện');
    expect(allText(done)).toContain('báo tin sai sự thật');
    expect(bot.intake.submitted).toHaveLength(1);
    const s = bot.intake.submitted[0];
    expect(s).toMatchObject({ kind: 'tip', category: 'theft', anonymous: false, joinCode: 'KP1TO3', refCode: 'TB-2611-0001' });
    expect(s.fields).toEqual({
      what: 'Hai thanh niên bẻ khóa xe máy trước nhà số 12',
      where: 'Hẻm 45 Lê Lợi, gần tạp hóa Minh',
      when: 'earlier',
      whenDetail: 'Tối qua khoảng 22 giờ',
      identity: 'contact',
    });
    expect(s.attachments).toEqual([{ kind: 'photo', ref: 'photo-1' }]);
    expect(JSON.stringify(s)).not.toContain('0912345678');
    expect(TEST_BOX.open(s.contactSealed!, caseFieldAad(s.caseId, 'contact'))).toBe('+84912345678');
    expect(TEST_BOX.open(s.replyTo.chatIdSealed, caseFieldAad(s.caseId, 'replyTo'))).toBe('u1');
    expect(await bot.sessions.get('console:u1')).toBeNull();
  });

  it('keeps an anonymous tip anonymous: no contact step, no contact sealed', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.tap('nav:skip');
    await who.tap('category:drugs');
    await who.say('Có người tụ tập sử dụng ma túy ở bãi đất trống');
    await who.send({ location: { latitude: 10.77, longitude: 106.7 } });
    await who.tap('when:now');
    await who.tap('nav:done');
    const summary = await who.tap('identity:anonymous');
    expect(ids(last(summary))).toContain('nav:confirm');
    await who.tap('nav:confirm');
    const s = bot.intake.submitted[0];
    expect(s.anonymous).toBe(true);
    expect(s.contactSealed).toBeUndefined();
    expect(s.joinCode).toBeUndefined();
    expect(s.location).toEqual({ latitude: 10.77, longitude: 106.7 });
  });

  it('goes back one step at a time and cancels from anywhere, sending nothing', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    await who.tap('category:fraud');
    const back = await who.tap('nav:back');
    expect(last(back).text).toBe('Tin báo về việc gì?');
    await who.tap('category:gambling');
    await who.say('Sòng bạc trong nhà số 7 mỗi tối');
    const cancelled = await who.say('/huy');
    expect(allText(cancelled)).toContain('Đã hủy');
    expect(bot.intake.submitted).toHaveLength(0);
    expect(await bot.sessions.get('console:u1')).toBeNull();
    expect(allText(await who.say('/huy'))).toContain('Không có việc gì đang làm dở');
  });

  it('edits one field from the summary and returns straight to it', async () => {
    const { who } = await toConfirm();
    const which = await who.tap('nav:edit');
    expect(ids(last(which))).toContain('__edit:where');
    const ask = await who.tap('__edit:where');
    expect(last(ask).text).toContain('Ở đâu?');
    const summary = await who.say('Số 3 đường Nguyễn Huệ');
    expect(last(summary).text).toContain('Số 3 đường Nguyễn Huệ');
    expect(ids(last(summary))).toEqual(['nav:confirm', 'nav:edit', 'nav:cancel']);
  });

  it('editing "when" to "earlier" asks the new question before the summary', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    await who.tap('category:racing');
    await who.say('Nhóm thanh niên đua xe trên đường ven sông');
    await who.say('Đường ven sông Sài Gòn');
    await who.tap('when:now');
    await who.tap('nav:done');
    await who.tap('identity:anonymous');
    await who.tap('nav:edit');
    await who.tap('__edit:when');
    const detail = await who.tap('when:earlier');
    expect(last(detail).text).toContain('Cụ thể là khi nào');
    const summary = await who.say('Đêm thứ bảy');
    expect(last(summary).text).toContain('Đêm thứ bảy');
  });

  it('answers bad input politely and keeps the draft', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    expect(allText(await who.say('ZZZZZZ'))).toContain('Không tìm thấy mã tổ dân phố');
    await who.say('kp1to3');
    expect(allText(await who.say('không biết chọn gì'))).toContain('Hãy chọn một trong các mục');
    expect(allText(await who.tap('category:nonsense'))).toContain('Nút này thuộc câu hỏi trước');
    await who.tap('category:theft');
    expect(allText(await who.say('ừ'))).toContain('hơi ngắn');
    expect(allText(await who.say('x'.repeat(3001)))).toContain('quá dài (3001 ký tự; tối đa 3000)');
    expect(allText(await who.send({ unsupported: 'sticker' }))).toContain('chưa đọc được loại tin nhắn này');
    expect(allText(await who.say('/foo'))).toContain('Không có lệnh /foo');
    const state = await bot.sessions.get('console:u1');
    expect(state?.step).toBe('what');
    expect(state?.draft.values.category).toBe('theft');
  });

  it('understands typed answers: numbers, labels, and labels without diacritics', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.say('1'); // menu: send a tip
    await who.say('KP1TO3');
    await who.say('trom cap'); // "Trộm cắp, cướp giật"
    await who.say('Người lạ lấy trộm bình gas nhà bà Tư');
    await who.say('Nhà số 9 hẻm 12');
    await who.say('hom nay'); // "Hôm nay"
    await who.say('xong'); // "Xong / Bỏ qua"
    const summary = await who.say('an danh'); // "Ẩn danh"
    expect(last(summary).text).toContain('Kiểm tra lại tin báo');
    expect(last(summary).text).toContain('Hôm nay');
    await who.say('1'); // Gửi
    expect(bot.intake.submitted[0]).toMatchObject({ category: 'theft', anonymous: true });
  });

  it('keeps a photo or location sent at another step instead of dropping it', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    const r = await who.send({ attachments: [{ kind: 'photo', ref: 'p-early' }] });
    expect(allText(r)).toContain('Đã giữ ảnh');
    expect((await bot.sessions.get('console:u1'))?.draft.attachments).toEqual([{ kind: 'photo', ref: 'p-early' }]);
  });

  it('caps attachments at the configured maximum', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    await who.tap('category:theft');
    await who.say('Mất trộm xe đạp trước cổng');
    await who.say('Số 1 Lê Duẩn');
    await who.tap('when:today');
    for (let i = 0; i < 3; i++) await who.send({ attachments: [{ kind: 'photo', ref: `p${i}` }] });
    expect(allText(await who.send({ attachments: [{ kind: 'photo', ref: 'p3' }] }))).toContain('Đã đủ 3 tệp');
    expect((await bot.sessions.get('console:u1'))?.draft.attachments).toHaveLength(3);
  });

  it('expires an idle conversation politely', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    bot.advanceClock(31 * 60_000);
    const r = await who.say('KP1TO3');
    expect(allText(r)).toContain('đã hết hạn');
    expect(await bot.sessions.get('console:u1')).toBeNull();
  });

  it('when the queue is down, says so, keeps the draft, and a retry is the same case and code', async () => {
    const { bot, who } = await toConfirm();
    bot.intake.down = true;
    const failed = await who.tap('nav:confirm');
    expect(allText(failed)).toContain('Chưa gửi được');
    expect(ids(last(failed))).toContain('nav:confirm');
    expect(await bot.sessions.get('console:u1')).not.toBeNull();
    bot.intake.down = false;
    const ok = await who.tap('nav:confirm');
    expect(allText(ok)).toContain('TB-2611-0001');
    const again = await who.tap('nav:confirm'); // a stale double tap after success
    expect(allText(again)).not.toContain('TB-2611');
    expect(bot.intake.submitted).toHaveLength(1);
  });

  it('drops a re-delivered update', async () => {
    const bot = memoryBot();
    const msg = {
      channel: 'console' as const,
      updateId: 'same',
      chatId: 'u9',
      userId: 'u9',
      chatType: 'private' as const,
      choice: 'menu:tip',
    };
    expect((await bot.service.handle(msg)).length).toBeGreaterThan(0);
    expect(await bot.service.handle(msg)).toEqual([]);
  });
});
