import { CommandTable, DuplicateCommandError } from '../../src/conversations/command-table';
import { createTranslator } from '../../src/i18n/translator';
import { allText, ids, last, memoryBot } from '../support/memory-ports';

/**
 * One owner per chat's conversation: a menu pick never answers a hidden step of a draft, and the
 * command table refuses two owners of one command at start-up.
 */
const t = createTranslator();

describe('one owner per conversation', () => {
  async function toConfirm() {
    const bot = memoryBot();
    const who = bot.person();
    await who.say('/baotin');
    await who.say('KP1TO3');
    await who.tap('category:theft');
    await who.say('Hai thanh niên bẻ khóa xe máy trước nhà số 12');
    await who.say('Hẻm 45 Lê Lợi');
    await who.tap('when:today');
    await who.tap('nav:done');
    const summary = await who.tap('identity:anonymous');
    expect(ids(last(summary))).toContain('nav:confirm');
    return { bot, who };
  }

  it('asks "continue or start over?" when /start comes mid-draft, and a typed 1 never submits', async () => {
    const { bot, who } = await toConfirm();
    const asked = last(await who.say('/start'));
    expect(asked.text).toBe(t('vi', 'draft.unfinished.tip'));
    expect(ids(asked)).toEqual(['draft:continue', 'draft:restart']);
    // "1" meant "send a tip" on the menu the resident expected; here it picks "continue".
    const resumed = last(await who.say('1'));
    expect(bot.intake.submitted).toHaveLength(0);
    expect(ids(resumed)).toContain('nav:confirm');
    // The draft is intact: confirming now is the one submission.
    expect(allText(await who.tap('nav:confirm'))).toContain('TB-2611-0001');
    expect(bot.intake.submitted).toHaveLength(1);
  });

  it('asks the same for /menu and a menu button, re-asks on anything else, and "start over" discards', async () => {
    const { bot, who } = await toConfirm();
    expect(last(await who.say('/menu')).text).toBe(t('vi', 'draft.unfinished.tip'));
    expect(allText(await who.say('gửi đi'))).toContain(t('vi', 'draft.unfinished.tip'));
    expect(last(await who.tap('menu:tip')).text).toBe(t('vi', 'draft.unfinished.tip'));
    const gone = await who.tap('draft:restart');
    expect(allText(gone)).toContain(t('vi', 'draft.discarded'));
    expect(bot.intake.submitted).toHaveLength(0);
    expect(await bot.sessions.get('console:u1')).toBeNull();
  });

  it("asks too when a group's button (/start hg_<code>) comes mid-draft: the group is noted, the draft kept", async () => {
    const { bot, who } = await toConfirm();
    const r = await who.say('/start hg_KP1TO3');
    expect(allText(r)).toContain('Tổ 3');
    expect(last(r).text).toBe(t('vi', 'draft.unfinished.tip'));
    expect(ids(last(r))).toEqual(['draft:continue', 'draft:restart:mediation']);
    expect(allText(await who.tap('draft:continue'))).toContain(t('vi', 'tip.summaryTitle'));
    expect(allText(await who.tap('nav:confirm'))).toContain('TB-2611-0001');
    expect(bot.intake.submitted).toHaveLength(1);
  });

  it('"start over" after a group\'s button or a menu pick starts what was asked for, the old draft discarded', async () => {
    const { bot, who } = await toConfirm();
    await who.say('/start hg_KP1TO3');
    const restarted = await who.tap('draft:restart:mediation');
    expect(allText(restarted)).toContain(t('vi', 'draft.discarded'));
    // The group came with the button, so the first question is the dispute's kind.
    expect(last(restarted).text).toBe(t('vi', 'mediation.category'));
    await who.tap('menu:tip');
    expect(ids(last(await who.tap('menu:tip')))).toEqual(['draft:continue', 'draft:restart:tip']);
    expect(bot.intake.submitted).toHaveLength(0);
  });

  it('refuses two owners of one command, and lets a name be split on its arguments in the open', () => {
    const run = async () => [];
    expect(
      () =>
        new CommandTable([
          { names: ['hoi'], owner: 'a', where: 'both', run },
          { names: ['hoi'], owner: 'b', where: 'both', run },
        ]),
    ).toThrow(DuplicateCommandError);
    const table = new CommandTable([
      { names: ['hoi'], owner: 'desk', where: 'both', when: (args) => args.startsWith('TB-'), run },
      { names: ['hoi'], owner: 'faq', where: 'both', run },
    ]);
    expect(table.find('hoi', 'TB-2611-0001 màu gì?', 'private')?.owner).toBe('desk');
    expect(table.find('hoi', 'mấy giờ?', 'private')?.owner).toBe('faq');
  });
});
