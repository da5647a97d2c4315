import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { ZaloClient } from '../../src/channels/zalo/client';
import { ZALO_WEBHOOK_PATH } from '../../src/channels/zalo/zalo-channel';
import { startApp, type AppHarness } from '../support/app-harness';
import { inboxDrained as waitForInbox } from '../support/inbox';
import { ZaloEmulator, type ZaloSample } from '../support/zalo-emulator';

/**
 * Webhook mode: the app registers its route and the webhook at start; the emulator then POSTs
 * residents' updates to it with the secret header. The harness's port is known only after start,
 * so the app registers a placeholder URL and the test points the webhook at the real port.
 */

const SECRET = 'zalo-webhook-secret-0123456789';
const MAX_BODY = 64 * 1024;

let emu: ZaloEmulator;
let h: AppHarness;
let url: string;

beforeAll(async () => {
  emu = new ZaloEmulator();
  await emu.start();
  h = await startApp(
    {
      ZALO_BOT_TOKEN: emu.token,
      ZALO_API_BASE: emu.apiBase,
      ZALO_WEBHOOK_URL: 'https://bot.example.com/zalo/webhook',
      ZALO_WEBHOOK_SECRET: SECRET,
      HTTP_MAX_BODY_BYTES: String(MAX_BODY),
    },
    { roles: 'bot' },
  );
  url = `http://127.0.0.1:${h.port}${ZALO_WEBHOOK_PATH}`;
});

afterAll(async () => {
  await h?.close();
  await emu?.stop();
});

function update(userId: string, text: string): ZaloSample {
  return {
    event_name: 'message.text.received',
    message: {
      message_id: `m-${userId}-${Math.random().toString(16).slice(2)}`,
      date: Date.now(),
      chat: { id: userId, chat_type: 'PRIVATE' },
      from: { id: userId, display_name: 'Nguyen Van B', is_bot: false },
      text,
    },
  };
}

