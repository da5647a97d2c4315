import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import { startWorkers, type WorkerHandle } from '../../src/app/worker';
import type { ChannelSender } from '../../src/channels/channel-sender';
import { MessageRejectedError, RecipientUnavailableError, SendRateLimitedError } from '../../src/channels/send-errors';
import { ZaloClient } from '../../src/channels/zalo/client';
import { ZaloServerError, ZaloUnauthorizedError } from '../../src/channels/zalo/errors';
import { ZALO_QUOTA_BACKOFF_MS, ZaloSender } from '../../src/channels/zalo/zalo-sender';
import type { ChannelName } from '../../src/conversations/messages';
import type { CaseSubmission } from '../../src/conversations/ports';
import { outboxQueueName } from '../../src/outbox/jobs';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import type { Notification } from '../../src/store/notifications/notification.schema';
import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type SentRecord } from '../support/zalo-emulator';

/**
 * Officer alerts through the Zalo outbox while the platform misbehaves: rate limits, server
 * errors, answers that are not JSON, sends that never answer and dropped connections. Each part of
 * each alert must arrive exactly once in the end; a chat the platform does not know is given up on
 * at once. The workers run the app's own outbox (src/outbox/consumer.ts) with a Zalo sender whose client
 * times out after half a second, so a hung send costs the test little.
 */

const OFFICER_CHAT = 'zl-officer-cskv-1';
const MEDIATOR_CHAT = 'zl-officer-mediator';
const QUOTA_BACKOFF_MS = 300;

let emu: ZaloEmulator;
let h: AppHarness;
let workers: WorkerHandle;
let intake: QueueCaseIntake;
let outbox: Queue;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  h = await startApp(
    { ZALO_BOT_TOKEN: emu.token, ZALO_API_BASE: emu.apiBase, ZALO_RATE_PER_SECOND: '20', JOB_ATTEMPTS: '12', JOB_BACKOFF_MS: '20' },
    { roles: 'bot' },
  );
  // A 429 from Zalo is a spent quota: the outbox pauses QUOTA_BACKOFF_MS (15 min in production).
  const sender = new ZaloSender(new ZaloClient({ token: emu.token, apiBase: emu.apiBase, timeoutMs: 3000 }), h.rt.t, {
    quotaBackoffMs: QUOTA_BACKOFF_MS,
  });
  workers = startWorkers(h.rt, new Map<ChannelName, ChannelSender>([['zalo', sender]]));
  intake = new QueueCaseIntake(h.rt.queueRedis, h.rt.refCodes, { attempts: 12, backoffMs: 20, box: h.rt.box });
  outbox = new Queue(outboxQueueName('zalo'), { connection: h.rt.queueRedis });
});

afterAll(async () => {
  await outbox?.close();
  await intake?.close();
  await workers?.close();
  await h?.close();
  await emu?.stop();
});

async function submit(kind: 'tip' | 'mediation', extra: Partial<CaseSubmission> = {}): Promise<CaseSubmission> {
  const base: CaseSubmission = {
    caseId: newCaseId(),
    refCode: await intake.nextReferenceCode(kind, new Date()),
    kind,
    category: kind === 'tip' ? 'theft' : 'noise',
    fields:
      kind === 'tip'
        ? { what: 'Hai người lạ cạy khóa xe máy trước nhà số 7', where: 'Hẻm 45 Lê Lợi', when: 'now' }
        : { parties: 'Nhà số 5 và nhà số 7', description: 'Hát karaoke đến khuya', mediatedBefore: 'no', reachTime: 'evening' },
    attachments: [],
    anonymous: kind === 'tip',
    contactSealed: kind === 'mediation' ? h.rt.box.seal('0912345678') : undefined,
    replyTo: { channel: 'zalo', chatIdSealed: h.rt.box.seal('zl-resident-outbox') },
    lang: 'vi',
    joinCode: 'KP1TO3',
    submittedAt: new Date().toISOString(),
    ...extra,
  };
  await intake.submit(base);
  return base;
}

