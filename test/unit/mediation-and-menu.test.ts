import { caseFieldAad } from '../../src/domain/case-seals';
import { createTranslator } from '../../src/i18n/translator';
import { allText, ids, last, memoryBot, TEST_BOX } from '../support/memory-ports';

const t = createTranslator();

describe('mediation flow', () => {
  it('collects kind, parties, dispute, history and contact, and is never anonymous', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.say('/hoagiai');
    await who.say('KP1TO3');
    await who.tap('category:construction');
    await who.say('Nhà tôi và nhà hàng xóm số 14');
    await who.say('Nhà số 14 xây lấn sang tường nhà tôi, nứt tường từ tháng trước');
    await who.tap('mediatedBefore:no');
    expect(allText(await who.say('12345'))).toContain('Số điện thoại chưa đúng');
    await who.say('0987 654 321');
    const summary = await who.tap('reachTime:evening');
    expect(last(summary).text).toContain('Xây dựng ảnh hưởng nhà bên');
    expect(last(summary).text).toContain('Buổi tối');
    const done = await who.tap('nav:confirm');
    expect(allText(done)).toMatch(/Mã yêu cầu: HG-2611-0001/);
    const s = bot.intake.submitted[0];
    expect(s).toMatchObject({ kind: 'mediation', category: 'construction', anonymous: false });
    expect(s.fields).toEqual({
      parties: 'Nhà tôi và nhà hàng xóm số 14',
      description: 'Nhà số 14 xây lấn sang tường nhà tôi, nứt tường từ tháng trước',
      mediatedBefore: 'no',
      reachTime: 'evening',
    });
    expect(TEST_BOX.open(s.contactSealed!, caseFieldAad(s.caseId, 'contact'))).toBe('0987654321');
  });
});

describe('menu, language, emergencies, groups', () => {
  it('shows the menu on /start and remembers the group from a deep link', async () => {
    const bot = memoryBot();
    const who = bot.person('u2', 'telegram');
    expect(ids(last(await who.say('/start')))).toEqual(['menu:tip', 'menu:mediation', 'menu:join', 'menu:lang']);
    const r = await who.say('/start tip_KP1TO3');
    expect(allText(r)).toContain('bạn thuộc Tổ 3');
    expect(last(r).text).toBe('Tin báo về việc gì?'); // the group step is skipped: the link carried it
    expect(await bot.profiles.get('telegram', 'u2')).toEqual({ joinCode: 'KP1TO3' });
  });

  it('switches language per person, mid-flow too, and picks English from the platform hint', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    const r = await who.say('/lang en');
    expect(allText(r)).toContain('Switched to English');
    expect(last(r).text).toContain('Which residential group');
    expect(last(r).lang).toBe('en');
    // A greeting is answered (domain/understanding), in the language the platform hints.
    expect(allText(await bot.person('u3').send({ text: 'hello', languageHint: 'en-GB' }))).toContain(t('en', 'understood.greeting'));
    expect(allText(await bot.person('u4').send({ text: 'hello', languageHint: 'vi' }))).toContain(t('vi', 'understood.greeting'));
    expect(allText(await bot.person('u3').send({ text: 'asdfgh qwerty', languageHint: 'en-GB' }))).toContain("Sorry, I didn't understand");
  });

  it.each(['Cháy nhà ở hẻm 5!', 'chay nha o hem 5', 'CƯỚP giật điện thoại', 'co nguoi bi thuong nang', 'Cháy nhà'.normalize('NFD')])(
    'gives the emergency numbers first for "%s"',
    async (text) => {
      const bot = memoryBot();
      const r = await bot.person().say(text);
      expect(r[0].text).toContain('113');
      expect(r[0].text).toContain('114');
      expect(r[0].text).toContain('115');
      expect(ids(last(r))).toContain('menu:tip');
    },
  );

  it('answers an emergency inside a flow and still takes the answer', async () => {
    const bot = memoryBot();
    const who = bot.person();
    await who.tap('menu:tip');
    await who.say('KP1TO3');
    await who.tap('category:fire_risk');
    const r = await who.say('Đang cháy ở kho chứa gas cuối hẻm');
    expect(r[0].text).toContain('114');
    expect(last(r).text).toContain('Ở đâu?');
  });

  it('in a group: never collects a tip, answers commands with private-chat links, binds areas by role', async () => {
    const bot = memoryBot();
    const group = (userId: string, text: string, extra = {}) => {
      const c = /^\/(\w+)(?:\s+(.*))?$/.exec(text);
      return bot.service.handle({
        channel: 'telegram',
        updateId: `${Math.random()}`,
        chatId: '-100',
        userId,
        chatType: 'group',
        groupTitle: 'Tổ 5',
        text,
        command: c ? { name: c[1], args: c[2] ?? '' } : undefined,
        ...extra,
      });
    };
    const welcome = await group('admin', '', { botAddedToGroup: true, text: undefined });
    expect(welcome[0].links?.map((l) => l.url)).toEqual([expect.stringMatching(/start=tip_/), expect.stringMatching(/start=hg_/)]);
    expect(await group('u5', 'Nhà tôi bị mất trộm xe')).toEqual([]);
    const tip = await group('u5', '/baotin');
    expect(tip[0].links?.[0].url).toMatch(/^https:\/\/t\.me\/test_bot\?start=tip_/);
    expect(allText(await group('u5', '/khuvuc kp1-to3'))).toContain('chỉ cán bộ phụ trách');
    expect(allText(await group('admin', '/khuvuc kp1-to3'))).toContain('Đã gắn nhóm');
    expect(allText(await group('admin', '/khuvuc nowhere'))).toContain('Không tìm thấy địa bàn');
  });

  it('throttles a flood with one polite answer, then silence', async () => {
    const { MemoryGuards } = await import('../support/memory-ports');
    const bot = memoryBot({ guards: new MemoryGuards({ flood: 5, cases: 10 }) });
    const who = bot.person();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await who.say(`tin ${i}`));
    expect(allText(answers[5])).toContain('quá nhanh');
    expect(answers.slice(6)).toEqual([[], []]);
  });

  it('caps cases per person and keeps the draft', async () => {
    const { MemoryGuards } = await import('../support/memory-ports');
    const bot = memoryBot({ guards: new MemoryGuards({ flood: 1000, cases: 0 }) });
    const who = bot.person();
    await who.tap('menu:mediation');
    await who.tap('nav:skip');
    await who.tap('category:noise');
    await who.say('Tôi và quán karaoke đầu hẻm');
    await who.say('Hát karaoke đến 1 giờ sáng mỗi đêm');
    await who.tap('mediatedBefore:yes');
    await who.say('0912345678');
    await who.tap('reachTime:anytime');
    expect(allText(await who.tap('nav:confirm'))).toContain('nhiều tin trong một giờ');
    expect(bot.intake.submitted).toHaveLength(0);
    expect(await bot.sessions.get('console:u1')).not.toBeNull();
  });

  it('turns an internal failure into a polite answer', async () => {
    const bot = memoryBot();
    bot.slots.load = async () => {
      throw new Error('redis down');
    };
    const r = await bot.person().say('/baotin');
    expect(allText(r)).toContain('tạm gián đoạn');
  });
});
