import { startApp, type AppHarness } from '../support/app-harness';
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
  app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, SUPERADMINS: `telegram:${SUPERADMIN},zalo:someone` }, { roles: 'bot' });
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
  it.each(table.map(([who, userId, area, outcome], i) => [who, area, outcome, userId, i] as const))('%s: /khuvuc %s → %s', async (_who, area, outcome, userId, i) => {
    const group = -1_003_000_000_000 - i;
    await driver.text(userId, `/khuvuc ${area}`, group);
    const answer = emu.sent(group).at(-1)?.text;
    expect(answer).toBe(app.rt.t('vi', `group.bind.${outcome}`, { area: area.toLowerCase() }));
    const stored = await app.rt.store.groups.byChat('telegram', String(group));
    expect(stored?.areaCode ?? null).toBe(outcome === 'bound' ? area : null);
  });

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
    const msg = { channel: 'zalo' as const, updateId: 'acl-1', chatId: zaloGroup, chatType: 'group' as const, userId: String(OFFICER_KP1), text: '/khuvuc kp1-to3', command: { name: 'khuvuc', args: 'kp1-to3' } };
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
    ['resolve', (code: string) => `/xong ${code}`],
    ['reassign', (code: string) => `/chuyen ${code}`],
  ] as const;
  const actors: [who: string, userId: number, kind: 'tip' | 'mediation', expected: Expect | Partial<Record<(typeof commands)[number][0], Expect>>][] = [
    ['officer of the area', OFFICER_KP1, 'tip', 'allowed'],
    ['supervisor of the parent area', SUPERVISOR, 'tip', 'allowed'],
    ['superadmin', SUPERADMIN, 'tip', 'allowed'],
    ['officer of another area', OFFICER_KP2, 'tip', 'out_of_area'],
    ['mediator, on a tip', MEDIATOR, 'tip', 'wrong_kind'],
    ['mediator, on a mediation request of the area', MEDIATOR, 'mediation', { view: 'allowed', acknowledge: 'allowed', note: 'allowed', resolve: 'allowed', reassign: 'not_allowed' }],
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
    commands.map(([name, command]) => [who, name, typeof expected === 'string' ? expected : (expected[name] ?? 'allowed'), userId, kind, command] as const),
  );

  it.each(rows)('%s: %s → %s', async (_who, name, expected, userId, kind, command) => {
    const c = await newCase(kind);
    const before = emu.sent(userId).length;
    await driver.text(userId, command(c.refCode));
    const replies = emu.sent(userId).slice(before).map((m) => m.text ?? '');
    const after = await app.rt.store.cases.byCaseId(c.caseId);
    const refusals = (['not_staff', 'out_of_area', 'wrong_kind', 'not_allowed'] as const).map((r) => app.rt.t('vi', `officer.refused.${r}`, { code: c.refCode }));
    expect(replies.length).toBeGreaterThan(0);
    if (expected === 'allowed') {
      expect(replies.filter((r) => refusals.includes(r))).toEqual([]);
      expect(replies.join('\n')).toContain(c.refCode);
      // And it did what it says.
      if (name === 'view') expect(replies.join('\n')).toContain(`📋 ${c.refCode}`);
      if (name === 'acknowledge') expect(after?.status).toBe('acknowledged');
      if (name === 'note') expect(after?.history.map((h) => h.action)).toContain('note');
    } else {
      expect(replies).toContain(app.rt.t('vi', `officer.refused.${expected}`, { code: c.refCode }));
      // Refused means untouched, and nothing of the case shown.
      expect({ status: after?.status, history: after?.history.length, assignedTo: after?.assignedTo }).toEqual({ status: 'new', history: 1, assignedTo: undefined });
      expect(replies.join('\n')).not.toContain('Mất trộm xe đạp');
    }
  });
});
