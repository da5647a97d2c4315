import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ZALO_WEBHOOK_PATH } from '../../src/channels/zalo/zalo-channel';
import { readSlot, startApp, testSettings, type AppHarness } from '../support/app-harness';
import { sampleJpeg } from '../support/sample-media';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * "No update is lost" when the bot dies in the middle of handling one (issue 15): a bot process
 * (a child, so it can be killed with SIGKILL) takes a resident's photo out of the inbox and is
 * killed while it downloads the photo from Zalo. The update was not handled to the end, so it is
 * not marked handled: a new process takes the inbox job over once its lock lapses and handles it,
 * and the photo is in the draft once. A redelivery after that is dropped as handled.
 */

const SECRET = 'zalo-kill-secret-0123456789';

let emu: ZaloEmulator;
let seeder: AppHarness | undefined;
let takeover: AppHarness | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await takeover?.close();
  await seeder?.close();
  await emu?.stop();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const content = (r: SentRecord) => r.text ?? r.caption ?? '';

describe('a bot killed while it handles an update', () => {
  it('leaves the update to the next process, which handles it once', async () => {
    emu = new ZaloEmulator();
    await emu.start();
    const port = await freePort();
    const env = {
      ...testSettings(),
      ZALO_BOT_TOKEN: emu.token,
      ZALO_API_BASE: emu.apiBase,
      ZALO_WEBHOOK_URL: `http://127.0.0.1:${port}${ZALO_WEBHOOK_PATH}`,
      ZALO_WEBHOOK_SECRET: SECRET,
      ZALO_RATE_PER_SECOND: '20',
      FLOOD_MESSAGES_PER_10S: '200',
      HTTP_PORT: String(port),
      WORKER_LOCK_MS: '1500',
      LOG_LEVEL: 'warn',
    };
    // The seeded database and an empty Redis, for both processes; dropped when the test ends.
    seeder = await startApp({ ...env, HTTP_PORT: '0' }, { roles: 'none' });
    const t = (key: string, params?: Record<string, unknown>) => seeder!.rt.t('vi', key, params);
    // node itself with tsx's loader, not the tsx wrapper: SIGKILL must reach the bot.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'bot'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // Up once its webhook is set at Zalo and its HTTP server answers.
    const up = async () =>
      emu.webhookUrl === env.ZALO_WEBHOOK_URL &&
      (await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
    await eventually(up, Boolean, 30_000);

    const user: EmulatedUser = emu.user('zl-kill-resident');
    const say = async (words: string, until: string) => {
      const seen = emu.sent(user.id).length;
      expect((await user.sendText(words)).webhookStatus).toBe(200);
      await emu.waitFor((r) => r.chatId === user.id && emu.sent(user.id).indexOf(r) >= seen && content(r).includes(until), 15_000);
    };
    await say('KP1TO3', t('menu.title'));
    await say('1', t('tip.category'));
    await say('trom cap', t('tip.what'));
    await say('Hai người lạ cạy khóa xe máy trước nhà số 7', t('tip.where'));
    await say('Trước nhà số 7 hẻm 45 Lê Lợi', t('tip.when'));
    await say(t('when.now'), t('tip.media'));

    // The photo's download hangs; the bot is killed while it waits for it.
    const hold = emu.holdMedia();
    const before = emu.sent(user.id).length;
    const photo = await user.sendImage(emu.hostMedia(sampleJpeg(5), 'jpg'));
    expect(photo.webhookStatus).toBe(200);
    await hold.arrived;
    child.kill('SIGKILL');
    await new Promise((r) => (child!.exitCode !== null || child!.signalCode !== null ? r(null) : child!.once('exit', r)));
    child = undefined;
    hold.release();
    expect(emu.sent(user.id)).toHaveLength(before);

    // The next process takes the job over (its lock lapsed) and handles the photo: it is not a duplicate.
    takeover = await startApp(env, { roles: 'bot', seed: false, fresh: false });
    await emu.waitFor((r) => r.chatId === user.id && content(r).includes(t('flow.mediaReceived', { count: 1 })), 20_000);
    const draft = async () => (await readSlot(takeover!.rt, 'zalo', user.id)) as unknown as { entries?: Record<string, unknown> };
    expect(JSON.stringify(await draft())).toMatch(/evidence:[A-Za-z0-9_-]{16,}/);

    // Handled to the end now: Zalo redelivering the same update changes nothing and says nothing.
    const answered = emu.sent(user.id).length;
    expect((await emu.pushRaw(photo.update)).webhookStatus).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(emu.sent(user.id)).toHaveLength(answered);
    expect(JSON.stringify(await draft()).match(/evidence:/g)).toHaveLength(1);
  }, 90_000);
});