/** Waits for a state the workers will reach; the jest timeout catches a hang. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settled = (ns: Notification[], count: number) => ns.length === count && ns.every((n) => n.status !== 'pending');
const content = (r: SentRecord) => r.text ?? r.caption ?? '';
const containing = (chat: string, piece: string) => emu.sent(chat).filter((r) => content(r).includes(piece));

describe('Zalo outbox', () => {
  it('delivers every part of every alert exactly once through 429s, 5xx, malformed answers, timeouts and resets', async () => {
    emu.failNext('sendMessage', 1, {
      status: 429,
      body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 0.2 } }),
    });
    emu.failNext('sendMessage', 1, { status: 429 });
    emu.failNext('sendMessage', 1, { status: 500 });
    emu.failNext('sendMessage', 1, { status: 200, body: '{"ok": tru' });
    emu.failNext('sendMessage', 1, 'timeout');
    emu.failNext('sendMessage', 1, 'reset');
    emu.failNext('sendMessage', 1, { status: 502, body: '<html>Bad Gateway</html>' });
    emu.failNext('sendPhoto', 1, 'timeout');
    emu.failNext('sendPhoto', 1, { status: 503 });
    const faults = { sendMessage: 7, sendPhoto: 2 };

    const photo = 'https://photos.example.com/zalo/xe-may.jpg';
    const tip = await submit('tip', { location: { latitude: 10.7769, longitude: 106.7009 }, attachments: [{ kind: 'photo', ref: photo }] });
    const mediation = await submit('mediation');

    const tipNotes = await eventually(
      () => h.rt.store.notifications.forCase(tip.caseId),
      (ns) => settled(ns, 1),
    );
    const mediationNotes = await eventually(
      () => h.rt.store.notifications.forCase(mediation.caseId),
      (ns) => settled(ns, 2),
    );
    expect(tipNotes.map((n) => [n.chatId, n.status, n.partsSent])).toEqual([[OFFICER_CHAT, 'sent', 3]]);
    expect(mediationNotes.map((n) => [n.chatId, n.status, n.partsSent])).toEqual([
      [OFFICER_CHAT, 'sent', 1],
      [MEDIATOR_CHAT, 'sent', 1],
    ]);

    // Each part exactly once: the alert text, the map pin, the photo.
    expect(containing(OFFICER_CHAT, `TIN BÁO MỚI · ${tip.refCode}`)).toHaveLength(1);
    const pins = containing(OFFICER_CHAT, 'https://maps.google.com/?q=10.7769,106.7009');
    expect(pins).toHaveLength(1);
    expect(pins[0].text).toContain(tip.refCode);
    const photos = emu.sent(OFFICER_CHAT).filter((r) => r.method === 'sendPhoto');
    expect(photos).toHaveLength(1);
    expect(photos[0]).toMatchObject({ photo, caption: expect.stringContaining(tip.refCode) });
    for (const chat of [OFFICER_CHAT, MEDIATOR_CHAT]) {
      expect(containing(chat, `YÊU CẦU HÒA GIẢI MỚI · ${mediation.refCode}`)).toHaveLength(1);
    }
    expect(emu.sent(OFFICER_CHAT)).toHaveLength(4);
    expect(emu.sent(MEDIATOR_CHAT)).toHaveLength(1);

    // Every injected fault was met and retried, and nothing else was attempted.
    const sentBy = (method: string) => emu.sent().filter((r) => r.method === method).length;
    expect(emu.calls.sendMessage).toBe(sentBy('sendMessage') + faults.sendMessage);
    expect(emu.calls.sendPhoto).toBe(sentBy('sendPhoto') + faults.sendPhoto);
  });

  it('pauses the whole outbox for the quota back-off on Zalo’s 429 (no retry_after) and sends the alert afterwards, once', async () => {
    emu.exhaustQuota();
    const before = emu.calls.sendMessage ?? 0;
    const tip = await submit('tip');
    const paused = () => h.logs.filter((l) => l.includes('"outbox.rate_limited"') && l.includes(`"retryAfterMs":${QUOTA_BACKOFF_MS}`));
    await eventually(
      async () => paused().length,
      (n) => n >= 3,
    );
    // One try per pause, not one a second, and none of them uses up one of the job's attempts:
    // a quota may stay spent for long, and the alert must still go out once it is back.
    expect(emu.calls.sendMessage! - before).toBeLessThanOrEqual(paused().length + 1);
    const [pending] = await h.rt.store.notifications.forCase(tip.caseId);
    expect(pending).toMatchObject({ status: 'pending' });
    expect((await outbox.getJob(pending.notificationId))?.attemptsMade).toBe(0);
    emu.refillQuota();

    const [note] = await eventually(
      () => h.rt.store.notifications.forCase(tip.caseId),
      (ns) => settled(ns, 1),
    );
    expect(note).toMatchObject({ chatId: OFFICER_CHAT, status: 'sent' });
    expect(containing(OFFICER_CHAT, `TIN BÁO MỚI · ${tip.refCode}`)).toHaveLength(1);
  });

  it('gives up at once on a chat the platform does not know, without retrying', async () => {
    emu.failNext('sendMessage', 1, {
      status: 400,
      body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: user not found' }),
    });
    const before = emu.calls.sendMessage ?? 0;
    const tip = await submit('tip');

    const [note] = await eventually(
      () => h.rt.store.notifications.forCase(tip.caseId),
      (ns) => settled(ns, 1),
    );
    expect(note).toMatchObject({ chatId: OFFICER_CHAT, status: 'failed', partsSent: 0, lastError: 'RecipientUnavailableError' });
    // The job ends (completed, nothing left to retry) after that one call.
    expect(
      await eventually(
        () => outbox.getJobState(note.notificationId),
        (s) => s === 'completed',
      ),
    ).toBe('completed');
    expect(emu.calls.sendMessage).toBe(before + 1);
    expect(containing(OFFICER_CHAT, tip.refCode)).toEqual([]);
  });
});

describe('ZaloSender', () => {
  const sender = () => new ZaloSender(new ZaloClient({ token: emu.token, apiBase: emu.apiBase, timeoutMs: 3000 }), h.rt.t);
  const fail = (errorCode: number, description: string) => ({
    status: errorCode,
    body: JSON.stringify({ ok: false, error_code: errorCode, description }),
  });

  it('cuts long texts on line boundaries into messages of at most 2000 characters, numbered options last', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `Dòng ${i + 1}: ${'nội dung dài '.repeat(5)}`);
    await sender().send('zl-sender-long', { text: lines.join('\n'), options: [{ id: 'a', label: 'Đồng ý' }], lang: 'en' });
    const sent = emu.sent('zl-sender-long');
    expect(sent.length).toBeGreaterThan(1);
    for (const r of sent) expect(r.text!.length).toBeLessThanOrEqual(2000);
    const all = sent.map((r) => r.text).join('\n');
    for (const line of lines) expect(all).toContain(line.trimEnd());
    expect(sent[sent.length - 1].text).toMatch(/1\. Đồng ý\n\n.+$/);
    expect(sent[sent.length - 1].text).toContain(h.rt.t('en', 'numbered.reply'));
  });

  it('sends URL photos as photos and other attachments as text lines', async () => {
    await sender().send('zl-sender-media', {
      text: 'Đính kèm',
      attachments: [
        { kind: 'photo', ref: 'https://photos.example.com/a.jpg' },
        { kind: 'photo', ref: 'AgACAgIAAxkBAAIB' },
        { kind: 'video', ref: 'https://videos.example.com/v.mp4' },
      ],
    });
    expect(emu.sent('zl-sender-media')).toEqual([
      expect.objectContaining({
        method: 'sendPhoto',
        photo: 'https://photos.example.com/a.jpg',
        caption: 'Đính kèm\n\n📎 photo: AgACAgIAAxkBAAIB\n📎 video: https://videos.example.com/v.mp4',
      }),
    ]);
  });

  it('sends our copies of files by signed link, or says where they are when there is no public URL', async () => {
    const attachments = [
      { kind: 'photo' as const, ref: 'evidence:ev-photo-123456' },
      { kind: 'voice' as const, ref: 'evidence:ev-voice-123456' },
    ];
    const links = { url: (id: string) => `https://bot.example.vn/evidence/${id}?exp=1&sig=s` };
    const linked = new ZaloSender(new ZaloClient({ token: emu.token, apiBase: emu.apiBase, timeoutMs: 3000 }), h.rt.t, { links });
    await linked.send('zl-sender-evidence', { text: 'Đính kèm', attachments });
    expect(emu.sent('zl-sender-evidence')).toEqual([
      expect.objectContaining({
        method: 'sendPhoto',
        photo: 'https://bot.example.vn/evidence/ev-photo-123456?exp=1&sig=s',
        caption: 'Đính kèm\n\n📎 voice: https://bot.example.vn/evidence/ev-voice-123456?exp=1&sig=s',
      }),
    ]);
    // Without PUBLIC_BASE_URL Zalo could fetch nothing of ours: a line says where the file is, no id or ref.
    await sender().send('zl-sender-nolink', { text: 'Đính kèm', attachments, lang: 'vi' });
    const [line] = emu.sent('zl-sender-nolink');
    expect(line).toMatchObject({ method: 'sendMessage' });
    expect(line.text).toContain(`📎 photo: ${h.rt.t('vi', 'evidence.noLink')}`);
    expect(line.text).not.toContain('evidence:');
  });

  it('maps the platform’s errors onto what the outbox should do', async () => {
    emu.failNext('sendMessage', 1, {
      status: 429,
      body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3 } }),
    });
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toEqual(
      expect.objectContaining({ name: SendRateLimitedError.name, retryAfterMs: 3000 }),
    );

    emu.failNext('sendMessage', 1, fail(400, 'Bad Request: user not found'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(RecipientUnavailableError);
    emu.failNext('sendMessage', 1, fail(400, 'Bad Request: the user has blocked the bot'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(RecipientUnavailableError);

    emu.failNext('sendMessage', 1, fail(400, 'Bad Request: text must be 1-2000 characters'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(MessageRejectedError);
    emu.failNext('sendMessage', 1, fail(400, 'Bad Request: chat_id is required'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(MessageRejectedError);

    // Zalo's 429 names no wait: a spent quota, so the long default back-off.
    emu.failNext('sendMessage', 1, fail(429, 'Quota exceeded'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toEqual(
      expect.objectContaining({ name: SendRateLimitedError.name, retryAfterMs: ZALO_QUOTA_BACKOFF_MS }),
    );
    expect(ZALO_QUOTA_BACKOFF_MS).toBe(15 * 60_000);
    emu.failNext('sendMessage', 1, fail(403, 'Internal server error'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(ZaloServerError);

    emu.failNext('sendMessage', 1, fail(401, 'Unauthorized'));
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(ZaloUnauthorizedError);
    emu.failNext('sendMessage', 1, { status: 500 });
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(ZaloServerError);
    emu.failNext('sendMessage', 1, 'timeout');
    await expect(sender().send('zl-sender-err', { text: 'a' })).rejects.toBeInstanceOf(ZaloServerError);
    expect(emu.sent('zl-sender-err')).toEqual([]);
  });
});
