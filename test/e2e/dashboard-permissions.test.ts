import { newCaseId } from '../../src/app/bot';
import { startApp, type AppHarness } from '../support/app-harness';
import { csrfOf, logIn, type DashboardVisitor } from '../support/dashboard-client';

/**
 * Every role of the sample ward against cases inside and outside its areas, for every case page
 * and every action of the dashboard: what the chat allows is allowed, and what it refuses is
 * refused in the same way (an invisible case is the same 404 as an unknown code; a visible case
 * the role may not change is a polite refusal that changes nothing).
 */
describe('dashboard permissions, role by role', () => {
  let app: AppHarness;
  const ROLES = {
    officerKp1: '100000001', // cskv-sg-01: kp1-to3, kp1-to4
    officerKp2: '100000002', // cskv-sg-02: kp2-to1
    supervisor: '100000003', // truong-ca-sg: the whole ward
    mediator: '100000004', // hgv-kp1-to3: mediation requests in kp1-to3
  } as const;
  type Role = keyof typeof ROLES;
  const CASES = {
    tipKp1: { kind: 'tip', areaCode: 'kp1-to3', colleague: 'cskv-sg-01' },
    mediationKp1: { kind: 'mediation', areaCode: 'kp1-to3', colleague: 'cskv-sg-01' },
    tipKp2: { kind: 'tip', areaCode: 'kp2-to1', colleague: 'cskv-sg-02' },
  } as const;
  type Which = keyof typeof CASES;
  const SEES: Record<Role, Which[]> = {
    officerKp1: ['tipKp1', 'mediationKp1'],
    officerKp2: ['tipKp2'],
    supervisor: ['tipKp1', 'mediationKp1', 'tipKp2'],
    mediator: ['mediationKp1'],
  };
  const visitors = {} as Record<Role, DashboardVisitor>;
  let serial = 0;

  beforeAll(async () => {
    app = await startApp({}, { roles: 'bot' });
    for (const role of Object.keys(ROLES) as Role[]) visitors[role] = await logIn(app, ROLES[role]);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A fresh case of that kind and area, so each action starts from a new case. */
  async function fresh(which: Which): Promise<string> {
    const { kind, areaCode } = CASES[which];
    const refCode = `${kind === 'tip' ? 'TB' : 'HG'}-0512-${String(++serial).padStart(4, '0')}`;
    await app.rt.store.cases.insertIfAbsent({
      caseId: newCaseId(),
      refCode,
      kind,
      category: kind === 'tip' ? 'theft' : 'noise',
      fields: kind === 'tip' ? { what: 'Trộm xe', where: 'Hẻm 45', when: 'now' } : { parties: 'Nhà 5 và nhà 7', description: 'Karaoke' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('555000333') },
      lang: 'vi',
      areaCode,
      submittedAt: new Date(),
    });
    return refCode;
  }

  const roles = Object.keys(ROLES) as Role[];
  const whiches = Object.keys(CASES) as Which[];

  it.each(roles)('%s: the list, the case page and its media show exactly the cases of the role', async (role) => {
    const v = visitors[role];
    const codes = Object.fromEntries(await Promise.all(whiches.map(async (w) => [w, await fresh(w)] as const))) as Record<Which, string>;
    const list = (await v.get('/dashboard/cases?status=all')).body;
    for (const w of whiches) {
      const sees = SEES[role].includes(w);
      expect([w, list.includes(`>${codes[w]}</a>`)]).toEqual([w, sees]);
      expect([w, (await v.get(`/dashboard/cases/${codes[w]}`)).status]).toEqual([w, sees ? 200 : 404]);
      // No attachment: the same 404 as a case the role may not see, for both.
      expect((await v.get(`/dashboard/cases/${codes[w]}/media/0`)).status).toBe(404);
    }
  });

  const ACTIONS = ['ack', 'note', 'ask', 'resolve', 'reassign'] as const;
  const DONE = { ack: 'acknowledged', note: 'noted', ask: 'asked', resolve: 'resolved', reassign: 'reassigned' } as const;
  const cases = roles.flatMap((role) => whiches.flatMap((which) => ACTIONS.map((action) => [role, which, action] as const)));

  it.each(cases)('%s on %s: %s', async (role, which, action) => {
    const v = visitors[role];
    const code = await fresh(which);
    const form: Record<string, string> = {
      _csrf: csrfOf((await v.get('/dashboard/cases')).body),
      note: 'Ghi chú kiểm tra',
      question: 'Anh thấy mấy người?',
      outcome: CASES[which].kind === 'tip' ? 'verified_handled' : 'mediated_success',
      to: CASES[which].colleague,
    };
    const res = await v.post(`/dashboard/cases/${code}/${action}`, form);
    const after = (await app.rt.store.cases.byRefCode(code))!;
    if (!SEES[role].includes(which)) {
      expect(res.status).toBe(404);
      expect(after.history.map((h) => h.action)).toEqual(['submitted']);
      return;
    }
    // A mediator never reassigns (the chat's rule), even what they may see.
    const allowed = !(role === 'mediator' && action === 'reassign');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/dashboard/cases/${code}?done=${allowed ? DONE[action] : 'refused'}`);
    expect(after.history.length > 1).toBe(allowed);
  });
});
