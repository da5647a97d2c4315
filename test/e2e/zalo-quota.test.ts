import type { ZaloQuotaWarning } from '../../src/channels/zalo/quota';
import { OutboxProducer } from '../../src/outbox/producer';
import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * Zalo's monthly quota end to end (issue 15): the real app (bot and workers, real Redis and
 * database) against the Zalo emulator. Every message Zalo accepts is counted in Redis and shown in
 * /readyz; the operators are warned once a month at the configured share; after Zalo's quota 429
 * (no retry_after) replies in chat and notices to residents are held for the long reply back-off,
 * while the officer's alert, paused only for the short outbox back-off, goes out once Zalo takes
 * messages again.
 */

const OFFICER_CHAT = 'zl-officer-cskv-1';
const OPERATORS_CHAT = 'zl-operators';
const LIMIT = 40;
const WARN_AT = LIMIT / 2;

let emu: ZaloEmulator;
let h: AppHarness;
let outbox: OutboxProducer;
const warnings: ZaloQuotaWarning[] = [];

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  h = await startApp({
    ZALO_BOT_TOKEN: emu.token,
    ZALO_API_BASE: emu.apiBase,
    ZALO_RATE_PER_SECOND: '20',
    FLOOD_MESSAGES_PER_10S: '200',
    ZALO_MONTHLY_QUOTA: String(LIMIT),
    ZALO_QUOTA_WARN_SHARE: '0.5',
    // The outbox retries alerts after 300 ms here (15 min in production); replies wait a minute (1 h).
    ZALO_QUOTA_BACKOFF_MS: '300',
    ZALO_REPLY_BACKOFF_MS: '60000',
    OPERATOR_CHAT: `zalo:${OPERATORS_CHAT}`,
  });
  // The hook the operators' chat will be wired to.
  h.rt.zaloQuota!.onWarning((w) => {
    warnings.push(w);
  });
  outbox = new OutboxProducer(h.rt.queueRedis, { attempts: 12, backoffMs: 20 });
});

afterAll(async () => {
  await outbox?.close();
  await h?.close();
  await emu?.stop();
});

const t = (key: string, params?: Record<string, unknown>) => h.rt.t('vi', key, params);
const content = (r: SentRecord) => r.text ?? r.caption ?? '';
const logged = (event: string) => h.logs.filter((l) => l.includes(`"msg":"${event}"`));

