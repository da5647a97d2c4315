import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { planChange } from '../../src/domain/case-workflow';
import { startApp, type AppHarness } from '../support/app-harness';
import { accessible, appOnlyContext, launchChromium, SHOTS } from '../support/browser';
import { askLoginLink, LOGIN_LINK } from '../support/dashboard-client';

/**
 * The statistics page, the exports and the audit log in a real browser: the ward's supervisor
 * logs in by the bot's link, sees the charts and their tables, downloads the list as CSV and as
 * Excel (read back here), and reads the audit log that recorded it. Every page passes axe
 * (WCAG 2 A and AA); nothing but the app is ever fetched.
 */
describe('dashboard statistics, exports and audit in a browser', () => {
  let app: AppHarness;
  let browser: Browser;
  let context: BrowserContext;
  const blocked: string[] = [];
  const SUPERVISOR = '100000003';
  const codes: string[] = [];

  beforeAll(async () => {
    app = await startApp({ HOTSPOT_THRESHOLD: '1000' }, { roles: 'bot' });
    // Cases of the last weeks: some acknowledged and closed, so every chart has something to draw.
    const DAY = 86_400_000;
    const kinds = [
      ['tip', 'theft', 'kp1-to3'],
      ['tip', 'drugs', 'kp2-to1'],
      ['mediation', 'noise', 'kp1-to3'],
      ['tip', 'fraud', 'kp1-to4'],
    ] as const;
    for (let i = 0; i < 12; i++) {
      const [kind, category, areaCode] = kinds[i % kinds.length];
      const submittedAt = new Date(Date.now() - (i * 5 + 1) * DAY);
      const refCode = `${kind === 'tip' ? 'TB' : 'HG'}-1112-${String(100 + i)}`;
      const { case: c } = await app.rt.store.cases.insertIfAbsent({
        caseId: `browser-stats-${i}`,
        refCode,
        kind,
        category,
        fields: { what: 'Nội dung', where: 'Hẻm 45', when: 'now' },
        attachments: [],
        anonymous: true,
        replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('701') },
        lang: 'vi',
        areaCode,
        submittedAt,
      });
      codes.push(refCode);
      if (i % 3 === 2) continue;
      let current = c;
      const by = areaCode === 'kp2-to1' ? 'cskv-sg-02' : 'cskv-sg-01';
      const changes = [
        { action: 'ack' as const, by },
        ...(i % 2 === 1
          ? []
          : [{ action: 'resolve' as const, by, outcome: kind === 'tip' ? ('verified_handled' as const) : ('mediated_success' as const) }]),
      ];
      for (const [k, change] of changes.entries()) {
        const plan = planChange(current, change, new Date(submittedAt.getTime() + (k + 1) * (30 + i * 7) * 60_000));
        if (typeof plan === 'string') throw new Error(plan);
        current = (await app.rt.store.cases.applyPlan(c.caseId, current, plan))!;
      }
    }
    browser = await launchChromium();
    // Only the app itself: no font, script or tracker from anywhere else, ever.
    context = await appOnlyContext(browser, app.port, blocked, { acceptDownloads: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), bytes: readFileSync(path) };
  }

  it('shows statistics as charts with tables, downloads CSV and Excel from the list, and the audit log records it', async () => {
    const link = LOGIN_LINK.exec(await askLoginLink(app, SUPERVISOR))![0];
    const page = await context.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) csp.push(m.text());
    });
    await page.goto(link);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dashboard\/cases$/);

    // Statistics: reached from the navigation, the last twelve weeks by default.
    await page.getByRole('link', { name: 'Thống kê' }).click();
    await page.waitForURL(/\/dashboard\/stats$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Thống kê' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('p.count').textContent()).resolves.toContain('12 vụ việc');
    for (const name of ['Số vụ việc theo tuần', 'Số vụ việc theo phân loại', 'Số vụ việc theo trạng thái', 'Số vụ việc theo địa bàn']) {
      await expect(page.getByRole('img', { name }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('table', { name }).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByRole('img', { name: 'Thời gian tiếp nhận và giải quyết' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('img', { name: 'Kết quả hòa giải' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: 'Số vụ việc theo tuần' }).locator('tbody tr').count()).resolves.toBe(12);
    await accessible(page);
    await page.screenshot({ path: join(SHOTS, 'stats.png'), fullPage: true });

    // Filtering by area keeps the period in the URL.
    await page.getByRole('combobox', { name: 'Địa bàn' }).selectOption('kp2-to1');
    await page.getByRole('button', { name: 'Xem thống kê' }).click();
    await page.waitForURL(/area=kp2-to1/);
    await expect(page.locator('p.count').textContent()).resolves.toContain('3 vụ việc');

    // Exports from the list, of exactly its filter.
    await page.goto(`http://127.0.0.1:${app.port}/dashboard/cases?status=all&area=kp1-to3`);
    const csv = await download(page, 'Tải tệp CSV');
    expect(csv.name).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0].startsWith('Mã,Loại,Phân loại,Mã địa bàn,Địa bàn,Trạng thái')).toBe(true);
    const listed = await page.locator('ol.cases a.ref').allTextContents();
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(listed);
    const xlsx = await download(page, 'Tải tệp Excel');
    expect(xlsx.name).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.actualRowCount).toBe(listed.length + 1);
    expect(sheet.getColumn(1).values.slice(2)).toEqual(listed);

    // The audit log: this login and both exports.
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page.waitForURL(/\/dashboard\/audit$/);
    const rows = page.locator('table.audit tbody tr');
    await expect(rows.first().textContent()).resolves.toContain('Xuất danh sách');
    await expect(page.locator('table.audit').textContent()).resolves.toContain(`XLSX, ${listed.length} dòng`);
    await expect(page.locator('table.audit').textContent()).resolves.toContain('Đăng nhập trang quản lý');
    await accessible(page);
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });

    expect(blocked).toEqual([]);
    expect(csp).toEqual([]);
    expect(codes).toHaveLength(12);
    await page.close();
  });
});
