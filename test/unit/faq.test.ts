import { FaqFeature, type AreaContacts, type FaqMisses } from '../../src/features/faq/faq-feature';
import { FaqIndex } from '../../src/features/faq/faq-match';
import { editDistance, telexVariants } from '../../src/domain/words';
import { createTranslator } from '../../src/i18n/translator';
import { loadFaqDocuments } from '../../src/features/faq/faq-content';
import { allText, ids, last, memoryBot, TEST_READER } from '../support/memory-ports';

/**
 * The FAQ as residents type it: with and without diacritics, Telex leftovers, typos, any word
 * order, Vietnamese and English. Each row says which answer must come (or that none may).
 */
const t = createTranslator();
const documents = loadFaqDocuments();

class CountingMisses implements FaqMisses {
  readonly counts = new Map<string, number>();
  async record(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

const contacts: AreaContacts = {
  async forJoinCode(code) {
    return code === 'KP1TO3' ? { areaName: 'Khu phố 1 – Tổ dân phố 3', officers: ['Thiếu úy Trần Minh Khoa'] } : null;
  },
  async forGroupChat(_channel, chatId) {
    return chatId === 'group-1' ? { areaName: 'Khu phố 1 – Tổ dân phố 3', officers: [] } : null;
  },
};

function faqBot() {
  const misses = new CountingMisses();
  const events: string[] = [];
  const faq = new FaqFeature({ t, documents, misses, contacts, log: (e) => events.push(e) });
  const bot = memoryBot({ features: [faq] });
  return { ...bot, faq, misses, faqEvents: events };
}

/** [question, the entry that must answer it, a phrase its answer must contain (vi)] */
const ANSWERED: [string, string, string][] = [
  // Temporary residence (tạm trú)
  ['tam tru o dau', 'residence', 'Khai báo tạm trú'],
  ['khai báo tạm trú thế nào', 'residence', 'VNeID'],
  ['Đăng ký tạm trú cần giấy tờ gì?', 'residence', 'chỗ ở hợp pháp'],
  ['thu tuc dang ky tam tru', 'residence', '30 ngày'],
  ['toi moi thue tro co phai dang ky tam tru khong', 'residence', '30 ngày'],
  ['tamj truws', 'residence', 'Khai báo tạm trú'],
  ['TẠM TRÚ', 'residence', 'Khai báo tạm trú'],
  ['gia hạn tạm trú', 'residence', 'gia hạn'],
  ['chủ nhà trọ có phải khai báo cho người thuê không', 'residence', 'lưu trú'],
  ['cho mình hỏi chút là muốn đăng ký tạm trú cho em gái mới lên thành phố thì làm thế nào ạ', 'residence', 'công an xã/phường'],
  ['dang ky tam tru online', 'residence', 'Cổng Dịch vụ công'],
  ['khai bao luu tru cho khach', 'residence', 'lưu trú'],
  ['how do I register temporary residence', 'residence', 'Khai báo tạm trú'],
  ['register tenants', 'residence', 'Khai báo tạm trú'],
  // VNeID level 2
  ['lam sao kich hoat vneid', 'vneid', 'mức 2'],
  ['Kích hoạt VNeID mức 2 ở đâu?', 'vneid', 'CCCD'],
  ['dinh danh dien tu muc 2 can mang gi', 'vneid', 'CCCD'],
  ['kihc hoat vneid', 'vneid', 'mức 2'],
  ['vneid', 'vneid', 'mức 2'],
  ['kich hoat vneid muc2', 'vneid', 'mức 2'],
  ['VNeID bị lỗi không đăng nhập được', 'vneid', 'mức 2'],
  ['tai khoan dinh danh dien tu', 'vneid', 'mức 2'],
  ['how to activate VNeID level 2', 'vneid', 'CCCD'],
  ['vneid activation', 'vneid', 'mức 2'],
  // Emergency numbers
  ['số điện thoại khẩn cấp', 'emergency', '114'],
  ['goi cong an so may', 'emergency', '113'],
  ['so cuu hoa la so nao', 'emergency', '114'],
  ['số cấp cứu', 'emergency', '115'],
  ['so 113', 'emergency', '113'],
  ['ambulance number', 'emergency', '115'],
  // The area officer and the ward police
  ['canh sat khu vuc la ai', 'officer', 'Cảnh sát khu vực'],
  ['Ai phụ trách khu vực của tôi?', 'officer', 'Cảnh sát khu vực'],
  ['so dien thoai cong an phuong', 'officer', 'trực ban'],
  ['tru so cong an phuong o dau', 'officer', 'trụ sở'],
  ['cong an phuong o dau', 'officer', 'trụ sở'],
  ['lien he cskv', 'officer', 'Cảnh sát khu vực'],
  ['who is my area police officer', 'officer', 'Cảnh sát khu vực'],
  // Scams
  ['báo lừa đảo ở đâu', 'scam', 'chuyển tiền'],
  ['bi lua dao qua mang phai lam sao', 'scam', 'Giữ bằng chứng'],
  ['có người gọi giả danh công an bắt chuyển tiền', 'scam', 'KHÔNG chuyển tiền'],
  ['lừa đảo', 'scam', '113'],
  ['bi lua chuyen khoan roi', 'scam', 'phong tỏa'],
  ['bị giả danh ngân hàng gọi điện', 'scam', 'ngân hàng'],
  ['I was scammed online, what should I do', 'scam', 'Giữ bằng chứng'],
  // Data
  ['bot có lưu thông tin của tôi không', 'privacy', 'mã hóa'],
  ['thong tin ca nhan co bi lo khong', 'privacy', 'ẩn danh'],
  ['bot co an toan khong', 'privacy', 'mã hóa'],
  ['who can see my tip', 'privacy', 'ẩn danh'],
  ['is my data safe', 'privacy', 'mã hóa'],
  // Tips and mediation
  ['gui tin bao the nao', 'tip', '/baotin'],
  ['muốn tố giác tội phạm', 'tip', '/baotin'],
  ['báo có người lạ khả nghi', 'tip', '/baotin'],
  ['lam the nao de bao tin ma tuy', 'tip', '/baotin'],
  ['how do I report a theft', 'tip', '/baotin'],
  ['mâu thuẫn với hàng xóm', 'mediation', '/hoagiai'],
  ['hang xom lam on qua', 'mediation', '/hoagiai'],
  ['tranh chấp ranh giới đất', 'mediation', '/hoagiai'],
  ['hàng xóm xây nhà lấn đất', 'mediation', '/hoagiai'],
  ['how to request mediation', 'mediation', '/hoagiai'],
];

/** Questions the FAQ does not cover: the bot must say so, not guess, and count them. */
const UNANSWERED = [
  'thời tiết ngày mai thế nào',
  'giá vàng hôm nay',
  'cho tôi xin công thức nấu phở',
  'lịch cắt điện tuần này',
  'mai mấy giờ họp tổ?',
  'con mèo nhà ai bị lạc',
  'tuyển dụng nhân viên bảo vệ',
  'karaoke ở đâu vui',
  'what time is the football match',
  'how much is a bowl of pho',
];

/** Chatter that fits no entry: the ordinary "not understood" and the menu, nothing counted. */
const CHATTER = ['nhà tôi bị mất nước', 'mua bán nhà đất', 'bán xe máy cũ', 'asdfgh qwerty'];
/** Greetings and thanks: a short fitting answer and the menu (domain/understanding), nothing counted. */
const SMALL_TALK: [string, string][] = [
  ['xin chào bạn', 'understood.greeting'],
  ['hello', 'understood.greeting'],
  ['cảm ơn', 'understood.thanks'],
  ['ok', 'understood.thanks'],
];

describe('FAQ matching', () => {
  const index = new FaqIndex(documents);

  it.each(ANSWERED)('“%s” → %s', async (question, id, phrase) => {
    expect(index.match(question)).toMatchObject({ kind: 'answer', id });
    const { person } = faqBot();
    const replies = await person('u1').say(question);
    if (TEST_READER.understand(question).emergency.length > 0) {
      // "số cấp cứu", "ambulance number" read as emergencies: the numbers come at once, before anything.
      expect(replies[0].text).toContain(t('vi', 'emergency.numbers'));
      expect(allText(replies)).toContain(phrase);
      return;
    }
    // A story the FAQ knows about ("có người gọi giả danh công an bắt chuyển tiền") gets the advice, then the offer to report it.
    const offered = ids(last(replies)).includes('understood:yes');
    const answer = offered ? replies[0] : last(replies);
    expect(answer.text).toBe(t('vi', `faq.entries.${id}.answer`) + (id === 'officer' ? `\n\n${t('vi', 'faq.askJoinCode')}` : ''));
    expect(answer.text).toContain(phrase);
    if (!offered) expect(ids(answer)).toContain('faq:list');
  });

  it.each(UNANSWERED)('“%s” → no answer, the menu, and the question counted by its FAQ words only', async (question) => {
    expect(index.match(question)).toEqual({ kind: 'none' });
    const { person, misses } = faqBot();
    const replies = await person('u2').say(question);
    expect(replies[0].text).toBe(t('vi', 'faq.noMatch'));
    expect(ids(last(replies))).toEqual(expect.arrayContaining(['menu:tip', 'menu:mediation', 'faq:list']));
    const key = index.missKey(question);
    expect([...misses.counts.keys()]).toEqual(key ? [key] : []);
  });

  it.each(CHATTER)('“%s” → not understood and the menu, not counted', async (text) => {
    expect(index.match(text)).toEqual({ kind: 'none' });
    const { person, misses } = faqBot();
    const replies = await person('u2').say(text);
    expect(replies[0].text).toBe(t('vi', 'errors.notUnderstood'));
    expect(ids(last(replies))).toContain('faq:list');
    expect(misses.counts.size).toBe(0);
  });

  it.each(SMALL_TALK)('“%s” → %s and the menu, not counted', async (text, key) => {
    const { person, misses } = faqBot();
    const replies = await person('u2').say(text);
    expect(replies[0].text).toBe(t('vi', key));
    expect(ids(last(replies))).toContain('menu:tip');
    expect(misses.counts.size).toBe(0);
  });

  it('covers every entry, in both languages, with at least 40 questions', () => {
    expect(ANSWERED.length + UNANSWERED.length + CHATTER.length + SMALL_TALK.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ANSWERED.map(([, id]) => id))).toEqual(new Set(documents.map((d) => d.id)));
    for (const d of documents)
      for (const lang of ['vi', 'en'] as const) expect(t(lang, `faq.entries.${d.id}.answer`)).not.toContain(`faq.entries`);
  });

  it('asks which topic when two fit equally, instead of guessing', async () => {
    expect(index.match('what is the police number')).toMatchObject({
      kind: 'ambiguous',
      candidates: [{ id: 'emergency' }, { id: 'officer' }],
    });
    const { person } = faqBot();
    const replies = await person('u3').say('what is the police number');
    expect(last(replies).text).toBe(t('vi', 'faq.didYouMean'));
    expect(ids(last(replies))).toEqual(['faq:emergency', 'faq:officer', 'faq:list']);
    const picked = await person('u3').tap('faq:emergency');
    expect(last(picked).text).toContain('113');
  });

  it('answers in English for English speakers, from a Vietnamese question too', async () => {
    const { person } = faqBot();
    await person('u4').say('/lang en');
    expect(last(await person('u4').say('khai bao tam tru the nao')).text).toContain('Temporary residence');
    expect(last(await person('u4').say('how to report a scam')).text).toContain('do NOT transfer money');
  });

  it('has a menu entry and a topic list; tip and mediation answers start the flow they explain', async () => {
    const { person } = faqBot();
    const menu = last(await person('u5').say('/start'));
    expect(ids(menu)).toContain('faq:list');
    const topics = last(await person('u5').tap('faq:list'));
    expect(ids(topics)).toEqual(documents.map((d) => `faq:${d.id}`));
    const typed = last(await person('u5').say('hoi dap'));
    expect(ids(typed)).toEqual(documents.map((d) => `faq:${d.id}`));
    const tip = last(await person('u5').tap('faq:tip'));
    expect(ids(tip)).toEqual(['menu:tip', 'faq:list']);
    expect(allText(await person('u5').tap('menu:tip'))).toContain(t('vi', 'tip.intro'));
  });

  it('/hoi answers in private chat, /hoi alone lists the topics', async () => {
    const { person } = faqBot();
    expect(last(await person('u6').say('/hoi kich hoat vneid')).text).toContain('VNeID');
    expect(ids(last(await person('u6').say('/hoi')))).toContain('faq:vneid');
  });

  it('tells a resident who their area officer is when it knows their group', async () => {
    const { person } = faqBot();
    await person('u7').say('/thamgia KP1TO3');
    const answer = last(await person('u7').say('canh sat khu vuc cua toi la ai'));
    expect(answer.text).toContain(t('vi', 'faq.yourOfficer', { area: 'Khu phố 1 – Tổ dân phố 3', officers: 'Thiếu úy Trần Minh Khoa' }));
  });

  it('never takes a flow answer for a question', async () => {
    const { person, misses } = faqBot();
    await person('u8').say('/baotin');
    await person('u8').tap('category:residence');
    const replies = await person('u8').say('Có 5 người lạ ở phòng trọ số 3 chưa khai báo tạm trú');
    expect(allText(replies)).not.toContain(t('vi', 'faq.entries.residence.answer'));
    expect(misses.counts.size).toBe(0);
  });

  describe('in a group', () => {
    const inGroup = (
      faqBot: ReturnType<typeof memoryBot>,
      m: { text: string; command?: { name: string; args: string }; mentionsBot?: boolean },
      updateId: string,
    ) => faqBot.service.handle({ channel: 'telegram', updateId, chatId: 'group-1', userId: 'u9', chatType: 'group', ...m });

    it('answers /hoi and /faq with the answer only, and a mention of the bot', async () => {
      const bot = faqBot();
      const byCommand = await inGroup(
        bot,
        { text: '/hoi lam sao kich hoat vneid', command: { name: 'hoi', args: 'lam sao kich hoat vneid' } },
        'g1',
      );
      expect(byCommand).toEqual([{ text: t('vi', 'faq.entries.vneid.answer'), lang: 'vi' }]);
      const list = await inGroup(bot, { text: '/faq', command: { name: 'faq', args: '' } }, 'g2');
      expect(list[0].text).toBe(t('vi', 'faq.groupTopics'));
      const byMention = await inGroup(bot, { text: '@totuquan_test_bot tạm trú ở đâu', mentionsBot: true }, 'g3');
      expect(byMention[0].text).toBe(t('vi', 'faq.entries.residence.answer'));
      const officer = await inGroup(
        bot,
        { text: '/hoi ai la canh sat khu vuc', command: { name: 'hoi', args: 'ai la canh sat khu vuc' } },
        'g4',
      );
      expect(officer[0].text).toContain(t('vi', 'faq.noOfficerYet', { area: 'Khu phố 1 – Tổ dân phố 3' }));
    });

    it('says briefly when it has no answer, counts it, and ignores chatter that does not mention it', async () => {
      const bot = faqBot();
      const none = await inGroup(bot, { text: '/hoi giá vàng hôm nay', command: { name: 'hoi', args: 'giá vàng hôm nay' } }, 'g5');
      expect(none).toEqual([{ text: t('vi', 'faq.groupNoMatch'), lang: 'vi' }]);
      expect([...bot.misses.counts.keys()]).toEqual(
        new FaqIndex(documents).missKey('giá vàng hôm nay') ? [new FaqIndex(documents).missKey('giá vàng hôm nay')] : [],
      );
      expect(await inGroup(bot, { text: 'tạm trú ở đâu nhỉ mọi người' }, 'g6')).toEqual([]);
    });
  });
});

describe('FAQ text helpers', () => {
  it('counts only the FAQ’s own words: names, house numbers and phones become …', () => {
    const key = new FaqIndex(documents).missKey('@totuquan_bot Ông Khuất Văn Zượng ở số 17 gọi 0912 345 678 đăng ký tạm trú?');
    expect(key).not.toMatch(/khuat|zuong|17|0912|345|678/);
    expect(key).toContain('tam tru');
    expect(key).toContain('…');
  });

  it('undoes Telex leftovers and measures typos', () => {
    expect(telexVariants('tamj')).toContain('tam');
    expect(telexVariants('truws')).toContain('tru');
    expect(telexVariants('ddaau')).toContain('dau');
    expect(editDistance('kihc', 'kich')).toBe(1);
    expect(editDistance('vneid', 'vnied')).toBe(1);
    expect(editDistance('lua', 'dao', 1)).toBeGreaterThan(1);
  });
});
