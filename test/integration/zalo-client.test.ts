import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZaloClient } from '../../src/channels/zalo/client';
import {
  ZaloApiError,
  ZaloRateLimitedError,
  ZaloRequestError,
  ZaloServerError,
  ZaloUnauthorizedError,
} from '../../src/channels/zalo/errors';
import { ZaloPoller } from '../../src/channels/zalo/poller';
import { createLogger } from '../../src/logger';
import { ZaloEmulator } from '../support/zalo-emulator';

const SECRET_PART = 'zalo-test-secret';

let emulator: ZaloEmulator;

beforeEach(async () => {
  emulator = new ZaloEmulator();
  await emulator.start();
});

afterEach(async () => {
  await emulator.stop();
});

function client(overrides: Partial<ConstructorParameters<typeof ZaloClient>[0]> = {}): ZaloClient {
  return new ZaloClient({
    token: emulator.token,
    apiBase: emulator.apiBase,
    timeoutMs: 300,
    retryBackoffMs: 5,
    ...overrides,
  });
}

async function caught(promise: Promise<unknown>): Promise<ZaloApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ZaloApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Waits for a condition the system under test will reach; the jest timeout catches a hang. */
async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function expectNoSecrets(err: Error, ...secrets: string[]): void {
  const rendered = `${String(err)} ${err.stack ?? ''} ${JSON.stringify(err)}`;
  for (const secret of [SECRET_PART, ...secrets]) expect(rendered).not.toContain(secret);
}

