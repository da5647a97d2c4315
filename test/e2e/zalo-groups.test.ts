import { startApp, readSlot, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type EmulatedGroup, type SentRecord } from '../support/zalo-emulator';

/**
 * Residents' Zalo groups end to end (issue 15), on the real app and the Zalo emulator, which
 * delivers only what @mentions the bot, with the mention first ("@Bot Tổ tự quản /baotin"), and
 * never says the bot was added. The first addressed message registers the group; /baotin,
 * /hoagiai, /hoi and /khuvuc answer as on Telegram, the code and the way to the private chat in
 * place of Telegram's buttons; the area officer links the group from inside it; nothing about a
 * tip is written in the group.
 */

const OFFICER = 'zl-officer-cskv-1';

let emu: ZaloEmulator;
let h: AppHarness;
let groups = 0;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  h = await startApp({ ZALO_BOT_TOKEN: emu.token, ZALO_API_BASE: emu.apiBase, ZALO_RATE_PER_SECOND: '20', FLOOD_MESSAGES_PER_10S: '200' });
});

afterAll(async () => {
  await h?.close();
  await emu?.stop();
});

const t = (key: string, params?: Record<string, unknown>) => h.rt.t('vi', key, params);
const content = (r: SentRecord) => r.text ?? r.caption ?? '';
const newGroup = () => emu.group(`zl-grp-${++groups}-${Date.now().toString(36)}`);

/** A member mentions the bot; resolves with what the bot posted into the group once `until` has come. */
async function mention(group: EmulatedGroup, memberId: string, words: string, until: (s: string) => boolean): Promise<SentRecord[]> {
  const seen = new Set(emu.sent(group.id).map((r) => r.messageId));
  await group.member(memberId, 'Lê Văn C').mention(words);
  await emu.waitFor((r) => r.chatId === group.id && !seen.has(r.messageId) && until(content(r)), 10_000);
  return emu.sent(group.id).filter((r) => !seen.has(r.messageId));
}

/** The how-to answer on Zalo: why privately, the group's code, how to reach the bot; one message. */
function expectHowTo(replies: SentRecord[], joinCode: string): void {
  expect(replies.map(content)).toEqual([
    [t('group.howToByCode'), t('group.joinCodeHint', { code: joinCode }), t('group.reachPrivately.zalo')].join('\n'),
  ]);
}

describe('residents’ Zalo groups', () => {
  it('a resident’s “@Bot Tổ tự quản /baotin” in a new group registers it and gets the join code and the way to the private chat, which works there', async () => {
    const group = newGroup();
    expect(await h.rt.store.groups.byChat('zalo', group.id)).toBeNull();
    const replies = await mention(group, 'zl-grp-resident-1', '/baotin', (s) => s.includes(t('group.howToByCode')));
    const stored = await h.rt.store.groups.byChat('zalo', group.id);
    expect(stored?.joinCode).toMatch(/^[A-Z0-9]{4,10}$/);
    expectHowTo(replies, stored!.joinCode);
    // Nothing went to the resident's private chat, and no conversation is held for the group.
    expect(emu.sent('zl-grp-resident-1')).toEqual([]);
    expect(await readSlot(h.rt, 'zalo', group.id)).toBeNull();

    // In private, the code the group was given joins it.
    const resident = emu.user('zl-grp-resident-1', 'Lê Văn C');
    await resident.sendText(stored!.joinCode);
    await emu.waitFor(
      (r) => r.chatId === resident.id && content(r).startsWith(t('flow.joined', { group: '\u0000' }).split('\u0000')[0]),
      10_000,
    );

    const again = await mention(group, 'zl-grp-resident-2', '/hoagiai', (s) => s.includes(t('group.howToByCode')));
    expectHowTo(again, stored!.joinCode);
  });

  it('registers a group on the first message addressed to the bot, whatever it says', async () => {
    const group = newGroup();
    const replies = await mention(group, 'zl-grp-resident-3', 'xin chào', () => true);
    expect(replies.length).toBeGreaterThan(0);
    expect(await h.rt.store.groups.byChat('zalo', group.id)).toMatchObject({ channel: 'zalo', chatId: group.id, active: true });
  });

  it('answers /hoi in the group, as on Telegram', async () => {
    const group = newGroup();
    const answer = t('faq.entries.residence.answer');
    const replies = await mention(group, 'zl-grp-resident-4', '/hoi tam tru o dau', (s) => s.includes(answer.split('\n')[0]));
    expect(replies.map(content).join('\n')).toContain(answer.split('\n')[0]);
    expect(await h.rt.store.groups.byChat('zalo', group.id)).not.toBeNull();
  });

  it('lets the area officer link the group to the area from inside it, and no resident', async () => {
    const group = newGroup();
    const refused = await mention(group, 'zl-grp-resident-5', '/khuvuc kp1-to3', (s) =>
      s.includes(t('group.bind.forbidden', { area: 'kp1-to3' })),
    );
    expect(refused.map(content)).toEqual([t('group.bind.forbidden', { area: 'kp1-to3' })]);
    expect((await h.rt.store.groups.byChat('zalo', group.id))?.areaCode ?? null).toBeNull();

    const bound = await mention(group, OFFICER, '/khuvuc kp1-to3', (s) => s.includes(t('group.bind.bound', { area: 'kp1-to3' })));
    const linked = await h.rt.store.groups.byChat('zalo', group.id);
    expect(linked).toMatchObject({ areaCode: 'kp1-to3' });
    // The officer gets the code to pin with the answer, and how residents reach the bot.
    expect(bound.map(content)).toEqual([
      [
        t('group.bind.bound', { area: 'kp1-to3' }),
        t('group.joinCodeHint', { code: linked!.joinCode }),
        t('group.reachPrivately.zalo'),
      ].join('\n'),
    ]);
  });

  it('writes nothing about a tip in the group: a report or a photo addressed to the bot gets the way to the private chat only', async () => {
    const group = newGroup();
    const words = 'nhà tôi bị trộm mất xe máy đêm qua ở hẻm 45';
    const replies = await mention(group, 'zl-grp-resident-6', words, (s) => s.includes(t('group.howToByCode')));
    const code = (await h.rt.store.groups.byChat('zalo', group.id))!.joinCode;
    expectHowTo(replies, code);

    const seen = new Set(emu.sent(group.id).map((r) => r.messageId));
    await group.member('zl-grp-resident-6', 'Lê Văn C').sendImage('https://photos.example.com/zalo/xe.jpg', words, { mention: true });
    await emu.waitFor((r) => r.chatId === group.id && !seen.has(r.messageId) && content(r).includes(t('group.howToByCode')), 10_000);
    const photoReplies = emu.sent(group.id).filter((r) => !seen.has(r.messageId));
    expectHowTo(photoReplies, code);
    expect(emu.sent(group.id).map(content).join('\n')).not.toContain('xe máy');
    // No draft was opened, in the group or for the member.
    expect(await readSlot(h.rt, 'zalo', group.id)).toBeNull();
    expect(await readSlot(h.rt, 'zalo', 'zl-grp-resident-6')).toBeNull();
    expect(emu.sent('zl-grp-resident-6')).toEqual([]);
  });
});
