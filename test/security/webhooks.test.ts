import http from 'node:http';
import net from 'node:net';
import { addWebhookRoute } from '../../src/http/webhook-route';
import { HttpServer } from '../../src/http/http-server';
import { createLogger } from '../../src/logger';
import { TELEGRAM_WEBHOOK_PATH } from '../../src/channels/telegram/telegram-channel';
import { ZALO_SECRET_HEADER, ZALO_WEBHOOK_PATH } from '../../src/channels/zalo/zalo-channel';
import { startApp, type AppHarness } from '../support/app-harness';
import { TelegramEmulator } from '../support/telegram-emulator';
import { ZaloEmulator } from '../support/zalo-emulator';

/**
 * Both webhooks of one app, attacked the same ways: every request without exactly the right
 * secret header is refused with 401 before anything reads it (no reply, no dedup mark, no
 * conversation), and every body over HTTP_MAX_BODY_BYTES is refused with 413, whether its length
 * is declared or it is streamed. A request is judged on its headers before its body is read, and a
 * refused one has its connection closed: a slow upload without the secret is answered at once.
 * The server holds at most HTTP_MAX_CONNECTIONS connections. (test/e2e/*-webhook.test.ts cover
 * the normal paths.)
 */

const TG_SECRET = 'tg-secret-0123456789abcdefABCDEF';
const ZALO_SECRET = 'zalo-secret-0123456789abcdef';
const MAX_BODY = 32 * 1024;

let tg: TelegramEmulator;
let zalo: ZaloEmulator;
let app: AppHarness;

beforeAll(async () => {
  tg = new TelegramEmulator();
  zalo = new ZaloEmulator();
  await Promise.all([tg.start(), zalo.start()]);
  app = await startApp(
    {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_BASE: zalo.apiBase,
      ZALO_WEBHOOK_URL: 'https://bot.example.vn/zalo/webhook',
      ZALO_WEBHOOK_SECRET: ZALO_SECRET,
      HTTP_MAX_BODY_BYTES: String(MAX_BODY),
    },
    { roles: 'bot' },
  );
});

afterAll(async () => {
  await app?.close();
  await Promise.all([tg?.stop(), zalo?.stop()]);
});

interface Platform {
  name: 'telegram' | 'zalo';
  path: string;
  header: string;
  secret: string;
  otherHeader: string;
  update(n: number, text: string): unknown;
  chat(n: number): string;
  sent(n: number): unknown[];
  /** Resolves when the bot has sent something to chat n (updates are handled from the inbox, after the 200). */
  waitSent(n: number): Promise<unknown>;
}

const TELEGRAM: Platform = {
  name: 'telegram',
  path: TELEGRAM_WEBHOOK_PATH,
  header: 'x-telegram-bot-api-secret-token',
  secret: TG_SECRET,
  otherHeader: ZALO_SECRET_HEADER,
  update: (n, text) => ({
    update_id: 70_000 + n,
    message: {
      message_id: n,
      date: 1,
      chat: { id: 700_000 + n, type: 'private' },
      from: { id: 700_000 + n, is_bot: false, first_name: 'A' },
      text,
    },
  }),
  chat: (n) => String(700_000 + n),
  sent: (n) => tg.sent(700_000 + n),
  waitSent: (n) => tg.waitFor((m) => m.chat_id === String(700_000 + n)),
};

const ZALO: Platform = {
  name: 'zalo',
  path: ZALO_WEBHOOK_PATH,
  header: ZALO_SECRET_HEADER,
  secret: ZALO_SECRET,
  otherHeader: 'x-telegram-bot-api-secret-token',
  update: (n, text) => ({
    event_name: 'message.text.received',
    message: {
      message_id: `sec-${n}`,
      date: 1,
      chat: { id: `zl-sec-${n}`, chat_type: 'PRIVATE' },
      from: { id: `zl-sec-${n}`, display_name: 'B' },
      text,
    },
  }),
  chat: (n) => `zl-sec-${n}`,
  sent: (n) => zalo.sent(`zl-sec-${n}`),
  waitSent: (n) => zalo.waitFor((r) => r.chatId === `zl-sec-${n}`),
};