async function readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${h.port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function text(user: EmulatedUser, words: string, until: string | RegExp): Promise<SentRecord[]> {
  const seen = new Set(emu.sent(user.id).map((r) => r.messageId));
  const matches = (s: string) => (typeof until === 'string' ? s.includes(until) : until.test(s));
  await user.sendText(words);
  await emu.waitFor((r) => r.chatId === user.id && !seen.has(r.messageId) && matches(content(r)), 10_000);
  return emu.sent(user.id).filter((r) => !seen.has(r.messageId));
}

describe('Zalo monthly quota', () => {
  it('counts every message Zalo accepted and shows the count in /readyz, which stays ready', async () => {
    const user = emu.user('zl-quota-resident-1');
    await text(user, 'xin chào', t('menu.title'));
    const sent = emu.sent().length;
    expect(sent).toBeGreaterThan(0);
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, zaloQuota: { used: sent, limit: LIMIT, repliesHeldMs: 0 } });
    expect((body.zaloQuota as { month: string }).month).toMatch(/^\d{4}-\d{2}$/);
    // And in the metrics (no METRICS_TOKEN here: a loopback scrape is allowed).
    const metrics = await (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();
    expect(metrics).toContain(`tnd_zalo_quota_messages{what="used"} ${sent}`);
    expect(metrics).toContain(`tnd_zalo_quota_messages{what="limit"} ${LIMIT}`);
  });

  it('warns the operators once, in the log and through the hook, when the share is passed', async () => {
    const user = emu.user('zl-quota-resident-2');
    for (let i = 0; emu.sent().length < WARN_AT + 5; i++) await text(user, i % 2 ? '/menu' : '/help', t('menu.title'));
    // The operators' chat is told through the outbox, once (before the counts are compared, so no
    // message is in flight).
    const told = await emu.waitFor((r) => r.chatId === OPERATORS_CHAT, 15_000);
    const used = ((await readyz()).body.zaloQuota as { used: number }).used;
    expect(used).toBe(emu.sent().length);
    expect(logged('zalo.quota_warning')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].limit).toBe(LIMIT);
    expect(warnings[0].used).toBeGreaterThanOrEqual(WARN_AT);
    expect(warnings[0].used).toBeLessThan(used);
    expect(content(told)).toContain(`${warnings[0].used} trên ${LIMIT} tin nhắn của tháng ${warnings[0].month}`);
    expect(emu.sent(OPERATORS_CHAT)).toHaveLength(1);
    // Counts only: the warning names no chat.
    expect(logged('zalo.quota_warning')[0]).not.toContain(user.id);
  });

  it('after a quota 429 holds replies and residents’ notices, and still delivers the officer’s alert once Zalo takes messages again', async () => {
    const user = emu.user('zl-quota-resident-3');
    await text(user, 'KP1TO3', t('menu.title'));
    await text(user, '1', t('tip.category'));
    await text(user, 'trom cap', t('tip.what'));
    await text(user, 'Hai người lạ cạy khóa xe máy trước nhà số 7', t('tip.where'));
    await text(user, 'Hẻm 45 Lê Lợi', t('tip.when'));
    await text(user, t('when.now'), t('tip.media'));
    await text(user, '1', t('tip.identity'));
    await text(user, 'an danh', t('flow.confirm'));

    // The quota runs out as the resident confirms: the tip is stored, but Zalo refuses every send.
    emu.exhaustQuota();
    const sentToResident = emu.sent(user.id).length;
    await user.sendText('1');
    await eventually(
      () => logged('zalo.quota_spent').length,
      (n) => n >= 1,
    );
    // The officer's alert is refused too, and waits: the outbox pauses, using none of its attempts.
    await eventually(
      () => logged('outbox.rate_limited').length,
      (n) => n >= 1,
    );
    // A notice to a resident (a case update), queued while replies are held.
    const notice = await h.rt.store.notices.ensure({
      noticeId: 'n.quota-test.update',
      channel: 'zalo',
      chatIdEnc: h.rt.box.seal(user.id),
      parts: [{ text: 'Cập nhật hồ sơ', lang: 'vi' }],
    });
    await outbox.enqueueNotice('zalo', notice.noticeId);

    emu.refillQuota();
    const alert = await emu.waitFor((r) => r.chatId === OFFICER_CHAT && /TIN BÁO MỚI · TB-/.test(content(r)), 15_000);
    const code = /TB-\d{4}-\d{4,}/.exec(content(alert))![0];
    const [note] = await eventually(
      async () => h.rt.store.notifications.forCase((await h.rt.store.cases.byRefCode(code))!.caseId),
      (ns) => ns.length === 1 && ns[0].status === 'sent',
    );
    expect(note).toMatchObject({ chatId: OFFICER_CHAT, status: 'sent' });
    expect(emu.sent(OFFICER_CHAT).filter((r) => content(r).includes(`TIN BÁO MỚI · ${code}`))).toHaveLength(1);

    // Zalo takes messages again, but replies stay held for the reply back-off: the resident's next
    // message is read (the draft is safe) and answered by nothing, without a call to Zalo.
    const callsBefore = (emu.calls.sendMessage ?? 0) + (emu.calls.sendPhoto ?? 0);
    const held = logged('reply.held_for_quota').length;
    await user.sendText('/menu');
    await eventually(
      () => logged('reply.held_for_quota').length,
      (n) => n > held,
    );
    await eventually(
      () => logged('notice.held_for_quota').length,
      (n) => n >= 1,
    );
    expect(emu.sent(user.id).slice(sentToResident).map(content)).toEqual([]);
    expect((await h.rt.store.notices.byId(notice.noticeId))?.status).toBe('pending');
    expect((emu.calls.sendMessage ?? 0) + (emu.calls.sendPhoto ?? 0)).toBe(callsBefore);

    // An emergency still gets its numbers (tried once; the quota may be back), and nothing else.
    await user.sendText('cháy nhà rồi, cứu với');
    await emu.waitFor((r) => r.chatId === user.id && content(r).includes(t('emergency.numbers')), 10_000);
    await eventually(
      () => logged('reply.held_for_quota').length,
      (n) => n > held + 1,
    );
    expect(emu.sent(user.id).slice(sentToResident).map(content)).toEqual([expect.stringContaining(t('emergency.numbers'))]);

    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect((body.zaloQuota as { repliesHeldMs: number }).repliesHeldMs).toBeGreaterThan(0);
  });
});
