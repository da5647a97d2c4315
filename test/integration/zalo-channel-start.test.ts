import pino from 'pino';
import { UpdateInbox } from '../../src/channels/inbox/update-inbox';
import { SealedBox } from '../../src/domain/sealed-box';
import { createRedis } from '../../src/redis/connection';
import { ZaloUnauthorizedError } from '../../src/channels/zalo/errors';
import { ZaloChannel } from '../../src/channels/zalo/zalo-channel';
import type { InboundMessage } from '../../src/conversations/messages';
import { TEST_KEY, testSettings } from '../support/app-harness';
import { ZaloEmulator } from '../support/zalo-emulator';

/**
 * The Zalo channel's start against the emulator speaking the live API: a 403 from getMe is Zalo's
 * internal error, not a bad token; getWebhookInfo's 404 means no webhook; and the bot's own
 * messages echoed back are not answered. The conversation service is a stand-in that records;
 * updates go through the real inbox on this jest worker's Redis database.
 */

const redis = createRedis(testSettings().REDIS_URL, 'blocking', 'test-inbox');
afterAll(() => redis.disconnect());

let emu: ZaloEmulator;
let channel: ZaloChannel | undefined;
let handled: InboundMessage[];
let logs: { level: number; msg: string }[];

beforeEach(async () => {
  await redis.flushdb();
  emu = new ZaloEmulator();
  await emu.start();
  handled = [];
  logs = [];
});

afterEach(async () => {
  await channel?.stop();
  channel = undefined;
  await emu.stop();
});

function newChannel(): ZaloChannel {
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
  const service = {
    handle: async (msg: InboundMessage) => {
      handled.push(msg);
      return [{ text: 'ok' }];
    },
  };
  const inbox = new UpdateInbox(redis, 'zalo', new SealedBox(Buffer.from(TEST_KEY, 'base64')), log, {
    concurrency: 2,
    lockMs: 5000,
    attempts: 1,
    backoffMs: 10,
  });
  const options = { token: emu.token, apiBase: emu.apiBase, timeoutMs: 2000, startRetryMs: 5 };
  channel = new ZaloChannel(options, service, log, (_l, key) => key, inbox);
  return channel;
}

async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('ZaloChannel.start', () => {
  it('retries getMe through a 403 (Zalo’s internal server error) and starts', async () => {
    emu.failNext('getMe', 2, { status: 403 });
    await newChannel().start();
    expect(emu.calls.getMe).toBe(3);
    expect(logs.map((l) => l.msg)).toContain('zalo.started');
    expect(logs.map((l) => l.msg)).not.toContain('zalo.get_me_failed_starting_anyway');
  });

  it('starts anyway, with a warning, when getMe keeps answering 403, and still serves residents', async () => {
    emu.failNext('getMe', 3, { status: 403 });
    await newChannel().start();
    expect(logs.find((l) => l.msg === 'zalo.get_me_failed_starting_anyway')).toMatchObject({ level: 40 });
    await emu.user('zl-start-resident').sendText('xin chào');
    await eventually(() => handled.length === 1);
    expect(handled[0]).toMatchObject({ chatId: 'zl-start-resident', text: 'xin chào' });
  });

  it('refuses to start on a bad token (401)', async () => {
    emu.failNext('getMe', 1, { status: 401 });
    await expect(newChannel().start()).rejects.toBeInstanceOf(ZaloUnauthorizedError);
    expect(emu.calls.getMe).toBe(1);
  });

  it('takes getWebhookInfo’s 404 as "no webhook" and polls without deleting anything', async () => {
    expect(emu.webhookInfoWhenNone).toBe('not-found');
    await newChannel().start();
    expect(emu.calls.getWebhookInfo).toBe(1);
    expect(emu.calls.deleteWebhook ?? 0).toBe(0);
    await eventually(() => emu.waitingPolls === 1);
  });

  it('does not answer the bot’s own messages echoed back as updates', async () => {
    await newChannel().start();
    await emu.echoOfBot('zl-start-echo', 'Tin báo đã nhận');
    await emu.user('zl-start-echo').sendText('cảm ơn');
    await emu.waitFor((r) => r.chatId === 'zl-start-echo');
    // The echo came first; only the resident's message was handed to the conversation.
    expect(handled.map((m) => m.text)).toEqual(['cảm ơn']);
    expect(emu.sent('zl-start-echo').map((r) => r.text)).toEqual(['ok']);
  });
});