describe('ZaloClient against the emulator', () => {
  it('getMe returns the bot', async () => {
    await expect(client().getMe()).resolves.toEqual({
      id: '1234567890',
      account_name: 'bot.emulator',
      account_type: 'BASIC',
      can_join_groups: false,
    });
  });

  it('sends messages, photos and the typing indicator', async () => {
    const zalo = client();
    const sent = await zalo.sendMessage('chat-1', 'Đã nhận tin báo');
    expect(sent.message_id).toMatch(/^[0-9a-f]{20}$/);
    await zalo.sendPhoto('chat-1', 'https://example.com/p.jpg', 'Ảnh hiện trường');
    await zalo.sendPhoto('chat-2', 'https://example.com/q.jpg');
    await zalo.sendChatAction('chat-1', 'typing');

    expect(emulator.sent('chat-1')).toEqual([
      expect.objectContaining({ method: 'sendMessage', text: 'Đã nhận tin báo', messageId: sent.message_id }),
      expect.objectContaining({ method: 'sendPhoto', photo: 'https://example.com/p.jpg', caption: 'Ảnh hiện trường' }),
    ]);
    expect(emulator.sent('chat-2')[0]).not.toHaveProperty('caption');
    expect(emulator.chatActions).toEqual([{ chatId: 'chat-1', action: 'typing' }]);
    await expect(emulator.waitFor((r) => r.chatId === 'chat-2')).resolves.toMatchObject({ method: 'sendPhoto' });
  });

  it('waitFor names what was sent when nothing matches', async () => {
    await client().sendMessage('chat-1', 'một');
    await expect(emulator.waitFor((r) => r.text === 'hai', 50)).rejects.toThrow(/sendMessage to chat-1: "một"/);
  });

  it('sets, reads and deletes the webhook; getUpdates is refused while it is set', async () => {
    const zalo = client();
    const set = await zalo.setWebhook('https://bot.example.vn/zalo', 'secret-token-123');
    expect(set.url).toBe('https://bot.example.vn/zalo');
    expect(await zalo.getWebhookInfo()).toMatchObject({ url: 'https://bot.example.vn/zalo' });

    const refused = await caught(zalo.getUpdates({ timeoutSeconds: 0 }));
    expect(refused).toBeInstanceOf(ZaloRequestError);
    expect(refused.errorCode).toBe(409);

    expect((await zalo.deleteWebhook()).url).toBe('');
    expect((await zalo.getWebhookInfo()).url).toBe('');
    await expect(zalo.getUpdates({ timeoutSeconds: 0 })).resolves.toEqual([]);
  });

  it('reads getWebhookInfo’s 404 (seen live with no webhook set) and the documented empty url both as "none"', async () => {
    const zalo = client();
    emulator.webhookInfoWhenNone = 'not-found';
    const raw = await fetch(`${emulator.apiBase}/bot${emulator.token}/getWebhookInfo`, { method: 'POST', body: '{}' });
    expect(raw.status).toBe(404);
    expect(await zalo.getWebhookInfo()).toEqual({ url: '', updated_at: 0 });
    emulator.webhookInfoWhenNone = 'empty-url';
    expect(await zalo.getWebhookInfo()).toEqual({ url: '', updated_at: 0 });
  });

  it('rejects a too-short webhook secret as a request error', async () => {
    const err = await caught(client().setWebhook('https://bot.example.vn/zalo', 'short'));
    expect(err).toBeInstanceOf(ZaloRequestError);
    expect(err.retryable).toBe(false);
  });

  it('the emulator POSTs updates to a set webhook with the secret header', async () => {
    const received: { secret: string | undefined; body: unknown }[] = [];
    const hook = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ secret: req.headers['x-bot-api-secret-token'] as string | undefined, body: JSON.parse(raw) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/zalo`;
      await client().setWebhook(url, 'secret-token-123');
      const delivery = await emulator.user('u1').sendText('Xin chào');
      expect(delivery.webhookStatus).toBe(200);
      expect(received).toEqual([{ secret: 'secret-token-123', body: delivery.update }]);
      expect(emulator.pendingUpdates).toBe(0);
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  describe('getUpdates', () => {
    it('returns one queued update per call, as an array', async () => {
      const zalo = client();
      const a = await emulator.user('u1', 'Lan').sendText('một');
      const b = await emulator.user('u1', 'Lan').sendImage('https://example.com/x.jpg', 'hai');
      expect(await zalo.getUpdates({ timeoutSeconds: 1 })).toEqual([a.update]);
      expect(await zalo.getUpdates({ timeoutSeconds: 1 })).toEqual([b.update]);
      // Live updates carry photo_url; the documented photo is one option away.
      expect(b.update.message).toMatchObject({ photo_url: 'https://example.com/x.jpg', caption: 'hai' });
      const c = await emulator.user('u1', 'Lan').sendImage('https://example.com/y.jpg', undefined, { documented: true });
      expect(c.update.message).toMatchObject({ photo: 'https://example.com/y.jpg' });
      expect(c.update.message.photo_url).toBeUndefined();
    });

    it('waits in a long poll for the next update', async () => {
      const zalo = client();
      const poll = zalo.getUpdates({ timeoutSeconds: 5 });
      await eventually(() => emulator.waitingPolls === 1);
      const { update } = await emulator.user('u2').sendSticker();
      await expect(poll).resolves.toEqual([update]);
    });

    it('treats the idle answer as no updates, whichever shape it takes', async () => {
      await expect(client().getUpdates({ timeoutSeconds: 1 })).resolves.toEqual([]);
      const nullEmulator = new ZaloEmulator({ idlePollAnswer: 'null' });
      await nullEmulator.start();
      try {
        const zalo = new ZaloClient({ token: nullEmulator.token, apiBase: nullEmulator.apiBase });
        await expect(zalo.getUpdates({ timeoutSeconds: 0 })).resolves.toEqual([]);
      } finally {
        await nullEmulator.stop();
      }
    });

    it('accepts an array of updates or an empty result', async () => {
      const updates = [{ event_name: 'a' }, null, { event_name: 'b' }];
      emulator.failNext('getUpdates', 1, { status: 200, body: JSON.stringify({ ok: true, result: updates }) });
      emulator.failNext('getUpdates', 1, { status: 200, body: JSON.stringify({ ok: true, result: {} }) });
      emulator.failNext('getUpdates', 1, { status: 200, body: JSON.stringify({ ok: true }) });
      const zalo = client();
      expect(await zalo.getUpdates({ timeoutSeconds: 0 })).toEqual([{ event_name: 'a' }, { event_name: 'b' }]);
      expect(await zalo.getUpdates({ timeoutSeconds: 0 })).toEqual([]);
      expect(await zalo.getUpdates({ timeoutSeconds: 0 })).toEqual([]);
    });
  });

  describe('errors', () => {
    it('maps a wrong token to ZaloUnauthorizedError without revealing the token', async () => {
      const err = await caught(client({ token: '1234567890:wrong-secret' }).getMe());
      expect(err).toBeInstanceOf(ZaloUnauthorizedError);
      expect(err).toMatchObject({ method: 'getMe', errorCode: 401, retryable: false });
      expectNoSecrets(err, 'wrong-secret');
    });

    it.each([
      ['HTTP 401', { status: 401 }],
      ['error_code 401 in a 200 answer', { status: 200, body: '{"ok":false,"error_code":401,"description":"Invalid token"}' }],
    ])('maps %s to ZaloUnauthorizedError', async (_label, fault) => {
      emulator.failNext('getMe', 1, fault);
      const err = await caught(client().getMe());
      expect(err).toBeInstanceOf(ZaloUnauthorizedError);
      expect(emulator.calls.getMe).toBe(1);
    });

    it('maps 429 to ZaloRateLimitedError with the hinted wait, or none for Zalo’s quota answer', async () => {
      const zalo = client();
      emulator.failNext('sendMessage', 1, {
        status: 429,
        body: '{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}}',
      });
      const hinted = await caught(zalo.sendMessage('c', 'x'));
      expect(hinted).toBeInstanceOf(ZaloRateLimitedError);
      expect((hinted as ZaloRateLimitedError).retryAfterMs).toBe(3000);
      expect(hinted.retryable).toBe(true);

      emulator.failNext('sendMessage', 1, { status: 429 });
      expect(((await caught(zalo.sendMessage('c', 'x'))) as ZaloRateLimitedError).retryAfterMs).toBeUndefined();

      emulator.exhaustQuota();
      const quota = await caught(zalo.sendPhoto('c', 'https://example.com/p.jpg'));
      expect(quota).toMatchObject({ errorCode: 429, description: 'Quota exceeded', retryAfterMs: undefined });
      expect(quota).toBeInstanceOf(ZaloRateLimitedError);
      emulator.refillQuota();
      await expect(zalo.sendMessage('c', 'x')).resolves.toMatchObject({ message_id: expect.any(String) });

      emulator.failNext('sendMessage', 1, { status: 200, body: '{"ok":false,"error_code":429,"description":"slow down"}' });
      expect(await caught(zalo.sendMessage('c', 'x'))).toBeInstanceOf(ZaloRateLimitedError);
    });

    it.each([
      ['HTTP 403 (Zalo: "Internal server error", not a bad token)', { status: 403 }],
      ['error_code 403 in a 200 answer', { status: 200, body: '{"ok":false,"error_code":403,"description":"Internal server error"}' }],
      ['HTTP 500', { status: 500 }],
      ['HTTP 502 with an HTML page', { status: 502, body: '<html>Bad Gateway</html>' }],
      ['malformed JSON', { status: 200, body: '{"ok": tru' }],
      ['JSON that is not an API answer', { status: 200, body: '[1,2,3]' }],
      ['error_code 500 in a 200 answer', { status: 200, body: '{"ok":false,"error_code":500,"description":"internal"}' }],
    ])('maps %s to ZaloServerError, not retried inside the client', async (_label, fault) => {
      emulator.failNext('getMe', 1, fault);
      const err = await caught(client().getMe());
      expect(err).toBeInstanceOf(ZaloServerError);
      expect(err.retryable).toBe(true);
      expect(emulator.calls.getMe).toBe(1);
    });

    it('maps other ok:false answers to ZaloRequestError, quoting neither token nor text', async () => {
      const text = 'Bí mật của cư dân '.repeat(120);
      const err = await caught(client().sendMessage('chat-1', text));
      expect(err).toBeInstanceOf(ZaloRequestError);
      expect(err).toMatchObject({ method: 'sendMessage', errorCode: 400, httpStatus: 400, retryable: false });
      expectNoSecrets(err, 'Bí mật');
      expect(emulator.sent()).toEqual([]);

      emulator.failNext('sendMessage', 1, { status: 200, body: '{"ok":false,"error_code":404,"description":"chat not found"}' });
      const unknownChat = await caught(client().sendMessage('nobody', 'x'));
      expect(unknownChat).toBeInstanceOf(ZaloRequestError);
      expect(unknownChat.description).toBe('chat not found');
    });

    it('retries an idempotent call through timeouts and resets, then succeeds', async () => {
      emulator.failNext('getMe', 1, 'timeout');
      emulator.failNext('getMe', 1, 'reset');
      await expect(client().getMe()).resolves.toMatchObject({ id: '1234567890' });
      expect(emulator.calls.getMe).toBe(3);
    });

    it('gives up on an idempotent call after `retries` repeats with a ZaloServerError', async () => {
      emulator.failNext('getWebhookInfo', 3, 'timeout');
      const err = await caught(client().getWebhookInfo());
      expect(err).toBeInstanceOf(ZaloServerError);
      expect(err.networkCode).toBe('ETIMEDOUT');
      expect(emulator.calls.getWebhookInfo).toBe(3);
      expectNoSecrets(err);
    });

    it.each([
      ['sendMessage', (c: ZaloClient) => c.sendMessage('chat-1', 'Có người lạ trước nhà số 5')],
      ['sendPhoto', (c: ZaloClient) => c.sendPhoto('chat-1', 'https://example.com/p.jpg', 'Có người lạ')],
    ])('never retries %s inside the client', async (method, send) => {
      emulator.failNext(method, 1, 'timeout');
      const timedOut = await caught(send(client()));
      expect(timedOut).toBeInstanceOf(ZaloServerError);
      expect(timedOut.networkCode).toBe('ETIMEDOUT');
      expectNoSecrets(timedOut, 'người lạ');

      emulator.failNext(method, 1, 'reset');
      expect(await caught(send(client()))).toMatchObject({ networkCode: 'ECONNRESET' });
      expect(emulator.calls[method]).toBe(2);
      expect(emulator.sent()).toEqual([]);
    });

    it('maps a refused connection to ZaloServerError after retrying', async () => {
      const closed = new ZaloEmulator();
      await closed.start();
      const apiBase = closed.apiBase;
      await closed.stop();
      const err = await caught(new ZaloClient({ token: emulator.token, apiBase, retries: 1, retryBackoffMs: 1 }).getMe());
      expect(err).toBeInstanceOf(ZaloServerError);
      expect(err.networkCode).toBe('ECONNREFUSED');
    });
  });
});

describe('ZaloPoller against the emulator', () => {
  interface LogLine {
    level: number;
    msg: string;
    delayMs?: number;
    error?: unknown;
    [key: string]: unknown;
  }

  function setup(options: { timeoutSeconds?: number; errorBackoffMs?: number; maxBackoffMs?: number } = {}) {
    const lines: LogLine[] = [];
    const raw: string[] = [];
    // The app's logger, as bot.ts hands it to the poller: its `err` serializer is what keeps
    // an error's message (here, the resident's words) out of the line.
    const logger = createLogger('debug', {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    });
    const handed: unknown[] = [];
    let handler: (update: unknown) => Promise<void> = async (update) => {
      handed.push(update);
    };
    const poller = new ZaloPoller(client(), (update) => handler(update), {
      logger,
      timeoutSeconds: options.timeoutSeconds ?? 1,
      errorBackoffMs: options.errorBackoffMs ?? 10,
      maxBackoffMs: options.maxBackoffMs ?? 50,
    });
    return {
      poller,
      handed,
      lines,
      raw,
      setHandler(next: (update: unknown) => Promise<void>) {
        handler = next;
      },
      failures: () => lines.filter((l) => l.msg.startsWith('zalo getUpdates failed')),
    };
  }

  let running: ZaloPoller | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('hands on updates in the order residents sent them', async () => {
    const { poller, handed } = setup();
    running = poller;
    poller.start();
    const user = emulator.user('u1', 'Minh');
    const a = await user.sendText('/start NGO5');
    const b = await user.sendImage('https://example.com/a.jpg');
    const c = await user.sendUnsupported();
    await eventually(() => handed.length === 3);
    expect(handed).toEqual([a.update, b.update, c.update]);
  });

  it('survives a run of errors and timeouts, backing off more each time, and resumes', async () => {
    const { poller, handed, failures } = setup();
    running = poller;
    emulator.failNext('getUpdates', 2, { status: 500 });
    emulator.failNext('getUpdates', 1, { status: 200, body: 'not json at all' });
    emulator.failNext('getUpdates', 1, { status: 429 });
    emulator.failNext('getUpdates', 3, 'timeout'); // one poll: the client's own retries take all three
    emulator.failNext('getUpdates', 1, 'reset');
    const { update } = await emulator.user('u1').sendText('vẫn đến nơi');
    poller.start();

    await eventually(() => handed.length === 1);
    expect(handed).toEqual([update]);
    const errors = failures().map((l) => l.error);
    expect(errors).toEqual(['ZaloServerError', 'ZaloServerError', 'ZaloServerError', 'ZaloRateLimitedError', 'ZaloServerError']);
    // 10, 20, 40, then the 429's default 1000 ms beats the capped backoff, then still capped at 50.
    expect(failures().map((l) => l.delayMs)).toEqual([10, 20, 40, 1000, 50]);

    // A success resets the backoff.
    emulator.failNext('getUpdates', 1, { status: 503 });
    await eventually(() => failures().length === 6);
    expect(failures()[5].delayMs).toBe(10);
    await emulator.user('u1').sendText('tiếp tục');
    await eventually(() => handed.length === 2);
  });

  it('waits the longest backoff on a bad token instead of hammering the API', async () => {
    const { poller, failures } = setup({ maxBackoffMs: 40 });
    running = poller;
    emulator.failNext('getUpdates', 2, { status: 401 });
    poller.start();
    await eventually(() => failures().length === 2);
    expect(failures().map((l) => [l.error, l.delayMs, l.level])).toEqual([
      ['ZaloUnauthorizedError', 40, 50],
      ['ZaloUnauthorizedError', 40, 50],
    ]);
  });

  it('logs a failing handler without the message text and keeps polling', async () => {
    const { poller, handed, raw, setHandler } = setup();
    running = poller;
    let first = true;
    setHandler(async (update) => {
      if (first) {
        first = false;
        throw new Error(`cannot handle ${JSON.stringify(update)}`);
      }
      handed.push(update);
    });
    poller.start();
    await emulator.user('u1').sendText('Có trộm ở nhà số 7');
    const second = await emulator.user('u1').sendText('tin thứ hai');
    await eventually(() => handed.length === 1);
    expect(handed).toEqual([second.update]);
    const log = raw.join('');
    expect(log).toContain('zalo update handler failed');
    expect(log).not.toContain('trộm');
    expect(log).not.toContain(SECRET_PART);
  });

  it('never hands on the same message twice in a row', async () => {
    const { poller, handed } = setup();
    running = poller;
    const { update } = await emulator.user('u1').sendText('một lần thôi');
    await emulator.pushRaw(update);
    await emulator.pushRaw(JSON.parse(JSON.stringify(update)));
    const other = await emulator.user('u1').sendText('tin khác');
    poller.start();
    await eventually(() => emulator.pendingUpdates === 0 && handed.length === 2);
    expect(handed).toEqual([update, other.update]);
  });

  it('hands malformed updates on untouched (the normaliser judges them)', async () => {
    const { poller, handed } = setup();
    running = poller;
    await emulator.pushRaw('garbage');
    await emulator.pushRaw({ message: { message_id: { nested: true } } });
    poller.start();
    await eventually(() => handed.length === 2);
    expect(handed).toEqual(['garbage', { message: { message_id: { nested: true } } }]);
  });

  it('stop() ends a long poll in flight instead of waiting it out, and loses no update', async () => {
    const { poller, lines } = setup({ timeoutSeconds: 30 });
    poller.start();
    await eventually(() => emulator.waitingPolls === 1);
    await poller.stop();
    expect(poller.isRunning).toBe(false);
    // The server notices the closed connection a moment after the client dropped it.
    await eventually(() => emulator.abandonedPolls === 1);
    expect(emulator.waitingPolls).toBe(0);
    expect(lines.map((l) => l.msg)).toContain('zalo poller stopped');

    // The aborted poll must not have taken this update with it.
    await emulator.user('u1').sendText('sau khi dừng');
    expect(emulator.pendingUpdates).toBe(1);
  });

  it('stop() cuts a backoff pause short and the poller can start again', async () => {
    const { poller, handed, failures } = setup({ errorBackoffMs: 600_000, maxBackoffMs: 600_000 });
    running = poller;
    emulator.failNext('getUpdates', 1, { status: 500 });
    poller.start();
    await eventually(() => failures().length === 1);
    await poller.stop();
    expect(poller.isRunning).toBe(false);

    poller.start();
    const { update } = await emulator.user('u1').sendText('lại bắt đầu');
    await eventually(() => handed.length === 1);
    expect(handed).toEqual([update]);
  });
});
