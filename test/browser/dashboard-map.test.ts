import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { newCaseId } from '../../src/app/bot';
import { hotspotKey } from '../../src/features/officer-desk/adapters/hotspots';
import type { NewCase } from '../../src/store/cases/case.schema';
import { startApp, type AppHarness } from '../support/app-harness';
import { accessible, launchChromium, SHOTS } from '../support/browser';
import { askLoginLink, LOGIN_LINK } from '../support/dashboard-client';

/** A 1×1 PNG: what the stub tile server answers. */
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const SUPERVISOR = '100000003'; // truong-ca-sg: the whole sample ward

/**
 * The dashboard's map in a real browser: the ward supervisor logs in by the bot's link and sees
 * the sample ward's outlines (a hotspot area drawn apart), clustered and single markers of the
 * located cases, filters and sees the URL and the markers change, and the page passes axe (WCAG 2
 * A and AA). Without a tile server nothing but the app is fetched; with DASHBOARD_TILE_URL the
 * tiles come from that origin only (stubbed here) and its attribution shows.
 */
describe('dashboard map in a browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The app with the sample ward, and located cases: six close together in Tổ 3, one each in Tổ 4 and Khu phố 2 – Tổ 1. */
  async function wardApp(env: Record<string, string> = {}): Promise<AppHarness> {
    const app = await startApp(env, { roles: 'bot' });
    const add = (n: number, over: Partial<NewCase>) =>
      app.rt.store.cases.insertIfAbsent({
        caseId: newCaseId(),
        refCode: `TB-1212-${String(100 + n).padStart(4, '0')}`,
        kind: 'tip',
        category: 'theft',
        fields: { what: 'Bẻ khóa xe máy', where: 'Hẻm 45 Lê Lợi', when: 'now' },
        attachments: [],
        anonymous: true,
        replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('701') },
        lang: 'vi',
        areaCode: 'kp1-to3',
        submittedAt: new Date(Date.now() - n * 60_000),
        ...over,
      });
    for (let i = 0; i < 6; i++) await add(i, { location: { latitude: 10.777 + i * 0.00002, longitude: 106.7 + i * 0.00002 } });
    await add(6, { areaCode: 'kp1-to4', category: 'drugs', location: { latitude: 10.7772, longitude: 106.7025 } });
    await add(7, { areaCode: 'kp2-to1', location: { latitude: 10.7748, longitude: 106.702 } });
    await add(8, { areaCode: 'kp2-to1' }); // no location: in the list, not on the map
    // The worker's hotspot alert for Tổ 3's thefts, as its check leaves it.
    await app.rt.redis.set(hotspotKey('kp1-to3', 'tip', 'theft'), 'a-case', 'PX', 600_000);
    return app;
  }

  /** Only the app, and what `also` fulfils; everything else is blocked and remembered. */
  async function lockedContext(app: AppHarness, also?: (url: string) => Buffer | undefined) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const blocked: string[] = [];
    const origin = `http://127.0.0.1:${app.port}`;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      const body = also?.(url);
      if (body) return route.fulfill({ status: 200, contentType: 'image/png', body });
      blocked.push(url);
      return route.abort();
    });
    return { context, blocked };
  }

  /** Logs the supervisor in and opens the map from the navigation; `problems` collects CSP refusals and script errors. */
  async function logInAndOpenMap(app: AppHarness, context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
    const link = LOGIN_LINK.exec(await askLoginLink(app, SUPERVISOR))![0];
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.text().includes('Content Security Policy')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(link);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dashboard\/cases$/);
    await page.getByRole('link', { name: 'Bản đồ' }).click();
    await page.waitForURL(/\/dashboard\/map$/);
    await page.locator('#case-map[data-state="ready"]').waitFor();
    return { page, problems };
  }

  describe('without a tile server', () => {
    let app: AppHarness;
    let locked: { context: BrowserContext; blocked: string[] };

    beforeAll(async () => {
      app = await wardApp();
      locked = await lockedContext(app);
    });

    afterAll(async () => {
      await locked?.context.close();
      await app?.close();
    });

    it('draws the outlines, the hotspot apart, clustered and single markers; filters by the URL; passes axe', async () => {
      const { page, problems } = await logInAndOpenMap(app, locked.context);
      // One path per area with a boundary (the ward and its three groups), the hotspot's drawn distinctly.
      await expect(page.locator('path.area-outline').count()).resolves.toBe(4);
      await expect(page.locator('path.area-outline.hotspot').count()).resolves.toBe(1);
      // The six close together as one cluster, the two others as single circle markers.
      await expect(page.locator('.marker-cluster').allTextContents()).resolves.toEqual(['6 vụ việc']);
      await expect(page.locator('path.case-marker').count()).resolves.toBe(2);
      await expect(page.locator('.leaflet-tile').count()).resolves.toBe(0);
      // The text alternative: every area, its cases on the map, the hotspot.
      const rows = page.locator('table.areas tbody tr');
      await expect(rows.count()).resolves.toBe(4);
      await expect(page.locator('table.areas tr.hot th').textContent()).resolves.toContain('Khu phố 1 – Tổ dân phố 3');
      await expect(page.getByRole('region', { name: /Bản đồ ranh giới các khu vực/ }).isVisible()).resolves.toBe(true);
      await accessible(page);
      await page.screenshot({ path: join(SHOTS, 'map.png'), fullPage: true });

      // A single marker's popup links to the case.
      await page.locator('path.case-marker.status-new').first().click();
      const ref = page.locator('.leaflet-popup-content a.ref');
      await ref.waitFor();
      await expect(ref.getAttribute('href')).resolves.toMatch(/^\/dashboard\/cases\/TB-1212-010[67]$/);

      // Filtering: the URL carries it, and the map redraws with the matching cases only.
      await page.getByLabel('Loại').selectOption('drugs');
      await page.getByRole('button', { name: 'Lọc' }).click();
      await page.waitForURL(/\/dashboard\/map\?.*category=drugs/);
      await page.locator('#case-map[data-state="ready"]').waitFor();
      await expect(page.locator('.marker-cluster').count()).resolves.toBe(0);
      await expect(page.locator('path.case-marker').count()).resolves.toBe(1);
      await expect(page.locator('p.count').textContent()).resolves.toContain('1 vụ việc có vị trí');
      await expect(page.getByRole('link', { name: 'Xem các vụ việc này dạng danh sách' }).getAttribute('href')).resolves.toBe(
        '/dashboard/cases?category=drugs',
      );
      await accessible(page);

      expect(locked.blocked).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('with DASHBOARD_TILE_URL', () => {
    let app: AppHarness;
    let locked: { context: BrowserContext; blocked: string[] };
    const tileRequests: string[] = [];

    beforeAll(async () => {
      app = await wardApp({
        DASHBOARD_TILE_URL: 'https://{s}.tiles.stub.test/{z}/{x}/{y}.png',
        DASHBOARD_TILE_ATTRIBUTION: '© Bản đồ thử nghiệm',
      });
      locked = await lockedContext(app, (url) => {
        if (!/^https:\/\/[abc]\.tiles\.stub\.test\/\d+\/\d+\/\d+\.png$/.test(url)) return undefined;
        tileRequests.push(url);
        return TILE;
      });
    });

    afterAll(async () => {
      await locked?.context.close();
      await app?.close();
    });

    it('draws the tiles from that origin only (allowed by the CSP) and shows the attribution', async () => {
      const { page, problems } = await logInAndOpenMap(app, locked.context);
      await page.locator('img.leaflet-tile.leaflet-tile-loaded').first().waitFor();
      expect(tileRequests.length).toBeGreaterThan(0);
      await expect(page.locator('.leaflet-control-attribution').textContent()).resolves.toContain('© Bản đồ thử nghiệm');
      await expect(page.locator('path.area-outline').count()).resolves.toBe(4);
      await accessible(page);
      await page.screenshot({ path: join(SHOTS, 'map-tiles.png'), fullPage: true });
      expect(locked.blocked).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  });
});
