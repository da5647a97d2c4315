import { Queue } from 'bullmq';
import { outboxQueueName } from '../../src/outbox/jobs';
import { HELD_REPLIES_PRIORITY } from '../../src/outbox/producer';
import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * Replies held back by Zalo's quota are sent later (issue 15): after a quota 429 the bot keeps
 * the replies it could not send, and once the reply back-off is over the outbox sends them, in
 * order in each chat, a reply said after the back-off waiting behind them; a reply older than
 * ZALO_HELD_REPLY_MAX_AGE_MS is dropped and counted instead. Real app, Redis and database, the
 * Zalo emulator's quota 429 (no retry_after).
 */

const REPLY_BACKOFF_MS = 1500;
const MAX_AGE_MS = 8000;

let emu: ZaloEmulator;
let h: AppHarness;
let outbox: Queue;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  h = await startApp({
    ZALO_BOT_TOKEN: emu.token,
    ZALO_API_BASE: emu.apiBase,
    ZALO_RATE_PER_SECOND: '20',
    ZALO_CHAT_INTERVAL_MS: '0',
    FLOOD_MESSAGES_PER_10S: '200',
    ZALO_QUOTA_BACKOFF_MS: '300',
    ZALO_REPLY_BACKOFF_MS: String(REPLY_BACKOFF_MS),
    ZALO_HELD_REPLY_MAX_AGE_MS: String(MAX_AGE_MS),
  });
  outbox = new Queue(outboxQueueName('zalo'), { connection: h.rt.queueRedis });
});

afterAll(async () => {
  await outbox?.close();
  await h?.close();
  await emu?.stop();
});

const t = (key: string, params?: Record<string, unknown>) => h.rt.t('vi', key, params);
const content = (r: SentRecord) => r.text ?? r.caption ?? '';
const logged = (event: string) => h.logs.filter((l) => l.includes(`"msg":"${event}"`)).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

async function text(user: EmulatedUser, words: string, until: string): Promise<void> {
  const seen = emu.sent(user.id).length;
  await user.sendText(words);
  await emu.waitFor((r) => r.chatId === user.id && emu.sent(user.id).indexOf(r) >= seen && content(r).includes(until), 10_000);
}

/** Sends `words` while the quota holds replies, and waits until the bot has read it and held its reply. */
async function heldAnswer(user: EmulatedUser, words: string): Promise<void> {
  const before = logged('reply.held_for_quota');
  await user.sendText(words);
  await eventually(
    () => logged('reply.held_for_quota'),
    (n) => n > before,
  );
}

async function metric(outcome: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`tnd_held_replies_total{channel="zalo",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('replies held back by Zalo’s quota', () => {
  it('are sent once the back-off is over, in order, with a reply said afterwards behind them', async () => {
    const user = emu.user('zl-held-resident-1');
    await text(user, 'KP1TO3', t('menu.title'));
    await text(user, '1', t('tip.category'));
    const before = emu.sent(user.id).length;

    // The outbox is stopped a moment (as an operator could), so the back-off passes before the held
    // replies go: a reply said after it, while two still wait, must come after them.
    await outbox.pause();
    // Zalo refuses the first reply (quota 429): it and the next one are held.
    emu.exhaustQuota();
    await heldAnswer(user, 'trom cap');
    await heldAnswer(user, 'Hai người lạ cạy khóa xe máy trước nhà số 7');
    emu.refillQuota();
    // One sender job for the chat, behind officers' alerts (which carry no priority, so go first).
    const senders = (await outbox.getJobs(['prioritized', 'waiting', 'delayed', 'paused'])).filter((j) => j.name === 'replies');
    expect(senders.map((j) => j.opts.priority)).toEqual([HELD_REPLIES_PRIORITY]);
    expect(JSON.stringify(senders[0].data)).not.toContain(user.id);
    await sleep(REPLY_BACKOFF_MS + 200);
    expect(
      ((await (await fetch(`http://127.0.0.1:${h.port}/readyz`)).json()) as { zaloQuota: { repliesHeldMs: number } }).zaloQuota
        .repliesHeldMs,
    ).toBe(0);
    await heldAnswer(user, 'Trước nhà số 7 hẻm 45 Lê Lợi');
    expect(emu.sent(user.id)).toHaveLength(before);
    await outbox.resume();

    await emu.waitFor((r) => r.chatId === user.id && content(r).includes(t('tip.when')), 15_000);
    const said = emu.sent(user.id).slice(before).map(content);
    const at = (key: string) => said.findIndex((s) => s.includes(t(key)));
    expect(at('tip.what')).toBeGreaterThanOrEqual(0);
    expect(at('tip.what')).toBeLessThan(at('tip.where'));
    expect(at('tip.where')).toBeLessThan(at('tip.when'));
    // Each once.
    for (const key of ['tip.what', 'tip.where', 'tip.when']) expect(said.filter((s) => s.includes(t(key)))).toHaveLength(1);
    // Counted once the outbox has taken each off the list, a moment after Zalo has it.
    await eventually(metric.bind(null, 'sent'), (n) => n === 3);
    expect(await metric('held')).toBe(3);
    expect(await metric('expired')).toBe(0);

    // Nothing waits any more: the next reply goes straight out.
    const seen = emu.sent(user.id).length;
    await text(user, t('when.now'), t('tip.media'));
    expect(emu.sent(user.id).length).toBeGreaterThan(seen);
  });

  it('are dropped and counted, not sent, once older than the bound', async () => {
    const user = emu.user('zl-held-resident-2');
    await text(user, 'KP1TO3', t('menu.title'));
    const before = emu.sent(user.id).length;
    const expired = await metric('expired');
    await outbox.pause();
    emu.exhaustQuota();
    await heldAnswer(user, '1');
    emu.refillQuota();
    await sleep(MAX_AGE_MS + 300);
    await outbox.resume();
    await eventually(metric.bind(null, 'expired'), (n) => n > expired);
    expect(emu.sent(user.id)).toHaveLength(before);
    expect(logged('held_reply.expired')).toBeGreaterThan(0);
    // The chat reads on normally: a new message is answered at once (the tip it had started waits).
    await text(user, '/menu', t('draft.unfinished.tip'));
  }, 30_000);
});
