import { startApp, type AppHarness } from '../support/app-harness';
import { buttonPairs } from '../support/broadcast-helpers';
import { TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * Who may do what, as a table, through the real bot and the seeded ward (scripts/seed-data):
 * binding a group to an area (`/khuvuc <area>` in the group) is for a superadmin anywhere and for
 * officers and supervisors inside their own areas (directly or through a parent area); mediators,
 * officers of other areas, residents and look-alikes on another platform are refused, and a
 * refused command changes nothing.
 */

const SUPERADMIN = 900;
const OFFICER_KP1 = 100000001; // cskv-sg-01: kp1-to3, kp1-to4
const OFFICER_KP2 = 100000002; // cskv-sg-02: kp2-to1
const SUPERVISOR = 100000003; // truong-ca-sg: phuong-sai-gon, parent of every kp
const MEDIATOR = 100000004; // hgv-kp1-to3: mediator in kp1-to3
const RESIDENT = 555;

let emu: TelegramEmulator;
let app: AppHarness;
let driver: TelegramDriver;

beforeAll(async () => {
  emu = new TelegramEmulator();
  await emu.start();
  // Each person here sends dozens of commands in seconds; the flood limit has its own tests (guards).
  app = await startApp(
    {
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      SUPERADMINS: `telegram:${SUPERADMIN},zalo:someone`,
      FLOOD_MESSAGES_PER_10S: '1000',
    },
    { roles: 'bot' },
  );
  driver = new TelegramDriver(app.bot!.telegram!, 1);
});
afterAll(async () => {
  await app?.close();
  await emu?.stop();
});

type Outcome = 'bound' | 'forbidden' | 'unknown-area';
const table: [who: string, userId: number, area: string, outcome: Outcome][] = [
  ['superadmin, any area', SUPERADMIN, 'kp2-to1', 'bound'],
  ['superadmin, the ward itself', SUPERADMIN, 'phuong-sai-gon', 'bound'],
  ['officer of the area', OFFICER_KP1, 'kp1-to3', 'bound'],
  ['officer of the area, his second area', OFFICER_KP1, 'kp1-to4', 'bound'],
  ['officer of another area', OFFICER_KP2, 'kp1-to3', 'forbidden'],
  ['officer, the parent area above his own', OFFICER_KP1, 'phuong-sai-gon', 'forbidden'],
  ['supervisor of the parent area', SUPERVISOR, 'kp1-to3', 'bound'],
  ['mediator of the area', MEDIATOR, 'kp1-to3', 'forbidden'],
  ['resident', RESIDENT, 'kp1-to3', 'forbidden'],
  ['resident, an area that does not exist', RESIDENT, 'kp9-to9', 'unknown-area'],
  ['officer, an area that does not exist', OFFICER_KP1, 'kp1-to33', 'unknown-area'],
  ['resident, a query operator as the area', RESIDENT, '{"$ne":null}', 'unknown-area'],
];

describe('binding a group to an area (/khuvuc)', () => {
  it.each(table.map(([who, userId, area, outcome], i) => [who, area, outcome, userId, i] as const))(
    '%s: /khuvuc %s → %s',
    async (_who, area, outcome, userId, i) => {
      const group = -1_003_000_000_000 - i;
      await driver.text(userId, `/khuvuc ${area}`, group);
      const answer = emu.sent(group).at(-1)?.text;
      expect(answer).toBe(app.rt.t('vi', `group.bind.${outcome}`, { area: area.toLowerCase() }));
      const stored = await app.rt.store.groups.byChat('telegram', String(group));
      expect(stored?.areaCode ?? null).toBe(outcome === 'bound' ? area : null);
    },
  );

  it('a refused user cannot undo a binding made by the right one', async () => {
    const group = -1_003_000_000_100;
    await driver.text(OFFICER_KP1, '/khuvuc kp1-to3', group);
    await driver.text(MEDIATOR, '/khuvuc kp1-to4', group);
    await driver.text(RESIDENT, '/area kp2-to1', group);
    await driver.text(OFFICER_KP2, '/khuvuc kp1-to4', group);
    expect((await app.rt.store.groups.byChat('telegram', String(group)))?.areaCode).toBe('kp1-to3');
  });

  it("an officer cannot move another area's group into his own area", async () => {
    const group = -1_003_000_000_101;
    await driver.text(OFFICER_KP1, '/khuvuc kp1-to3', group);
    await driver.text(OFFICER_KP2, '/khuvuc kp2-to1', group);
    expect(emu.sent(group).at(-1)?.text).toBe(app.rt.t('vi', 'group.bind.forbidden', { area: 'kp2-to1' }));
    expect((await app.rt.store.groups.byChat('telegram', String(group)))?.areaCode).toBe('kp1-to3');
    await driver.text(SUPERVISOR, '/khuvuc kp2-to1', group);
    expect((await app.rt.store.groups.byChat('telegram', String(group)))?.areaCode).toBe('kp2-to1');
  });

  it('the same user id on another platform is not the officer', async () => {
    // cskv-sg-01 is telegram:100000001; zalo:100000001 is someone else.
    const zaloGroup = 'zl-group-acl';
    const msg = {
      channel: 'zalo' as const,
      updateId: 'acl-1',
      chatId: zaloGroup,
      chatType: 'group' as const,
      userId: String(OFFICER_KP1),
      text: '/khuvuc kp1-to3',
      command: { name: 'khuvuc', args: 'kp1-to3' },
    };
    const replies = await app.bot!.service.handle(msg);
    expect(replies.map((r) => r.text)).toEqual([app.rt.t('vi', 'group.bind.forbidden', { area: 'kp1-to3' })]);
    expect((await app.rt.store.groups.byChat('zalo', zaloGroup))?.areaCode ?? null).toBeNull();
  });

  it('is a group command: in a private chat it binds nothing', async () => {
    await driver.text(SUPERADMIN, '/khuvuc kp1-to3');
    expect(await app.rt.store.groups.byChat('telegram', String(SUPERADMIN))).toBeNull();
  });
});

/**
 * The officer desk's commands (src/conversations/officer), each tried by every kind of person on
 * a case of their own: staff inside their area (or above it) may, everyone else gets the
 * refusal that says why, and a refused command leaves the case exactly as it was.
 */
describe('officer commands on a case', () => {
  type Refusal = 'not_staff' | 'out_of_area' | 'wrong_kind' | 'not_allowed';
  type Expect = 'allowed' | Refusal;
  const commands = [
    ['view', (code: string) => `/xem ${code}`],
    ['acknowledge', (code: string) => `/nhan ${code}`],
    ['note', (code: string) => `/ghichu ${code} Đã gọi điện cho tổ trưởng`],
    ['ask', (code: string) => `/hoi ${code} Anh chị thấy mấy người?`],
    ['resolve', (code: string) => `/xong ${code}`],
    ['reassign', (code: string) => `/chuyen ${code}`],
  ] as const;
  const actors: [
    who: string,
    userId: number,
    kind: 'tip' | 'mediation',
    expected: Expect | Partial<Record<(typeof commands)[number][0], Expect>>,
  ][] = [
    ['officer of the area', OFFICER_KP1, 'tip', 'allowed'],
    ['supervisor of the parent area', SUPERVISOR, 'tip', 'allowed'],
    ['superadmin', SUPERADMIN, 'tip', 'allowed'],
    ['officer of another area', OFFICER_KP2, 'tip', 'out_of_area'],
    ['mediator, on a tip', MEDIATOR, 'tip', 'wrong_kind'],
    [
      'mediator, on a mediation request of the area',
      MEDIATOR,
      'mediation',
      { view: 'allowed', acknowledge: 'allowed', note: 'allowed', ask: 'allowed', resolve: 'allowed', reassign: 'not_allowed' },
    ],
    ['resident', RESIDENT, 'tip', 'not_staff'],
  ];
  let n = 0;

  async function newCase(kind: 'tip' | 'mediation') {
    n++;
    const { case: c } = await app.rt.store.cases.insertIfAbsent({
      caseId: `acl-case-${n}`,
      refCode: `${kind === 'tip' ? 'TB' : 'HG'}-2611-${String(9000 + n)}`,
      kind,
      category: kind === 'tip' ? 'theft' : 'noise',
      fields: { what: 'Mất trộm xe đạp', where: 'Hẻm 45 Lê Lợi', when: 'today' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal(String(700 + n)) },
      lang: 'vi',
      joinCode: 'KP1TO3',
      areaCode: 'kp1-to3',
      recipients: kind === 'tip' ? ['cskv-sg-01'] : ['cskv-sg-01', 'hgv-kp1-to3'],
      submittedAt: new Date(),
    });
    return c;
  }

  const rows = actors.flatMap(([who, userId, kind, expected]) =>
    commands.map(
      ([name, command]) =>
        [who, name, typeof expected === 'string' ? expected : (expected[name] ?? 'allowed'), userId, kind, command] as const,
    ),
  );

  it.each(rows)('%s: %s → %s', async (_who, name, expected, userId, kind, command) => {
    const c = await newCase(kind);
    const before = emu.sent(userId).length;
    await driver.text(userId, command(c.refCode));
    const replies = emu
      .sent(userId)
      .slice(before)
      .map((m) => m.text ?? '');
    const after = await app.rt.store.cases.byCaseId(c.caseId);
    const refusals = (['not_staff', 'out_of_area', 'wrong_kind', 'not_allowed'] as const).map((r) =>
      app.rt.t('vi', `officer.refused.${r}`, { code: c.refCode }),
    );
    expect(replies.length).toBeGreaterThan(0);
    if (expected === 'allowed') {
      expect(replies.filter((r) => refusals.includes(r))).toEqual([]);
      expect(replies.join('\n')).toContain(c.refCode);
      // And it did what it says.
      if (name === 'view') expect(replies.join('\n')).toContain(`📋 ${c.refCode}`);
      if (name === 'acknowledge') expect(after?.status).toBe('acknowledged');
      if (name === 'note') expect(after?.history.map((h) => h.action)).toContain('note');
      if (name === 'ask') expect(after?.history.map((h) => h.action)).toContain('question');
      if (name === 'resolve') expect(replies).toContain(app.rt.t('vi', 'officer.pickOutcome', { code: c.refCode }));
    } else {
      expect(replies).toContain(app.rt.t('vi', `officer.refused.${expected}`, { code: c.refCode }));
      // Refused means untouched, and nothing of the case shown.
      expect({ status: after?.status, history: after?.history.length, assignedTo: after?.assignedTo }).toEqual({
        status: 'new',
        history: 1,
        assignedTo: undefined,
      });
      expect(replies.join('\n')).not.toContain('Mất trộm xe đạp');
    }
  });
});

/**
 * What each person sees beyond one case: their case list (`/vuviec`), their counts (`/thongke`),
 * the staff help (`/canbo`), a case's status (`/trangthai`) and the groups their broadcast
 * (`/thongbao`) may reach, against cases and groups placed inside and outside their areas. Staff
 * see their own areas and those below; mediators see mediation requests only; residents and group
 * admins see no cases; a status is the tipster's alone; only officers, supervisors, the superadmin
 * and a group's own admin may broadcast, each to what they cover.
 */
describe('lists, counts and broadcasts, by who asks', () => {
  const GROUP_ADMIN = 801;
  const GAMBLING_KP1 = 'TB-2611-8801';
  const GAMBLING_KP2 = 'TB-2611-8802';
  const DEBT_KP1 = 'HG-2611-8803';
  const GROUPS = { kp1to3: 'ACL nhóm KP1 Tổ 3', kp2to1: 'ACL nhóm KP2 Tổ 1', kp1to4: 'ACL nhóm KP1 Tổ 4 (tổ trưởng)' };
  const ADMIN_GROUP = -1_004_000_000_003;

  beforeAll(async () => {
    const cases = [
      { refCode: GAMBLING_KP1, kind: 'tip', category: 'gambling', areaCode: 'kp1-to3', recipients: ['cskv-sg-01'] },
      { refCode: GAMBLING_KP2, kind: 'tip', category: 'gambling', areaCode: 'kp2-to1', recipients: ['cskv-sg-02'] },
      { refCode: DEBT_KP1, kind: 'mediation', category: 'debt', areaCode: 'kp1-to3', recipients: ['cskv-sg-01', 'hgv-kp1-to3'] },
    ] as const;
    for (const [i, c] of cases.entries()) {
      await app.rt.store.cases.insertIfAbsent({
        caseId: `acl-scope-${i}`,
        refCode: c.refCode,
        kind: c.kind,
        category: c.category,
        fields: { what: 'Sòng bạc trong hẻm', where: 'Hẻm 12', when: 'today' },
        attachments: [],
        anonymous: true,
        replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal(String(600 + i)) },
        lang: 'vi',
        areaCode: c.areaCode,
        recipients: [...c.recipients],
        submittedAt: new Date(),
      });
    }
    for (const [chatId, area, title] of [
      [-1_004_000_000_001, 'kp1-to3', GROUPS.kp1to3],
      [-1_004_000_000_002, 'kp2-to1', GROUPS.kp2to1],
      [ADMIN_GROUP, 'kp1-to4', GROUPS.kp1to4],
    ] as const) {
      await app.rt.store.groups.register('telegram', String(chatId), title);
      await app.rt.store.groups.bindArea('telegram', String(chatId), area);
    }
    // The group's admin makes themself known the way the README teaches: /thongbao in the group.
    emu.setAdmins(String(ADMIN_GROUP), [GROUP_ADMIN]);
    await driver.text(GROUP_ADMIN, '/thongbao', ADMIN_GROUP);
    expect(emu.sent(ADMIN_GROUP).at(-1)?.text).toBe(app.rt.t('vi', 'broadcast.group.admin'));
  });

  type Sees =
    { gambling: string[]; debt: string[]; counts: { gambling: number; debt: number }; reach: (keyof typeof GROUPS)[] } | 'not_staff';
  const who: [who: string, userId: number, sees: Sees, broadcast?: 'refused'][] = [
    [
      'superadmin',
      SUPERADMIN,
      { gambling: [GAMBLING_KP1, GAMBLING_KP2], debt: [DEBT_KP1], counts: { gambling: 2, debt: 1 }, reach: ['kp1to3', 'kp2to1', 'kp1to4'] },
    ],
    [
      'supervisor of the parent area',
      SUPERVISOR,
      { gambling: [GAMBLING_KP1, GAMBLING_KP2], debt: [DEBT_KP1], counts: { gambling: 2, debt: 1 }, reach: ['kp1to3', 'kp2to1', 'kp1to4'] },
    ],
    [
      'officer of kp1-to3 and kp1-to4',
      OFFICER_KP1,
      { gambling: [GAMBLING_KP1], debt: [DEBT_KP1], counts: { gambling: 1, debt: 1 }, reach: ['kp1to3', 'kp1to4'] },
    ],
    ['officer of kp2-to1', OFFICER_KP2, { gambling: [GAMBLING_KP2], debt: [], counts: { gambling: 1, debt: 0 }, reach: ['kp2to1'] }],
    ['mediator of kp1-to3', MEDIATOR, { gambling: [], debt: [DEBT_KP1], counts: { gambling: 0, debt: 1 }, reach: [] }, 'refused'],
    ['group admin of a kp1-to4 group', GROUP_ADMIN, 'not_staff'],
    ['resident', RESIDENT, 'not_staff', 'refused'],
  ];
  const ALL_CODES = [GAMBLING_KP1, GAMBLING_KP2, DEBT_KP1];

  /** The person's private chat's replies to one command. */
  async function ask(userId: number, command: string) {
    const before = emu.sent(userId).length;
    await driver.text(userId, command);
    const replies = emu.sent(userId).slice(before);
    expect(replies.length).toBeGreaterThan(0);
    return replies;
  }
  const texts = (replies: { text?: string }[]) => replies.map((m) => m.text ?? '').join('\n');
  /** The count on the `/thongke` line of one category, 0 when it has no line. */
  function counted(stats: string, kind: 'tip' | 'mediation', category: string): number {
    const label = app.rt.t('vi', `categories.${kind}.${category}`);
    const line = stats.split('\n').find((l) => l.includes(` · ${label}: `));
    return line ? Number(line.slice(line.lastIndexOf(':') + 1)) : 0;
  }

  it.each(who.map(([name, userId, sees]) => [name, userId, sees] as const))('%s: /vuviec and /thongke', async (_name, userId, sees) => {
    const gambling = texts(await ask(userId, '/vuviec tatca gambling'));
    const debt = texts(await ask(userId, '/vuviec tatca debt'));
    const stats = texts(await ask(userId, '/thongke'));
    if (sees === 'not_staff') {
      for (const answer of [gambling, debt, stats]) expect(answer).toBe(app.rt.t('vi', 'officer.refused.not_staff', { code: '' }));
      return;
    }
    expect(ALL_CODES.filter((code) => gambling.includes(code))).toEqual(sees.gambling);
    expect(ALL_CODES.filter((code) => debt.includes(code))).toEqual(sees.debt);
    expect({ gambling: counted(stats, 'tip', 'gambling'), debt: counted(stats, 'mediation', 'debt') }).toEqual(sees.counts);
  });

  it.each(who.map(([name, userId, sees]) => [name, userId, sees] as const))(
    '%s: /canbo and /trangthai of a tip not theirs',
    async (_name, userId, sees) => {
      const help = await ask(userId, '/canbo');
      expect(help[0].text).toBe(app.rt.t('vi', sees === 'not_staff' ? 'officer.refused.not_staff' : 'officer.help', { code: '' }));
      // A case's status is the tipster's alone; staff look cases up with /xem, and nobody can probe codes.
      const status = await ask(userId, `/trangthai ${GAMBLING_KP1}`);
      expect(status[0].text).toBe(app.rt.t('vi', 'officer.statusUnknown', { code: GAMBLING_KP1 }));
    },
  );

  it('/trangthai answers the tipster who sent the tip, from their own chat', async () => {
    const status = await ask(600, `/trangthai ${GAMBLING_KP1}`);
    expect(status[0].text).toContain(GAMBLING_KP1);
    expect(status[0].text).not.toBe(app.rt.t('vi', 'officer.statusUnknown', { code: GAMBLING_KP1 }));
  });

  it.each(who.map(([name, userId, sees, broadcast]) => [name, userId, sees, broadcast] as const))(
    '%s: /thongbao',
    async (_name, userId, sees, broadcast) => {
      const replies = await ask(userId, '/thongbao');
      if (broadcast === 'refused') {
        expect(replies[0].text).toBe(app.rt.t('vi', 'broadcast.notAllowed'));
        return;
      }
      const audience = replies.find((m) => m.text === app.rt.t('vi', 'broadcast.pickAudience'));
      expect(audience).toBeDefined();
      const labels = buttonPairs(audience!).map(([label]) => label);
      const reach = sees === 'not_staff' ? ['kp1to4'] : sees.reach;
      expect((Object.keys(GROUPS) as (keyof typeof GROUPS)[]).filter((g) => labels.some((l) => l.includes(GROUPS[g])))).toEqual(reach);
      await driver.text(userId, '/huy');
    },
  );
});
