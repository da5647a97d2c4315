import ExcelJS from 'exceljs';
import { planChange, type CaseChange } from '../../src/domain/case-workflow';
import { RedisFaqMisses } from '../../src/features/faq/adapters/faq-misses';
import { purgeClosedCases } from '../../src/features/privacy/workers/retention-processor';
import { loadConfig } from '../../src/config';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { csrfOf, logIn, type DashboardVisitor } from '../support/dashboard-client';

/**
 * Statistics, exports and the audit log of the web dashboard, without a browser (fetch against the
 * real app, real Redis and database): the numbers the seeded cases imply, worked out by hand
 * below; exports read back byte for byte and cell by cell; who sees which audit events.
 */
describe('dashboard statistics, exports and audit', () => {
  let app: AppHarness;
  const OFFICER_KP1 = '100000001'; // cskv-sg-01: kp1-to3, kp1-to4
  const OFFICER_KP2 = '100000002'; // cskv-sg-02: kp2-to1
  const SUPERVISOR = '100000003'; // truong-ca-sg: the whole ward
  const MEDIATOR = '100000004'; // hgv-kp1-to3
  const SUPERVISOR_KP2 = '100000009'; // added below: a supervisor of kp2-to1 only
  const PERIOD = '?from=2026-11-02&to=2026-11-29';
  let n = 0;

  /** A case submitted at a Vietnam time, then changed at so many minutes after it. */
  async function add(
    kind: 'tip' | 'mediation',
    category: string,
    areaCode: string,
    submitted: string,
    changes: [CaseChange, number][] = [],
    over: { assignedTo?: string } = {},
  ): Promise<string> {
    n += 1;
    const submittedAt = new Date(`${submitted}+07:00`);
    const refCode = `${kind === 'tip' ? 'TB' : 'HG'}-2611-${String(n).padStart(4, '0')}`;
    const { case: c } = await app.rt.store.cases.insertIfAbsent({
      caseId: `stats-case-${n}`,
      refCode,
      kind,
      category,
      fields: { what: 'Lời kể riêng của người báo: 0909123456' },
      attachments: [],
      anonymous: false,
      contactEnc: app.rt.box.seal('0909123456'),
      replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('7770001') },
      lang: 'vi',
      areaCode,
      submittedAt,
      ...over,
    });
    let current = c;
    for (const [change, minutes] of changes) {
      const plan = planChange(current, change, new Date(submittedAt.getTime() + minutes * 60_000));
      if (typeof plan === 'string') throw new Error(plan);
      current = (await app.rt.store.cases.applyPlan(c.caseId, current, plan))!;
    }
    return refCode;
  }

  const ack = (by = 'cskv-sg-01'): CaseChange => ({ action: 'ack', by });
  const refs: string[] = [];

  beforeAll(async () => {
    app = await startApp({}, { roles: 'bot' });
    await app.rt.store.officers.upsert({
      officerId: 'truong-kp2',
      name: 'Trung tá Lê Văn Bình',
      role: 'supervisor',
      areaCodes: ['kp2-to1'],
      chats: [{ channel: 'telegram', chatId: SUPERVISOR_KP2 }],
      lang: 'vi',
      active: true,
    });
    // Weeks (Vietnam's, Monday first) of the period 2 to 29 November 2026: 2/11, 9/11, 16/11, 23/11.
    refs.push(
      await add('tip', 'theft', 'kp1-to3', '2026-11-02T08:00:00', [
        [ack(), 10],
        [{ action: 'resolve', by: 'cskv-sg-01', outcome: 'verified_handled' }, 90],
      ]),
      await add('tip', 'theft', 'kp1-to4', '2026-11-03T09:00:00', [[ack(), 30]]),
      await add('tip', 'drugs', 'kp1-to3', '2026-11-09T21:15:00'),
      await add('mediation', 'noise', 'kp1-to3', '2026-11-10T10:00:00', [
        [ack(), 20],
        [{ action: 'resolve', by: 'cskv-sg-01', outcome: 'mediated_success' }, 600],
      ]),
      await add('mediation', 'land', 'kp2-to1', '2026-11-17T10:00:00', [
        [ack('cskv-sg-02'), 50],
        [{ action: 'resolve', by: 'cskv-sg-02', outcome: 'mediated_failed' }, 900],
      ]),
      // Monday 03:00 in Vietnam is still Sunday in UTC: the week of 23/11 all the same.
      await add('tip', 'theft', 'kp2-to1', '2026-11-23T03:00:00', [[ack('cskv-sg-02'), 40]]),
      await add('tip', 'fraud', 'kp1-to3', '2026-11-29T23:59:00', [
        [ack(), 120],
        [{ action: 'resolve', by: 'cskv-sg-01', outcome: 'transferred' }, 240],
      ]),
      // A value a spreadsheet would run as a formula, were it not made safe.
      await add('tip', 'other', 'kp1-to3', '2026-11-25T12:00:00', [], { assignedTo: '=1+2' }),
    );
    // Just outside the period, on either side.
    await add('tip', 'theft', 'kp1-to3', '2026-11-01T23:59:00');
    await add('tip', 'theft', 'kp1-to3', '2026-11-30T00:00:00');
    await new RedisFaqMisses(app.rt.redis).record('gio lam viec cong an phuong');
  });

  afterAll(async () => {
    await app?.close();
  });

  /** label → number of the data table whose caption is `caption`. */
  function table(body: string, caption: string): Record<string, string> {
    const escaped = caption.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`<caption>\\s*${escaped}\\s*</caption>([\\s\\S]*?)</table>`).exec(body);
    expect(m).not.toBeNull();
    const rows: Record<string, string> = {};
    for (const r of m![1].matchAll(/<th scope="row">([^<]*)<\/th>\s*<td class="num">([^<]*)<\/td>/g)) rows[r[1]] = r[2];
    return rows;
  }

  const stats = async (v: DashboardVisitor, query = PERIOD) => {
    const res = await v.get(`/dashboard/stats${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('shows the counts, weeks and waiting times the seeded cases imply, as charts with tables', async () => {
    const body = await stats(await logIn(app, SUPERVISOR));
    expect(body).toContain('8 vụ việc tiếp nhận từ 2026-11-02 đến 2026-11-29');
    expect(table(body, 'Số vụ việc theo tuần')).toEqual({ '02/11': '2', '09/11': '2', '16/11': '1', '23/11': '3' });
    expect(table(body, 'Số vụ việc theo trạng thái')).toEqual({ 'Đã kết thúc': '4', 'Đã tiếp nhận': '2', Mới: '2' });
    expect(table(body, 'Số vụ việc theo phân loại')).toEqual({
      'Trộm cắp, cướp giật': '3',
      'Ma túy': '1',
      'Lừa đảo qua mạng, điện thoại': '1',
      'Việc khác': '1',
      'Tiếng ồn, làm phiền': '1',
      'Đất đai, ranh giới': '1',
    });
    expect(table(body, 'Số vụ việc theo địa bàn')).toEqual({
      'Khu phố 1 – Tổ dân phố 3': '5',
      'Khu phố 1 – Tổ dân phố 4': '1',
      'Khu phố 2 – Tổ dân phố 1': '2',
    });
    // Acknowledged after 10, 30, 20, 50, 40, 120 minutes: median (30 + 40) / 2 = 35, p90 the 6th of 6 = 120.
    // Resolved after 90, 600, 900, 240 minutes: median (240 + 600) / 2 = 420, p90 the 4th of 4 = 900.
    expect(table(body, 'Thời gian tiếp nhận và giải quyết')).toEqual({
      'Tiếp nhận: trung vị': '35 phút',
      'Tiếp nhận: 90% vụ việc trong vòng': '2 giờ 0 phút',
      'Kết thúc: trung vị': '7 giờ 0 phút',
      'Kết thúc: 90% vụ việc trong vòng': '15 giờ 0 phút',
    });
    expect(table(body, 'Kết quả hòa giải')).toEqual({ 'Hòa giải thành': '1', 'Hòa giải không thành': '1' });
    // Each chart a picture with a name, drawn on the server; no script but the app's live-updates file.
    expect(body.match(/<svg\s+role="img"\s+aria-labelledby="[a-z-]+-title"/g)).toHaveLength(6);
    expect(body).toContain('<title id="by-week-title">Số vụ việc theo tuần</title>');
    expect(body.match(/<script[^>]*>/g)).toEqual(['<script src="/dashboard/assets/live.js" defer>']);
    // The FAQ's unanswered questions, for a supervisor, in the FAQ's words.
    expect(table(body, 'Câu hỏi chưa có câu trả lời')).toEqual({ 'gio lam viec cong an phuong': '1' });
    // Nothing of the tipsters.
    expect(body).not.toContain('0909123456');
  });

  it("filters by area and category from the URL, and an officer never sees another area's numbers", async () => {
    const sup = await logIn(app, SUPERVISOR);
    expect(table(await stats(sup, `${PERIOD}&area=kp2-to1`), 'Số vụ việc theo trạng thái')).toEqual({
      'Đã kết thúc': '1',
      'Đã tiếp nhận': '1',
    });
    expect(table(await stats(sup, `${PERIOD}&category=theft`), 'Số vụ việc theo tuần')).toEqual({
      '02/11': '2',
      '09/11': '0',
      '16/11': '0',
      '23/11': '1',
    });
    const kp2 = await stats(await logIn(app, OFFICER_KP2));
    expect(kp2).toContain('2 vụ việc tiếp nhận');
    expect(table(kp2, 'Số vụ việc theo địa bàn')).toEqual({ 'Khu phố 2 – Tổ dân phố 1': '2' });
    // Acknowledged after 50 and 40 minutes: median 45, p90 the 2nd of 2 = 50.
    expect(table(kp2, 'Thời gian tiếp nhận và giải quyết')).toMatchObject({
      'Tiếp nhận: trung vị': '45 phút',
      'Tiếp nhận: 90% vụ việc trong vòng': '50 phút',
    });
    // Asking for another area narrows to nothing rather than widening the scope.
    expect(await stats(await logIn(app, OFFICER_KP2), `${PERIOD}&area=kp1-to3`)).toContain('0 vụ việc tiếp nhận');
    // Officers are not shown the FAQ's questions; the mediator counts mediation requests only.
    expect(kp2).not.toContain('Câu hỏi chưa có câu trả lời');
    expect(table(await stats(await logIn(app, MEDIATOR)), 'Số vụ việc theo phân loại')).toEqual({ 'Tiếng ồn, làm phiền': '1' });
    // Without a period: the last twelve weeks, this one included.
    expect(Object.keys(table(await stats(sup, ''), 'Số vụ việc theo tuần'))).toHaveLength(12);
  });

  /** The export's answer as bytes (fetch's text() would drop the byte order mark). */
  async function exportOf(v: DashboardVisitor, form: Record<string, string>) {
    const res = await fetch(`http://127.0.0.1:${app.port}/dashboard/export`, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: v.cookie ?? '' },
      redirect: 'manual',
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  const HEADER =
    'Mã,Loại,Phân loại,Mã địa bàn,Địa bàn,Trạng thái,Kết quả,Nhận lúc,Tiếp nhận lúc,Số phút đến khi tiếp nhận,Kết thúc lúc,Cán bộ phụ trách';
  const filter = { status: 'all', area: 'kp1-to3', from: '2026-11-02', to: '2026-11-29' };

  it('exports exactly the filtered cases as CSV: BOM, the report columns, formula-safe, newest first', async () => {
    const v = await logIn(app, SUPERVISOR);
    const csrf = csrfOf((await v.get('/dashboard/cases?status=all&area=kp1-to3')).body);
    const res = await exportOf(v, { ...filter, format: 'csv', _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([refs[6], refs[7], refs[3], refs[2], refs[0]]);
    expect(lines[1]).toBe(
      `${refs[6]},Tin báo,"Lừa đảo qua mạng, điện thoại",kp1-to3,Khu phố 1 – Tổ dân phố 3,Đã kết thúc,Đã chuyển cơ quan có thẩm quyền,2026-11-29 23:59,2026-11-30 01:59,120,2026-11-30 03:59,cskv-sg-01`,
    );
    // The '=' that a spreadsheet would run is written as text.
    expect(lines[2].endsWith(",'=1+2")).toBe(true);
    // Nothing of the tipster: neither their words nor the contact they left.
    expect(res.bytes.toString('utf8')).not.toMatch(/0909123456|Lời kể/);
    // A mediator's export holds mediation requests only; an officer's nothing outside their areas.
    const med = await logIn(app, MEDIATOR);
    const medCsv = await exportOf(med, { ...filter, format: 'csv', _csrf: csrfOf((await med.get('/dashboard/cases')).body) });
    expect(
      medCsv.bytes
        .toString('utf8')
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual([refs[3]]);
    const kp2 = await logIn(app, OFFICER_KP2);
    const kp2Csv = await exportOf(kp2, { ...filter, format: 'csv', _csrf: csrfOf((await kp2.get('/dashboard/cases')).body) });
    expect(kp2Csv.bytes.toString('utf8').trim().split('\r\n')).toHaveLength(1);
  });

  it('exports the same rows as Excel, read back with exceljs', async () => {
    const v = await logIn(app, SUPERVISOR);
    const csrf = csrfOf((await v.get('/dashboard/stats')).body);
    const res = await exportOf(v, { ...filter, format: 'xlsx', _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
    expect(values(1).join(',')).toBe(HEADER);
    expect(sheet.actualRowCount).toBe(6);
    expect([2, 3, 4, 5, 6].map((r) => values(r)[0])).toEqual([refs[6], refs[7], refs[3], refs[2], refs[0]]);
    expect(values(2)[9]).toBe(120);
    // Text, never a formula.
    const cell = sheet.getRow(3).getCell(12);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=1+2');
  });

  it('an export without the CSRF token, or with a forged one, is refused and not recorded', async () => {
    const v = await logIn(app, SUPERVISOR);
    const before = (await app.rt.store.auditEvents.page({ areaCodes: null, action: 'export', offset: 0, limit: 100 })).total;
    expect((await exportOf(v, { ...filter, format: 'csv' })).status).toBe(403);
    expect((await exportOf(v, { ...filter, format: 'csv', _csrf: 'A'.repeat(43) })).status).toBe(403);
    const other = csrfOf((await (await logIn(app, SUPERVISOR)).get('/dashboard/cases')).body);
    expect((await exportOf(v, { ...filter, format: 'xlsx', _csrf: other })).status).toBe(403);
    expect((await app.rt.store.auditEvents.page({ areaCodes: null, action: 'export', offset: 0, limit: 100 })).total).toBe(before);
    // And on GET nothing is exported (nor recorded).
    expect((await v.get('/dashboard/export?format=csv')).status).toBe(404);
  });

  it('records logins, exports, logouts and every action from chat and web; supervisors see their areas only', async () => {
    const chatCase = await add('tip', 'drugs', 'kp2-to1', '2026-12-02T08:00:00');
    const webCase = await add('tip', 'drugs', 'kp1-to3', '2026-12-02T09:00:00');
    // From chat: the kp2 officer acknowledges by command.
    await app.bot!.service.handle({
      channel: 'telegram',
      updateId: `u${Math.random()}`,
      chatId: OFFICER_KP2,
      chatType: 'private',
      userId: OFFICER_KP2,
      text: `/nhan ${chatCase}`,
      command: { name: 'nhan', args: chatCase },
    });
    expect((await app.rt.store.cases.byRefCode(chatCase))!.status).toBe('acknowledged');
    // From the web: the kp1 officer acknowledges and notes.
    const kp1 = await logIn(app, OFFICER_KP1);
    const csrf = csrfOf((await kp1.get(`/dashboard/cases/${webCase}`)).body);
    expect((await kp1.post(`/dashboard/cases/${webCase}/ack`, { _csrf: csrf })).status).toBe(303);
    expect((await kp1.post(`/dashboard/cases/${webCase}/note`, { _csrf: csrf, note: 'Ghi chú kín 4711' })).status).toBe(303);
    // Every case of kp1's areas: six of the period, the two just outside it, and this one.
    await exportOf(kp1, { status: 'all', format: 'xlsx', _csrf: csrf });
    expect((await kp1.post('/dashboard/logout', { _csrf: csrf })).status).toBe(200);
    await app.bot!.service.handle({
      channel: 'telegram',
      updateId: `u${Math.random()}`,
      chatId: OFFICER_KP2,
      chatType: 'private',
      userId: OFFICER_KP2,
      text: '/dangxuat',
      command: { name: 'dangxuat', args: '' },
    });

    const all = (await app.rt.store.auditEvents.page({ areaCodes: null, offset: 0, limit: 500 })).items;
    const pick = (e: (typeof all)[number]) => [e.actor, e.action, e.channel, e.refCode ?? null];
    expect(all.map(pick)).toEqual(
      expect.arrayContaining([
        ['cskv-sg-02', 'ack', 'chat', chatCase],
        ['cskv-sg-01', 'ack', 'web', webCase],
        ['cskv-sg-01', 'note', 'web', webCase],
        ['cskv-sg-01', 'login', 'web', null],
        ['cskv-sg-01', 'logout', 'web', null],
        ['cskv-sg-01', 'export', 'web', null],
        ['cskv-sg-02', 'logout_everywhere', 'chat', null],
        ['truong-ca-sg', 'export', 'web', null],
      ]),
    );
    expect(all.find((e) => e.action === 'ack' && e.refCode === chatCase)!.areaCodes).toEqual(['kp2-to1']);
    expect(all.find((e) => e.action === 'export' && e.actor === 'cskv-sg-01')!.detail).toEqual({ format: 'xlsx', rows: 9 });
    expect(all.find((e) => e.action === 'login' && e.actor === 'cskv-sg-01')!.detail).toEqual({ by: 'link' });
    // No note's text and no tipster's anything in the log.
    const stored = JSON.stringify(all);
    expect(stored).not.toMatch(/4711|0909123456|7770001/);

    // The whole ward's supervisor sees everything of the ward, newest first.
    const sup = await logIn(app, SUPERVISOR);
    const page = await sup.get('/dashboard/audit');
    expect(page.status).toBe(200);
    expect(page.body).toContain(chatCase);
    expect(page.body).toContain(webCase);
    expect(page.body.indexOf('Đăng nhập trang quản lý</td>')).toBeLessThan(page.body.indexOf('Đăng xuất khỏi mọi thiết bị</td>'));
    expect(page.body).toContain('Thiếu úy Trần Minh Khoa (cskv-sg-01)');
    expect(page.body).toContain('XLSX, 9 dòng');
    expect(page.body).not.toContain('4711');
    // Filtered by action and period from the URL.
    const exports = await sup.get('/dashboard/audit?action=export');
    expect(exports.body.match(/<td>Xuất danh sách<\/td>/g)!.length).toBeGreaterThanOrEqual(2);
    expect(exports.body).not.toContain('<td>Tiếp nhận vụ việc</td>');
    expect((await sup.get('/dashboard/audit?from=2020-01-01&to=2020-01-31')).body).toContain('Không có hoạt động nào khớp bộ lọc.');

    // A supervisor of kp2-to1 only: the kp2 officer's events, nothing of kp1's.
    const supKp2 = await logIn(app, SUPERVISOR_KP2);
    const narrow = await supKp2.get('/dashboard/audit');
    expect(narrow.status).toBe(200);
    expect(narrow.body).toContain(chatCase);
    expect(narrow.body).toContain('Đăng xuất khỏi mọi thiết bị');
    expect(narrow.body).not.toContain(webCase);
    expect(narrow.body).not.toContain('cskv-sg-01');
  });

  it('officers and mediators get the 404 of an unknown page on the audit log, and no link to it', async () => {
    const unknown = await (await logIn(app, OFFICER_KP1)).get('/dashboard/no-such-page');
    for (const chat of [OFFICER_KP1, MEDIATOR]) {
      const v = await logIn(app, chat);
      const res = await v.get('/dashboard/audit');
      expect(res.status).toBe(404);
      expect(res.body).toBe(unknown.body);
      expect((await v.get('/dashboard/cases')).body).not.toContain('href="/dashboard/audit"');
    }
    expect((await (await logIn(app, SUPERVISOR)).get('/dashboard/cases')).body).toContain('href="/dashboard/audit"');
  });

  it('the daily retention run deletes audit events older than AUDIT_RETENTION_DAYS (365 by default)', async () => {
    const DAY = 86_400_000;
    const config = loadConfig(testSettings());
    expect(config.retention.auditMs).toBe(365 * DAY);
    expect(loadConfig({ ...testSettings(), AUDIT_RETENTION_DAYS: '30' }).retention.auditMs).toBe(30 * DAY);
    const events = app.rt.store.auditEvents;
    const base = { actor: 'cskv-sg-01', channel: 'web' as const, areaCodes: ['kp1-to3'] };
    await events.record({ ...base, action: 'login', at: new Date(Date.now() - 400 * DAY), detail: { by: 'old-one' } });
    await events.record({ ...base, action: 'login', at: new Date(Date.now() - 300 * DAY), detail: { by: 'kept-one' } });
    const report = await purgeClosedCases({
      store: app.rt.store,
      log: app.rt.log,
      closedCaseMs: 180 * DAY,
      auditMs: config.retention.auditMs,
    });
    expect(report.auditEvents).toBe(1);
    const left = JSON.stringify((await events.page({ areaCodes: null, offset: 0, limit: 1000 })).items);
    expect(left).not.toContain('old-one');
    expect(left).toContain('kept-one');
  });
});
