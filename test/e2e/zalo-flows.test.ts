import { ZaloClient } from '../../src/channels/zalo/client';
import type { Lang } from '../../src/conversations/messages';
import { startApp, type AppHarness } from '../support/app-harness';
import { freePort } from '../support/own-services';
import { sampleAac, sampleJpeg, strippedJpeg } from '../support/sample-media';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * The Zalo channel end to end: the real app (bot and workers, real Redis and database) long-polls
 * the Zalo emulator; residents type numbers and option texts as they would on Zalo, and officers'
 * alerts come out of the outbox into their Zalo chats.
 */

const OFFICER_CHAT = 'zl-officer-cskv-1';
const MEDIATOR_CHAT = 'zl-officer-mediator';

let emu: ZaloEmulator;
let h: AppHarness;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  // A webhook left set would stop getUpdates; the channel must clear it before polling.
  await new ZaloClient({ token: emu.token, apiBase: emu.apiBase }).setWebhook('https://old.example.com/hook', 'old-secret-123');
  // Zalo fetches our copy of a photo from a public URL: here, the port the app will listen on.
  const port = await freePort();
  h = await startApp({
    ZALO_BOT_TOKEN: emu.token,
    ZALO_API_BASE: emu.apiBase,
    ZALO_RATE_PER_SECOND: '20',
    FLOOD_MESSAGES_PER_10S: '200',
    HTTP_PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  });
});

afterAll(async () => {
  await h?.close();
  await emu?.stop();
});

const t = (key: string, params?: Record<string, unknown>, lang: Lang = 'vi') => h.rt.t(lang, key, params);
const content = (r: SentRecord) => r.text ?? r.caption ?? '';

/**
 * The resident sends one message; resolves with everything the bot sent to them from then on,
 * once a message matching `until` (the last answer expected) has arrived.
 */
async function say(user: EmulatedUser, send: () => Promise<unknown>, until: string | RegExp): Promise<SentRecord[]> {
  const seen = new Set(emu.sent(user.id).map((r) => r.messageId));
  const matches = (s: string) => (typeof until === 'string' ? s.includes(until) : until.test(s));
  await send();
  await emu.waitFor((r) => r.chatId === user.id && !seen.has(r.messageId) && matches(content(r)), 10_000);
  return emu.sent(user.id).filter((r) => !seen.has(r.messageId));
}

const text = (user: EmulatedUser, words: string, until: string | RegExp) => say(user, () => user.sendText(words), until);
const joined = (records: SentRecord[]) => records.map(content).join('\n');

function expectZaloSized(records: SentRecord[]): void {
  for (const r of records) expect(content(r).length).toBeLessThanOrEqual(2000);
}