function post(path: string, body: string, headers: Record<string, string> = {}, query = ''): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.port}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** Nothing of this update reached the service: no dedup mark and no conversation state in Redis. */
async function untouched(p: Platform, n: number): Promise<void> {
  const keys = await app.rt.redis.keys(`*${p.name === 'telegram' ? 70_000 + n : `sec-${n}`}*`);
  expect(keys).toEqual([]);
  expect(await app.rt.redis.keys(`*${p.chat(n)}*`)).toEqual([]);
  expect(p.sent(n)).toEqual([]);
}

describe.each([TELEGRAM, ZALO])('$name webhook', (p) => {
  const forged: [string, (n: number) => Promise<Response>][] = [
    ['no secret header', (n) => post(p.path, JSON.stringify(p.update(n, '/start')))],
    ['an empty secret header', (n) => post(p.path, JSON.stringify(p.update(n, '/start')), { [p.header]: '' })],
    [
      'a wrong secret of the same length',
      (n) => post(p.path, JSON.stringify(p.update(n, '/start')), { [p.header]: p.secret.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')) }),
    ],
    ['the secret with a character more', (n) => post(p.path, JSON.stringify(p.update(n, '/start')), { [p.header]: `${p.secret}0` })],
    [
      'the secret in the query string',
      (n) => post(p.path, JSON.stringify(p.update(n, '/start')), {}, `?secret_token=${p.secret}&${p.header}=${p.secret}`),
    ],
    [
      'the secret under the other platform’s header',
      (n) => post(p.path, JSON.stringify(p.update(n, '/start')), { [p.otherHeader]: p.secret }),
    ],
    [
      'the other platform’s secret',
      (n) => post(p.path, JSON.stringify(p.update(n, '/start')), { [p.header]: p === TELEGRAM ? ZALO_SECRET : TG_SECRET }),
    ],
  ];

  it.each(forged.map(([name, send], i) => [name, send, i + 1] as const))(
    'refuses %s with 401 and processes nothing',
    async (_name, send, n) => {
      const res = await send(n);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(p.secret);
      await untouched(p, n);
    },
  );

  it('answers the refused update normally once it comes with the secret (it was never marked seen)', async () => {
    const n = 1;
    const res = await post(p.path, JSON.stringify(p.update(n, '/start')), { [p.header]: p.secret });
    expect(res.status).toBe(200);
    await p.waitSent(n);
  });

  it('refuses a body over the limit with 413, declared or streamed, and processes nothing', async () => {
    const n = 50;
    const big = JSON.stringify(p.update(n, 'x'.repeat(MAX_BODY)));
    const declared = await post(p.path, big, { [p.header]: p.secret });
    expect(declared.status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `http://127.0.0.1:${app.port}${p.path}`,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', [p.header]: p.secret },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      for (let i = 0; i < 16; i++) req.write(big.slice((i * big.length) / 16, ((i + 1) * big.length) / 16));
      req.end();
    });
    expect(streamed).toBe(413);
    await untouched(p, n);
  });

  it('refuses an oversized body without a secret with 401, before reading it', async () => {
    expect((await post(p.path, 'x'.repeat(MAX_BODY + 1))).status).toBe(401);
  });

  it('refuses a slow upload without the secret before its body is read, and closes the connection', async () => {
    const got = await slowUpload(app.port, p.path, {});
    expect(got.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(got.answer.toLowerCase()).toContain('connection: close');
    expect(got.closedByServer).toBe(true);
    // Refused on its headers: 64 bytes of a declared 60,000 were all it ever sent.
    expect(got.bytesSent).toBeLessThan(100);
  });

  it('refuses a body declared over the limit with 413 and closes the connection', async () => {
    const got = await slowUpload(app.port, p.path, { [p.header]: p.secret }, { burst: MAX_BODY + 1 });
    expect(got.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(got.closedByServer).toBe(true);
  });

  it('answers 400 to bodies that are not JSON and 200 (dropped) to JSON that is not an update', async () => {
    expect((await post(p.path, '{"update_id": 1,', { [p.header]: p.secret })).status).toBe(400);
    for (const body of ['null', '[]', '42', '"text"', '{}', '{"message": {"chat": {}}}']) {
      expect((await post(p.path, body, { [p.header]: p.secret })).status).toBe(200);
    }
  });

  it('logs each request by method, route, status and time, never its query string, headers or body', async () => {
    const n = 60;
    const refused = await post(p.path, JSON.stringify(p.update(n, 'body-marker-refused')), {}, `?secret_token=${p.secret}&q=query-marker`);
    expect(refused.status).toBe(401);
    const taken = await post(p.path, JSON.stringify(p.update(n + 1, 'body-marker-taken')), { [p.header]: p.secret }, '?q=query-marker');
    expect(taken.status).toBe(200);
    await p.waitSent(n + 1);
    const access = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'http.request');
    for (const status of [401, 200])
      expect(access).toContainEqual(expect.objectContaining({ method: 'POST', route: p.path, status, ms: expect.any(Number) }));
    for (const marker of ['query-marker', 'body-marker', p.secret, 'secret_token'])
      expect(app.logs.filter((l) => l.includes(marker))).toEqual([]);
  });

  it('serves the webhook on POST only', async () => {
    const res = await fetch(`http://127.0.0.1:${app.port}${p.path}`, { headers: { [p.header]: p.secret } });
    expect(res.status).toBe(404);
  });
});

/**
 * A client that declares 60,000 bytes and then sends the body in 64-byte pieces, one every 50 ms,
 * for up to 3 s: what a stalled or deliberately slow upload looks like (or, with `burst`, that
 * many bytes at once). Resolves with the
 * server's answer (the status line and headers), whether the server closed the connection, and
 * how much of the body had gone out by then.
 */
function slowUpload(
  port: number,
  path: string,
  headers: Record<string, string>,
  opts: { burst?: number } = {},
): Promise<{ answer: string; closedByServer: boolean; bytesSent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, closedByServer, bytesSent });
    };
    const giveUp = setTimeout(() => finish(false), 3000);
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      finish(true);
    });
    socket.on('connect', () => {
      const sendTotal = opts.burst ?? 60_000;
      const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 60000'];
      for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      const piece = () => {
        if (socket.destroyed || bytesSent >= sendTotal) return;
        const n = Math.min(64, sendTotal - bytesSent);
        socket.write('x'.repeat(n));
        bytesSent += n;
      };
      piece();
      if (opts.burst !== undefined) while (bytesSent < sendTotal && !socket.destroyed) piece();
      else timer = setInterval(piece, 50);
    });
  });
}

describe('connections', () => {
  it('holds at most HTTP_MAX_CONNECTIONS connections: one more is dropped, and the server serves again once they go', async () => {
    const handled: unknown[] = [];
    const server = new HttpServer({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, maxConnections: 3 }, createLogger('silent'));
    addWebhookRoute(server, '/hook', 'x-secret', 'a-long-enough-secret', async (u) => void handled.push(u));
    const port = await server.start();
    try {
      const open = async () => {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        await new Promise((r) => s.once('connect', r));
        // Stalled half-way through its headers, as a slow client is.
        s.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
        return s;
      };
      const held = [await open(), await open(), await open()];
      const extra = await open();
      const dropped = await new Promise<boolean>((resolve) => {
        extra.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 2000);
      });
      expect(dropped).toBe(true);
      expect(held.every((s) => !s.destroyed)).toBe(true);
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`http://127.0.0.1:${port}/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-secret': 'a-long-enough-secret' },
        body: '{"update_id":1}',
      });
      expect(res.status).toBe(200);
      expect(handled).toEqual([{ update_id: 1 }]);
    } finally {
      await server.stop();
    }
  });
});
