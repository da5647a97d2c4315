import { newCaseId } from '../../src/app/bot';
import type { NewCase } from '../../src/store/cases/case.schema';
import { startApp, type AppHarness } from '../support/app-harness';
import { csrfOf, logIn, type DashboardVisitor } from '../support/dashboard-client';

interface LiveEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * The dashboard's live stream (server-sent events) without a browser: only with a live session,
 * only the cases the reader may see (the same rule as the list), a change made on the web heard
 * by every reader of the area, and a deactivated officer's stream ended at the next heartbeat.
 */
describe('dashboard live updates', () => {
  let app: AppHarness;
  const OFFICER_KP1 = '100000001';
  const OFFICER_KP2 = '100000002';
  const SUPERVISOR = '100000003';
  const streams: AbortController[] = [];

  beforeAll(async () => {
    app = await startApp({ DASHBOARD_LIVE_HEARTBEAT_SECONDS: '1' }, { roles: 'bot' });
  });

  afterAll(async () => {
    for (const s of streams) s.abort();
    await app?.close();
  });

  async function addCase(refCode: string, over: Partial<NewCase> = {}): Promise<void> {
    await app.rt.store.cases.insertIfAbsent({
      caseId: newCaseId(),
      refCode,
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Trộm xe máy trước nhà', where: 'Hẻm 45', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('555000222') },
      lang: 'vi',
      areaCode: 'kp1-to3',
      submittedAt: new Date(),
      ...over,
    });
  }

  /** Opens the stream as the visitor and collects its events as they come. */
  async function open(v: DashboardVisitor | null) {
    const abort = new AbortController();
    streams.push(abort);
    const res = await fetch(`http://127.0.0.1:${app.port}/dashboard/events`, {
      headers: v?.cookie ? { cookie: v.cookie } : {},
      signal: abort.signal,
    });
    const events: LiveEvent[] = [];
    let ended = false;
    if (res.status === 200 && res.body) {
      void (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            let cut: number;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              const event = /^event: (.+)$/m.exec(block)?.[1];
              const data = /^data: (.+)$/m.exec(block)?.[1];
              if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
            }
          }
        } catch {
          // Aborted by the test.
        }
        ended = true;
      })();
    }
    return { res, events, ended: () => ended };
  }

  async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('needs a live session', async () => {
    const s = await open(null);
    expect(s.res.status).toBe(401);
  });

  it('each reader hears of exactly the cases they may see, new and changed, with nothing of the tipster', async () => {
    const kp1 = await logIn(app, OFFICER_KP1);
    const kp2 = await logIn(app, OFFICER_KP2);
    const sup = await logIn(app, SUPERVISOR);
    const [a, b, c] = [await open(kp1), await open(kp2), await open(sup)];
    expect(a.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(a.res.headers.get('content-security-policy')).toContain("default-src 'none'");

    await addCase('TB-0412-0801');
    await app.rt.caseEvents.publish({ type: 'new', refCode: 'TB-0412-0801' });
    await until(() => a.events.length === 1 && c.events.length === 1, 'the new case');
    expect(a.events[0]).toEqual({
      event: 'case',
      data: {
        type: 'new',
        ref: 'TB-0412-0801',
        status: 'new',
        statusLabel: '🔴 Mới',
        category: expect.any(String),
        area: 'Khu phố 1 – Tổ dân phố 3',
        urgent: true,
      },
    });
    expect(JSON.stringify(a.events)).not.toMatch(/555000222|Hẻm 45|Trộm xe máy trước nhà/);

    // Acknowledged on the web by the area's officer: the desk's own change is what is heard.
    const csrf = csrfOf((await kp1.get('/dashboard/cases/TB-0412-0801')).body);
    expect((await kp1.post('/dashboard/cases/TB-0412-0801/ack', { _csrf: csrf })).status).toBe(303);
    await until(() => a.events.length === 2 && c.events.length === 2, 'the change');
    expect(a.events[1].data).toMatchObject({ type: 'changed', ref: 'TB-0412-0801', status: 'acknowledged' });
    // The other area's officer heard neither.
    await new Promise((r) => setTimeout(r, 300));
    expect(b.events).toEqual([]);
  });

  it("a deactivated officer's stream ends at the next heartbeat, with 'end' so the page reloads", async () => {
    const kp2 = await logIn(app, OFFICER_KP2);
    const s = await open(kp2);
    expect(s.res.status).toBe(200);
    const record = (await app.rt.store.officers.byId('cskv-sg-02'))!;
    await app.rt.store.officers.upsert({ ...record, active: false });
    try {
      await until(() => s.ended(), 'the stream to end', 5000);
      expect(s.events.map((e) => e.event)).toEqual(['end']);
    } finally {
      await app.rt.store.officers.upsert({ ...record, active: true });
    }
  });
});