describe('Zalo channel, polling', () => {
  it('removed the stale webhook so that polling works', () => {
    expect(emu.webhookUrl).toBe('');
  });

  it('greets with the numbered menu, saying it is an automated system (as Zalo requires)', async () => {
    const user = emu.user('zl-resident-hello');
    const replies = await text(user, 'xin chào', t('menu.tip'));
    expect(replies[0].text).toContain('hệ thống trả lời tự động');
    const menu = replies[replies.length - 1].text!;
    expect(menu).toContain(`1. ${t('menu.tip')}`);
    expect(menu).toContain(`2. ${t('menu.mediation')}`);
    expect(menu).toMatch(new RegExp(`\\d\\. ${t('menu.join')}`));
    expect(menu).toContain(t('numbered.reply'));
    expect(replies.every((r) => r.method === 'sendMessage')).toBe(true);
  });

  it('takes a full tip typed as numbers, option texts and texts without diacritics, with a photo, and alerts the officer on Zalo', async () => {
    const user = emu.user('zl-resident-tip');
    // Hosted as Zalo's CDN hosts them; the bot keeps its own copies when they arrive (test/e2e/evidence.test.ts).
    const photo = emu.hostMedia(sampleJpeg(), 'jpg');
    const voice = emu.hostMedia(sampleAac(), 'aac');
    // Long enough that the alert and the summary do not fit one Zalo message.
    const what =
      `Hai thanh niên đi xe máy Wave màu đỏ, không đội mũ bảo hiểm, giật túi xách của một phụ nữ rồi chạy về hướng chợ. ${'Người ngồi sau mặc áo khoác đen, đội mũ lưỡi trai trắng, có hình xăm ở cánh tay trái. '.repeat(20)}`.trim();
    expect(what.length).toBeGreaterThan(1800);

    expect(joined(await text(user, 'KP1TO3', t('menu.title')))).toContain(t('flow.joined', { group: 'Tổ tự quản Khu phố 1 – Tổ 3' }));
    const categories = await text(user, '1', t('tip.category'));
    expect(joined(categories)).toContain(t('tip.intro'));
    expect(joined(categories)).toContain(`1. ${t('categories.tip.theft')}`);
    await text(user, 'trom cap', t('tip.what'));
    await text(user, what, t('tip.where'));
    await text(user, 'Đầu hẻm 45 Lê Lợi, gần tiệm tạp hóa', t('tip.when'));
    await text(user, t('when.now'), t('tip.media'));
    await say(user, () => user.sendImage(photo), t('flow.mediaReceived', { count: 1 }));
    // A voice note (Zalo: message.voice.received with an .aac voice_url) is kept like the photo.
    await say(user, () => user.sendVoice(voice), t('flow.mediaReceived', { count: 2 }));
    await text(user, '1', t('tip.identity'));
    const summary = await text(user, 'an danh', t('flow.confirm'));
    expect(summary.length).toBeGreaterThan(1);
    expectZaloSized(summary);
    expect(joined(summary)).toContain(t('identity.anonymous'));

    const received = await text(user, '1', /TB-\d{4}-\d{4,}/);
    const code = /TB-\d{4}-\d{4,}/.exec(joined(received))![0];
    expect(joined(received)).toContain(t('tip.received', { code }));

    // The case is stored by the intake worker before any alert goes out.
    const pictured = await emu.waitFor((r) => r.chatId === OFFICER_CHAT && r.method === 'sendPhoto' && content(r).includes(code), 30_000);
    const stored = await h.rt.store.cases.byRefCode(code);
    expect(stored).toMatchObject({ kind: 'tip', category: 'theft', anonymous: true, areaCode: 'kp1-to3', fields: { what, when: 'now' } });
    expect(stored!.attachments).toEqual([
      { kind: 'photo', ref: expect.stringMatching(/^evidence:/) },
      { kind: 'voice', ref: expect.stringMatching(/^evidence:/) },
    ]);

    // Our stripped copy, by a signed link to this app, which Zalo fetched.
    expect(pictured.photo).toMatch(/\/evidence\/[A-Za-z0-9_-]+\?exp=\d+&sig=/);
    expect(pictured.photoBytes?.equals(strippedJpeg())).toBe(true);
    // The alert's text comes before its photo, cut into pieces of at most 2000 characters.
    const officerChat = emu.sent(OFFICER_CHAT);
    const alert = officerChat.slice(
      officerChat.findIndex((r) => content(r).includes(t('alert.title.tip', { code }))),
      officerChat.indexOf(pictured),
    );
    expect(alert.length).toBeGreaterThan(1);
    expect(alert.every((r) => r.method === 'sendMessage')).toBe(true);
    expect(officerChat.filter((r) => content(r).includes(t('alert.title.tip', { code })))).toHaveLength(1);
    expectZaloSized(emu.sent(OFFICER_CHAT));
    const alertText = alert.map(content).join('\n');
    expect(alertText).toContain(t('alert.title.tip', { code }));
    expect(alertText).toContain(what);
    expect(alertText).toContain(t('alert.anonymous'));
    // The resident's chat id never reaches the officer.
    expect(emu.sent(OFFICER_CHAT).map(content).join('\n')).not.toContain(user.id);
  });

  it('takes a full mediation request and alerts the area officer and the mediator on Zalo', async () => {
    const user = emu.user('zl-resident-mediation');
    await text(user, '/thamgia KP1TO3', t('menu.title'));
    await text(user, 'Yêu cầu hòa giải', t('mediation.category'));
    await text(user, 'tieng on', t('mediation.parties'));
    await text(user, 'Nhà tôi và nhà hàng xóm số 12', t('mediation.description'));
    await text(user, 'Nhà bên hát karaoke đến 1 giờ sáng mỗi đêm, từ đầu tháng đến nay.', t('mediation.mediatedBefore'));
    await text(user, 'chua', t('mediation.contact'));
    await text(user, '0912 345 678', t('mediation.reachTime'));
    await text(user, 'buoi toi', t('flow.confirm'));
    const received = await text(user, 'gui', /HG-\d{4}-\d{4,}/);
    const code = /HG-\d{4}-\d{4,}/.exec(joined(received))![0];

    for (const chat of [OFFICER_CHAT, MEDIATOR_CHAT]) {
      const alert = await emu.waitFor((r) => r.chatId === chat && content(r).includes(t('alert.title.mediation', { code })), 30_000);
      expect(alert.text).toContain('0912345678');
      expect(alert.text).toContain(t('categories.mediation.noise'));
      expectZaloSized(emu.sent(chat));
    }
    const stored = await h.rt.store.cases.byRefCode(code);
    expect(stored).toMatchObject({
      kind: 'mediation',
      category: 'noise',
      anonymous: false,
      areaCode: 'kp1-to3',
      fields: { mediatedBefore: 'no', reachTime: 'evening' },
    });
    expect(stored!.recipients).toEqual(expect.arrayContaining(['cskv-sg-01', 'hgv-kp1-to3']));
  });

  it('says it is an automated system once when a first message is a story, after any emergency numbers', async () => {
    const user = emu.user('zl-resident-story-first');
    const first = await text(user, 'đêm nào cũng có mấy đứa tụ tập hút cỏ ở công viên đầu hẻm', /đúng không/);
    expect(first[0].text).toBe(t('intro.automated'));
    const again = await text(user, 'hủy', t('menu.title'));
    expect(joined(again)).not.toContain(t('intro.automated'));

    const hurt = emu.user('zl-resident-emergency-first');
    const replies = await text(hurt, 'cháy nhà rồi cứu với', t('menu.tip'));
    expect(replies[0].text).toContain(t('emergency.numbers'));
    expect(replies[1].text).toBe(t('intro.automated'));
  });

  it('answers an emergency with 113/114/115 first, with and without diacritics', async () => {
    for (const [id, words] of [
      ['zl-resident-fire-1', 'cháy nhà'],
      ['zl-resident-fire-2', 'chay nha'],
    ]) {
      const user = emu.user(id);
      const replies = await text(user, words, t('menu.tip'));
      expect(replies[0].text).toContain(t('emergency.numbers'));
      for (const n of ['113', '114', '115']) expect(replies[0].text).toContain(n);
      expect(joined(replies)).toContain(t('emergency.offerTip'));
    }
  });

  it('cancels a flow with /huy', async () => {
    const user = emu.user('zl-resident-cancel');
    await text(user, '1', t('flow.joinCode'));
    const cancelled = await text(user, '/huy', t('menu.title'));
    expect(cancelled[0].text).toBe(t('flow.cancelled'));
    // Nothing is left to continue: the next word is read as a fresh start.
    expect((await text(user, '/huy', t('menu.title')))[0].text).toBe(t('flow.nothingToCancel'));
  });

  it('answers a resident in a group who mentions the bot with /baotin: the private-chat hint and the join code', async () => {
    const group = emu.group('zl-group-kp1');
    const member = group.member('zl-group-member-1', 'Trần Thị B');
    // Said without naming the bot, Zalo does not even deliver it.
    expect(member.say('/baotin')).toBeNull();
    const seen = new Set(emu.sent(group.id).map((r) => r.messageId));
    await member.mention('/baotin');
    const [before, after] = t('group.joinCodeHint', { code: '\u0000' }).split('\u0000');
    const hint = await emu.waitFor((r) => r.chatId === group.id && !seen.has(r.messageId) && content(r).includes(before), 10_000);
    const replies = emu.sent(group.id).filter((r) => !seen.has(r.messageId));
    // One message (each costs quota on Zalo): why privately, the code, and how to reach the bot.
    expect(replies).toEqual([hint]);
    const [why, codeLine, reach] = content(hint).split('\n');
    expect(why).toBe(t('group.howToByCode'));
    expect(reach).toBe(t('group.reachPrivately.zalo'));
    const code = codeLine.slice(before.length, codeLine.length - after.length);
    expect(code).toMatch(/^[A-Z0-9]{4,10}$/);
    // Nothing about a tip is collected in the group, and nothing went to the member's private chat.
    expect(emu.sent(member.id)).toEqual([]);
  });

  it('answers a protected account’s content-less message with the emergency numbers and why, not the question again', async () => {
    const user = emu.user('zl-resident-protected');
    const outside = await say(user, () => user.sendUnsupported(), t('errors.contentWithheld'));
    expect(outside.map(content)).toEqual([t('emergency.numbers'), t('intro.automated'), t('errors.contentWithheld')]);

    await text(user, 'KP1TO3', t('menu.title'));
    await text(user, '1', t('tip.category'));
    const inFlow = await say(user, () => user.sendUnsupported(), t('errors.contentWithheld'));
    expect(inFlow.map(content)).toEqual([t('emergency.numbers'), t('errors.contentWithheld')]);
    // The draft is kept: the next readable answer goes on with it.
    await text(user, 'trom cap', t('tip.what'));
  });

  it('does not answer its own messages echoed back by Zalo', async () => {
    const user = emu.user('zl-resident-echo');
    await emu.echoOfBot(user.id, t('menu.title'));
    const replies = await text(user, 'xin chào', t('menu.title'));
    // Only the greeting was answered: an answered echo would have come first.
    expect(emu.sent(user.id)).toEqual(replies);
    expect(replies.filter((r) => content(r).includes(t('menu.tip')))).toHaveLength(1);
  });

  it('answers a sticker politely', async () => {
    const user = emu.user('zl-resident-sticker');
    const replies = await say(user, () => user.sendSticker(), t('menu.title'));
    // A first message: the bot says it is automated, then answers.
    expect(replies[0].text).toBe(t('intro.automated'));
    expect(replies[1].text).toBe(t('errors.unsupported'));
  });

  it('switches to English with /lang en, numbered hint included', async () => {
    const user = emu.user('zl-resident-english');
    const replies = await text(user, '/lang en', t('menu.title', undefined, 'en'));
    // A first message: the bot says it is automated (in the new language), then answers.
    expect(replies[0].text).toBe(t('intro.automated', undefined, 'en'));
    expect(replies[1].text).toBe(t('lang.changed', undefined, 'en'));
    const menu = replies[replies.length - 1].text!;
    expect(menu).toContain(`1. ${t('menu.tip', undefined, 'en')}`);
    expect(menu).toContain(t('numbered.reply', undefined, 'en'));
    const next = await text(user, 'hello', t('menu.title', undefined, 'en'));
    expect(joined(next)).toContain(t('understood.greeting', undefined, 'en'));
  });

  it('never writes residents’ words, phone numbers or chat ids to the log', () => {
    const logs = h.logs.join('\n');
    for (const secret of [
      'giật túi xách',
      'karaoke',
      '0912345678',
      '0912 345 678',
      'zl-resident-tip',
      'zl-resident-mediation',
      'zalo-test-secret',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
