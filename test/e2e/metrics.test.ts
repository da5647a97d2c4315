import { startApp, type AppHarness } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * /metrics after a real tip (issue 16): a resident sends a tip through the Telegram emulator, the
 * officer's alert goes out (once after a 429), and Prometheus, with the token, reads the alert's
 * latency, the sends and the 429 by platform, the case stored, every queue's depth and Node's own
 * process metrics. Without the token, or with a wrong one, it reads nothing.
 */

const TOKEN = 'metrics-token-0123456789abcdefABCDEF';
const RESIDENT = 7301;
const OFFICER = '100000001';

let emu: TelegramEmulator;
let app: AppHarness;

beforeAll(async () => {
  emu = new TelegramEmulator();
  await emu.start();
  app = await startApp({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, METRICS_TOKEN: TOKEN });
  await emu.waitForCall('getUpdates');
});

afterAll(async () => {
  await app?.close();
  await emu?.stop();
});

function scrape(headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.port}/metrics`, { headers });
}

/** The value of one sample (`name{labels} value`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('refuses a scrape without the token, or with a wrong one, with 401', async () => {
  const none = await scrape({});
  expect(none.status).toBe(401);
  expect(await none.text()).not.toContain('tnd_');
  expect((await scrape({ authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` })).status).toBe(401);
  expect((await scrape({ authorization: TOKEN })).status).toBe(401);
});

it('after a tip, serves the alert latency, sends and 429s by platform, the case, queue depths and process metrics', async () => {
  const resident = emu.user(RESIDENT, { firstName: 'Cư dân' });
  const chat = chatReader(emu, RESIDENT);
  resident.sendText(RESIDENT, '/start tip_KP1TO3');
  resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
  await chat.question('Chuyện gì đã xảy ra?');
  resident.sendText(RESIDENT, 'Hai thanh niên bẻ khóa xe máy trước nhà số 12');
  await chat.next((m) => (m.text ?? '').includes('Ở đâu?'));
  resident.sendText(RESIDENT, 'Hẻm 45 Lê Lợi');
  resident.pressButton(await chat.question('Khi nào?'), 'when:now');
  resident.pressButton(await chat.question('Bạn có ảnh'), 'nav:done');
  resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
  const summary = await chat.question('Kiểm tra lại tin báo');
  // The next sendMessage (the resident's receipt or the officer's alert) gets Telegram's 429.
  emu.failNext('sendMessage', 1, { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
  resident.pressButton(summary, 'nav:confirm');
  const received = await chat.next((m) => (m.text ?? '').includes('Đã nhận tin báo'));
  const code = /TB-\d{4}-\d{4}/.exec(received.text!)![0];
  await chatReader(emu, OFFICER).next((m) => (m.text ?? '').includes(code), 20_000);

  // The histogram is written once the alert's last part is saved as sent, a moment after it arrived;
  // the case is counted once what follows its storing (its escalation timer) is done.
  const text = await eventually(async () => {
    const body = await (await scrape()).text();
    const alerted = sample(body, 'tnd_alert_latency_seconds_count{channel="telegram"}') ?? 0;
    const stored = sample(body, 'tnd_cases_stored_total{kind="tip"}') ?? 0;
    return alerted >= 1 && stored >= 1 ? body : undefined;
  });
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');

  expect(sample(text, 'tnd_alert_latency_seconds_count{channel="telegram"}')).toBe(1);
  // Submitted seconds ago, not hours: the latency is measured from the case's submission.
  const seconds = sample(text, 'tnd_alert_latency_seconds_sum{channel="telegram"}')!;
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThan(60);
  expect(sample(text, 'tnd_alert_latency_seconds_bucket{le="+Inf",channel="telegram"}')).toBe(1);

  expect(sample(text, 'tnd_cases_stored_total{kind="tip"}')).toBe(1);
  expect(sample(text, 'tnd_platform_sends_total{channel="telegram",via="outbox",outcome="sent"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'tnd_platform_sends_total{channel="telegram",via="reply",outcome="sent"}')).toBeGreaterThanOrEqual(8);
  const limited =
    (sample(text, 'tnd_platform_sends_total{channel="telegram",via="reply",outcome="rate_limited"}') ?? 0) +
    (sample(text, 'tnd_platform_sends_total{channel="telegram",via="outbox",outcome="rate_limited"}') ?? 0);
  expect(limited).toBe(1);

  // Every queue, every state, read from Redis at the scrape: the stored case's escalation timer waits as delayed.
  expect(sample(text, 'tnd_queue_read_ok')).toBe(1);
  for (const queue of ['cases', 'escalations', 'broadcasts', 'retention', 'outbox-telegram', 'inbox-telegram'])
    for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed'])
      expect(sample(text, `tnd_queue_jobs{queue="${queue}",state="${state}"}`)).toEqual(expect.any(Number));
  expect(sample(text, 'tnd_queue_jobs{queue="escalations",state="delayed"}')).toBe(1);
  expect(sample(text, 'tnd_queue_jobs{queue="cases",state="failed"}')).toBe(0);

  // Declared even before anything happened to them, and Node's own metrics.
  expect(text).toContain('# TYPE tnd_escalations_total counter');
  expect(text).toContain('# TYPE tnd_broadcasts_total counter');
  expect(text).toContain('# TYPE tnd_faq_misses_total counter');
  expect(text).toContain('# TYPE tnd_case_acknowledge_seconds histogram');
  expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(text).toContain('nodejs_eventloop_lag_seconds');

  // Nothing of the tip or the resident in what Prometheus stores.
  expect(text).not.toContain(code);
  // In no label value (a number elsewhere, a byte count or a time, can hold the digits by chance).
  expect(text).not.toMatch(new RegExp(`"[^"\\n]*${RESIDENT}[^"\\n]*"`));
  expect(text).not.toMatch(new RegExp(`"[^"\\n]*${OFFICER}[^"\\n]*"`));
});

it('counts an unanswered FAQ question', async () => {
  const before = sample(await (await scrape()).text(), 'tnd_faq_misses_total') ?? 0;
  const resident = emu.user(7302, { firstName: 'Cư dân' });
  const chat = chatReader(emu, 7302);
  resident.sendText(7302, '/hoi lịch cắt điện tuần này?');
  await chat.next();
  const after = await eventually(async () => {
    const n = sample(await (await scrape()).text(), 'tnd_faq_misses_total') ?? 0;
    return n > before ? n : undefined;
  });
  expect(after).toBe(before + 1);
});

describe('without METRICS_TOKEN', () => {
  let local: AppHarness;
  beforeAll(async () => {
    local = await startApp({}, { roles: 'none', fresh: false, seed: false });
  });
  afterAll(async () => {
    await local?.rt.db.dropDatabase().catch(() => undefined);
    await local?.close();
  });

  it('answers a loopback request, and refuses one a proxy forwarded', async () => {
    const url = `http://127.0.0.1:${local.port}/metrics`;
    const direct = await fetch(url);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain('tnd_queue_jobs');
    expect((await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(401);
    expect((await fetch(url, { headers: { forwarded: 'for=203.0.113.7' } })).status).toBe(401);
  });
});