const inboxDrained = () => waitForInbox(h.rt.queueRedis, 'zalo');

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('Zalo channel, webhook', () => {
  it('registered the webhook with its secret at start', () => {
    expect(emu.webhookUrl).toBe('https://bot.example.com/zalo/webhook');
    expect(emu.calls.getUpdates ?? 0).toBe(0);
  });

  it('rejects an update without the secret header (401) and handles nothing', async () => {
    const u = update('zl-webhook-nosecret', 'xin chào');
    const res = await post(JSON.stringify(u));
    expect(res.status).toBe(401);
    expect(emu.sent(u.message.chat.id)).toEqual([]);
    // Not even marked as seen: the same update, properly signed, is still answered.
    const signed = await post(JSON.stringify(u), { 'X-Bot-Api-Secret-Token': SECRET });
    expect(signed.status).toBe(200);
    await emu.waitFor((r) => r.chatId === u.message.chat.id);
  });

  it('rejects a wrong secret (401)', async () => {
    const u = update('zl-webhook-wrong', 'xin chào');
    for (const wrong of ['not-the-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await post(JSON.stringify(u), { 'X-Bot-Api-Secret-Token': wrong });
      expect(res.status).toBe(401);
    }
    expect(emu.sent(u.message.chat.id)).toEqual([]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await post('{"event_name": "message.text.received", ', { 'X-Bot-Api-Secret-Token': SECRET });
    expect(res.status).toBe(400);
  });

  it('answers 200 to an update with the right secret, and the resident gets the menu', async () => {
    await new ZaloClient({ token: emu.token, apiBase: emu.apiBase }).setWebhook(url, SECRET);
    const user = emu.user('zl-webhook-resident');
    const delivery = await user.sendText('xin chào');
    expect(delivery.webhookStatus).toBe(200);
    // The webhook answers once the update is in the inbox; the replies follow from there.
    const menu = await emu.waitFor((r) => r.chatId === user.id && (r.text ?? '').includes(`1. ${h.rt.t('vi', 'menu.tip')}`));
    expect(menu.text).toContain(h.rt.t('vi', 'numbered.reply'));

    const sticker = await user.sendSticker();
    expect(sticker.webhookStatus).toBe(200);
    await emu.waitFor((r) => r.chatId === user.id && r.text === h.rt.t('vi', 'errors.unsupported'));
  });

  it('handles the documented wrapped body ({ ok, result }) as well as the live flat one', async () => {
    await new ZaloClient({ token: emu.token, apiBase: emu.apiBase }).setWebhook(url, SECRET);
    emu.webhookForm = 'wrapped';
    try {
      const user = emu.user('zl-webhook-wrapped');
      const delivery = await user.sendText('xin chào');
      expect(delivery.webhookStatus).toBe(200);
      await emu.waitFor((r) => r.chatId === user.id && (r.text ?? '').includes(`1. ${h.rt.t('vi', 'menu.tip')}`));
    } finally {
      emu.webhookForm = 'flat';
    }
  });

  it('answers Zalo’s check of a new webhook (an empty body, or one without an event) with 200, and does nothing', async () => {
    const before = emu.sent().length;
    expect(await emu.probeWebhook(url, SECRET)).toBe(200);
    for (const body of ['{}', '{"ok":true,"result":{}}']) {
      expect((await post(body, { 'X-Bot-Api-Secret-Token': SECRET })).status).toBe(200);
    }
    await inboxDrained();
    // Still 401 without the secret: the probe is no way around it.
    expect(await emu.probeWebhook(url, 'not-the-secret')).toBe(401);
    expect(emu.sent().length).toBe(before);
  });

  it('answers 200 and drops an update it cannot use (no chat)', async () => {
    const before = emu.sent().length;
    const res = await post(JSON.stringify({ event_name: 'message.text.received', message: { text: 'hi' } }), {
      'X-Bot-Api-Secret-Token': SECRET,
    });
    expect(res.status).toBe(200);
    await inboxDrained();
    expect(emu.sent().length).toBe(before);
  });

  it('refuses an oversized body with 413, declared or streamed', async () => {
    const big = JSON.stringify({ ...update('zl-webhook-big', 'x'), padding: 'x'.repeat(MAX_BODY) });
    const declared = await post(big, { 'X-Bot-Api-Secret-Token': SECRET });
    expect(declared.status).toBe(413);

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'X-Bot-Api-Secret-Token': SECRET },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      for (let i = 0; i < 8; i++) req.write(big.slice(i * (big.length / 8), (i + 1) * (big.length / 8)));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(emu.sent('zl-webhook-big')).toEqual([]);
  });
});

describe('scripts/zalo-webhook', () => {
  let scriptEmu: ZaloEmulator;
  const root = join(__dirname, '..', '..');

  beforeAll(async () => {
    scriptEmu = new ZaloEmulator();
    await scriptEmu.start();
  });

  afterAll(async () => {
    await scriptEmu?.stop();
  });

  function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        join(root, 'node_modules', '.bin', 'tsx'),
        [join(root, 'src', 'main.ts'), 'zalo-webhook', ...args],
        { cwd: root, env: { PATH: process.env.PATH ?? '', ZALO_API_BASE: scriptEmu.apiBase, ...env }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  }

  it('sets, verifies, shows and deletes the webhook, never printing the token', async () => {
    const token = scriptEmu.token;
    // The running bot's own webhook (http is allowed for a local address).
    const hook = url;
    const set = await run(['set'], { ZALO_BOT_TOKEN: token, ZALO_WEBHOOK_URL: hook, ZALO_WEBHOOK_SECRET: SECRET });
    expect(set).toMatchObject({ code: 0, out: expect.stringContaining(`Webhook set: ${hook}`) });
    expect(set.out).toContain(`Zalo's record: ${hook}`);
    expect(set.out).toContain(`Check: ${hook} answered Zalo's empty check with 200`);
    expect(scriptEmu.webhookUrl).toBe(hook);

    const info = await run(['info'], { ZALO_BOT_TOKEN: token });
    expect(info).toMatchObject({ code: 0, out: expect.stringContaining(`Webhook: ${hook}`) });

    const removed = await run(['delete'], { ZALO_BOT_TOKEN: token });
    expect(removed).toMatchObject({ code: 0, out: expect.stringContaining('Webhook removed') });
    expect(scriptEmu.webhookUrl).toBe('');

    for (const r of [set, info, removed]) {
      expect(r.out).not.toContain(token.split(':')[1]);
      expect(r.out).not.toContain(SECRET);
    }
  });

  it('whois prints the chat id of whoever wrote to the bot', async () => {
    await scriptEmu.user('zl-officer-new', 'Tran Van C').sendText('xin chào');
    const whois = await run(['whois'], { ZALO_BOT_TOKEN: scriptEmu.token });
    expect(whois.code).toBe(0);
    expect(whois.out).toContain('chat id: zl-officer-new (private chat) · from: Tran Van C');
  });

  it('explains a wrong token, a missing setting and an unknown command', async () => {
    const wrong = await run(['info'], { ZALO_BOT_TOKEN: '999:wrong-token-value' });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('check ZALO_BOT_TOKEN');
    expect(wrong.out).not.toContain('wrong-token-value');

    const missing = await run(['set'], { ZALO_BOT_TOKEN: scriptEmu.token });
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('ZALO_WEBHOOK_URL is not set');
    expect(scriptEmu.webhookUrl).toBe('');

    const unknown = await run(['sett'], { ZALO_BOT_TOKEN: scriptEmu.token });
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('Unknown command "sett"');
  });

  it('prints Zalo’s refusal of a webhook and what to check, and a check of the address that fails, with its cause', async () => {
    const env = { ZALO_BOT_TOKEN: scriptEmu.token, ZALO_WEBHOOK_SECRET: SECRET };
    scriptEmu.failNext('setWebhook', 1, {
      status: 400,
      body: JSON.stringify({ ok: false, error_code: 400, description: 'Webhook verification failed' }),
    });
    const refused = await run(['set'], { ...env, ZALO_WEBHOOK_URL: url });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('Zalo did not accept the webhook: Webhook verification failed.');
    expect(refused.out).toContain('the bot must be running in webhook mode');
    expect(scriptEmu.webhookUrl).toBe('');

    // Set, but the bot there has another secret: Zalo's check would get 401.
    const otherSecret = await run(['set'], { ...env, ZALO_WEBHOOK_URL: url, ZALO_WEBHOOK_SECRET: 'another-secret-0123' });
    expect(otherSecret.code).toBe(1);
    expect(otherSecret.out).toContain(`Webhook set: ${url}`);
    expect(otherSecret.out).toContain('answered 401: the bot there has another ZALO_WEBHOOK_SECRET');
    expect(otherSecret.out).not.toContain('another-secret-0123');

    // Nothing listens there.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = `http://127.0.0.1:${port}${ZALO_WEBHOOK_PATH}`;
    const unreachable = await run(['set'], { ...env, ZALO_WEBHOOK_URL: nowhere });
    expect(unreachable.code).toBe(1);
    expect(unreachable.out).toContain(`Check: ${nowhere} could not be reached (ECONNREFUSED)`);
    await run(['delete'], { ZALO_BOT_TOKEN: scriptEmu.token });
    expect(scriptEmu.webhookUrl).toBe('');
  });
});
