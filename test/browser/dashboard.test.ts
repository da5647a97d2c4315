import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, type AppHarness } from '../support/app-harness';
import { accessible, appOnlyContext, launchChromium, SHOTS } from '../support/browser';
import { LOGIN_LINK } from '../support/dashboard-client';
import { buttons, chatReader } from '../support/telegram-chat';
import { TelegramEmulator, type SentMessage } from '../support/telegram-emulator';

/**
 * The dashboard in a real browser: an officer asks the Telegram bot (the emulator) for a login
 * link, opens it in Chromium, presses the button, filters the list, opens a case and acknowledges
 * it, and their Telegram chat gets what acknowledging in chat sends; deactivated, they are thrown
 * out. Every page passes axe (WCAG 2 A and AA); nothing but the app is ever fetched.
 */
describe('dashboard in a browser', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  let browser: Browser;
  let context: BrowserContext;
  const blocked: string[] = [];
  const OFFICER = 100000001;
  const RESIDENT = 701;
  const text = (m: SentMessage) => m.text ?? m.caption ?? '';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      HOTSPOT_THRESHOLD: '1000',
    });
    await emu.waitForCall('getUpdates');
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
    browser = await launchChromium();
    // Only the app itself: no font, script or tracker from anywhere else, ever.
    context = await appOnlyContext(browser, app.port, blocked);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await intake?.close();
    await app?.close();
    await emu?.stop();
  });

  async function submit(over: Partial<CaseSubmission> = {}): Promise<string> {
    const refCode = await intake.nextReferenceCode('tip', new Date());
    await intake.submit({
      caseId: newCaseId(),
      refCode,
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Hai thanh niên bẻ khóa xe máy', where: 'Hẻm 45 Lê Lợi', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal(String(RESIDENT)) },
      lang: 'vi',
      joinCode: 'KP1TO3',
      submittedAt: new Date().toISOString(),
      ...over,
    });
    await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(refCode));
    return refCode;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });
  }

  it('logs in by the bot link, filters, opens a case and acknowledges it as chat does; deactivated, is thrown out', async () => {
    const older = await submit({ category: 'drugs', fields: { what: 'Tụ tập hút chích', where: 'Công viên', when: 'now' } });
    const code = await submit();
    const officerChat = chatReader(emu, OFFICER);
    const residentChat = chatReader(emu, RESIDENT);

    emu.user(OFFICER, { firstName: 'Khoa' }).sendText(OFFICER, '/dangnhap');
    const linkMessage = await officerChat.next((m) => LOGIN_LINK.test(text(m)));
    const link = LOGIN_LINK.exec(text(linkMessage))![0];

    const page = await context.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) csp.push(m.text());
    });
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Đăng nhập trang quản lý' }).isVisible()).resolves.toBe(true);
    await accessible(page);
    await shot(page, '1-login');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dashboard\/cases$/);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.secure, c.httpOnly, c.sameSite])).toEqual([['__Host-tnd_session', true, true, 'Lax']]);
    await officerChat.next((m) => text(m).includes('Có một lần đăng nhập mới vào trang quản lý'));

    // The list: both cases, newest first.
    const refs = page.locator('ol.cases a.ref');
    await expect(refs.allTextContents()).resolves.toEqual([code, older]);
    await accessible(page);
    await shot(page, '2-list');

    // Filtering puts the filter in the URL (a view can be bookmarked or sent).
    await page.getByLabel('Loại').selectOption('theft');
    await page.getByLabel('Trạng thái').selectOption('all');
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.waitForURL(/status=all/);
    const url = new URL(page.url());
    expect(url.searchParams.get('category')).toBe('theft');
    await expect(refs.allTextContents()).resolves.toEqual([code]);
    await shot(page, '3-list-filtered');

    // The case, and acknowledging it.
    await page.getByRole('link', { name: code }).click();
    await page.waitForURL(new RegExp(`/dashboard/cases/${code}$`));
    await expect(page.locator('ul.facts').textContent()).resolves.toContain('Hai thanh niên bẻ khóa xe máy');
    await accessible(page);
    await shot(page, '4-case');
    await page.getByRole('button', { name: 'Tiếp nhận' }).click();
    await page.waitForURL(/done=acknowledged/);
    await expect(page.locator('p.notice').textContent()).resolves.toContain(`Đã tiếp nhận ${code}`);
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('Thiếu úy Trần Minh Khoa (cskv-sg-01)');
    await accessible(page);
    await shot(page, '5-case-acknowledged');

    // What the chat's acknowledge sends: the confirmation and the case card (buttons without "acknowledge") to the officer, the resident told once.
    await officerChat.next((m) => text(m).includes(`Đã tiếp nhận ${code}`));
    const card = await officerChat.next((m) => text(m).startsWith(`📋 ${code}`));
    expect(text(card)).toContain('Phụ trách: Thiếu úy Trần Minh Khoa (cskv-sg-01)');
    expect(buttons(card).some((b) => b.startsWith('case:ack:'))).toBe(false);
    expect(buttons(card).some((b) => b.startsWith('case:note:'))).toBe(true);
    await residentChat.next((m) => text(m).includes(`Tin báo ${code} của bạn đã được cán bộ công an khu vực tiếp nhận`));
    expect((await app.rt.store.cases.byRefCode(code))!).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'cskv-sg-01' });

    // Deactivated by the operator: the next page is refused and the cookie is gone.
    const record = (await app.rt.store.officers.byId('cskv-sg-01'))!;
    await app.rt.store.officers.upsert({ ...record, active: false });
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Tài khoản không còn quyền truy cập' }).isVisible()).resolves.toBe(true);
    await accessible(page);
    await shot(page, '6-no-access');
    expect(await context.cookies()).toEqual([]);
    await page.goto(`http://127.0.0.1:${app.port}/dashboard/cases`);
    await expect(page.getByRole('heading', { name: 'Anh/chị chưa đăng nhập' }).isVisible()).resolves.toBe(true);

    // Nothing outside the app was asked for, and the CSP never had to block anything of ours.
    expect(blocked).toEqual([]);
    expect(csp).toEqual([]);
    await page.close();
  });
  it('asks the tipster through the relay, hands the case to a colleague and closes it from the web, as chat does', async () => {
    // The first test deactivated the officer: the operator restores them, and a colleague joins kp1-to3.
    const record = (await app.rt.store.officers.byId('cskv-sg-01'))!;
    await app.rt.store.officers.upsert({ ...record, active: true });
    const COLLEAGUE = 100000009;
    await app.rt.store.officers.upsert({
      officerId: 'cskv-sg-09',
      name: 'Trung úy Lê Văn Hải',
      role: 'officer',
      areaCodes: ['kp1-to3'],
      chats: [{ channel: 'telegram', chatId: String(COLLEAGUE) }],
      lang: 'vi',
      active: true,
    });
    const officerChat = chatReader(emu, OFFICER, 'now');
    const residentChat = chatReader(emu, RESIDENT, 'now');
    const colleagueChat = chatReader(emu, COLLEAGUE, 'now');
    // A photo the evidence store kept: the page shows it from our sealed copy.
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5230000000049454e44ae426082',
      'hex',
    );
    await app.rt.evidence.put('evBrowser01', 'photo', 'image/png', png);
    const code = await submit({ attachments: [{ kind: 'photo', ref: 'evidence:evBrowser01' }] });

    emu.user(OFFICER, { firstName: 'Khoa' }).sendText(OFFICER, '/dangnhap');
    const link = LOGIN_LINK.exec(text(await officerChat.next((m) => LOGIN_LINK.test(text(m)))))![0];
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dashboard\/cases$/);
    await page.getByRole('link', { name: code }).click();
    await page.waitForURL(new RegExp(`/dashboard/cases/${code}$`));
    const photo = page.getByRole('img', { name: `Ảnh 1 của ${code}` });
    await photo.scrollIntoViewIfNeeded();
    // Loaded and decoded: the 1×1 picture came back whole through the dashboard.
    await page.waitForFunction(
      "(() => { const i = document.querySelector('ul.media img'); return i && i.complete && i.naturalWidth === 1; })()",
    );

    // A question through the anonymous relay: the tipster reads it in their chat, their answer reaches the officer's chat and the timeline.
    await page.getByLabel('Hỏi người báo tin (qua kênh ẩn danh)').fill('Hai người đó mặc áo màu gì?');
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await page.waitForURL(/done=asked/);
    await residentChat.next((m) => text(m).includes(`hỏi về vụ việc ${code}`) && text(m).includes('Hai người đó mặc áo màu gì?'));
    await officerChat.next((m) => text(m).includes(`Đã gửi câu hỏi tới người báo (${code})`));
    emu.user(RESIDENT).sendText(RESIDENT, 'Một người áo đen, một người áo xanh');
    await residentChat.next((m) => text(m).includes(code) && !text(m).includes('mặc áo màu gì'));
    await officerChat.next(
      (m) => text(m).includes(`Người báo trả lời (${code})`) && text(m).includes('Một người áo đen, một người áo xanh'),
    );
    await page.reload();
    const timeline = page.locator('ol.timeline');
    await expect(timeline.textContent()).resolves.toContain('Hai người đó mặc áo màu gì?');
    await expect(timeline.textContent()).resolves.toContain('Một người áo đen, một người áo xanh');
    await accessible(page);
    await shot(page, '7-case-asked');

    // Handed to the colleague, who gets the full alert and who gave it.
    await page.getByLabel('Giao cho cán bộ').selectOption('cskv-sg-09');
    await page.getByRole('button', { name: 'Giao lại' }).click();
    await page.waitForURL(/done=reassigned/);
    await colleagueChat.next((m) => text(m).includes(code) && text(m).includes('Hai thanh niên bẻ khóa xe máy'));
    await colleagueChat.next((m) => text(m).includes(`Đồng chí được giao xử lý ${code} (do cskv-sg-01 chuyển)`));
    await officerChat.next((m) => text(m).includes(`Đã chuyển ${code} cho Trung úy Lê Văn Hải`));

    // Closed with an outcome: the tipster is told, and nothing more can be done on the page.
    await page.getByLabel('Kết quả xử lý').selectOption('verified_handled');
    await page.getByRole('button', { name: 'Kết thúc vụ việc' }).click();
    await page.waitForURL(/done=resolved/);
    await residentChat.next((m) => text(m).includes(`Tin báo ${code} đã được xử lý xong. Kết quả: Đã xác minh, xử lý`));
    await officerChat.next((m) => text(m).includes(`Đã kết thúc ${code}: Đã xác minh, xử lý`));
    await expect(page.getByRole('button', { name: 'Kết thúc vụ việc' }).count()).resolves.toBe(0);
    expect((await app.rt.store.cases.byRefCode(code))!.history.map((h) => [h.action, h.by])).toEqual([
      ['submitted', 'resident'],
      // Asking takes the case, as in chat.
      ['acknowledged', 'cskv-sg-01'],
      ['question', 'cskv-sg-01'],
      ['answer', 'resident'],
      ['reassigned', 'cskv-sg-01'],
      ['resolved', 'cskv-sg-01'],
    ]);
    await accessible(page);
    await shot(page, '8-case-closed');
    expect(blocked).toEqual([]);
    await page.close();
  });
  it('shows a new case live, marked urgent, and a change made in chat without reloading', async () => {
    const officerChat = chatReader(emu, OFFICER, 'now');
    emu.user(OFFICER, { firstName: 'Khoa' }).sendText(OFFICER, '/dangnhap');
    const link = LOGIN_LINK.exec(text(await officerChat.next((m) => LOGIN_LINK.test(text(m)))))![0];
    const page = await context.newPage();
    await page.goto(link);
    // The page's script opens the stream on load; the case comes after it is open.
    const streamOpen = page.waitForResponse((r) => r.url().endsWith('/dashboard/events') && r.status() === 200);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dashboard\/cases$/);
    await streamOpen;
    const title = await page.title();

    // A theft is an urgent category: stored by the worker, heard through Redis, shown at the top.
    const code = await submit();
    const live = page.locator('#live li', { hasText: code });
    await live.waitFor();
    await expect(live.textContent()).resolves.toContain('🚨 Vụ việc khẩn mới:');
    await expect(live.getAttribute('class')).resolves.toBe('urgent');
    await expect(page.title()).resolves.toBe(`(1) ${title}`);
    await accessible(page);
    await shot(page, '9-live-new-case');

    // Taken in chat: the list's row changes its status where it stands.
    const reopened = page.waitForResponse((r) => r.url().endsWith('/dashboard/events') && r.status() === 200);
    await page.reload();
    await reopened;
    const badge = page.locator(`li.case[data-ref="${code}"] .badge`);
    await expect(badge.textContent()).resolves.toContain('Mới');
    emu.user(OFFICER, { firstName: 'Khoa' }).sendText(OFFICER, `/nhan ${code}`);
    await page.locator(`li.case[data-ref="${code}"] .badge`, { hasText: 'Đã tiếp nhận' }).waitFor();
    expect(blocked).toEqual([]);
    await page.close();
  });
});
