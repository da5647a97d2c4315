import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { createRedis, waitReady } from '../../src/redis/connection';
import { testSettings } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * What ships is what runs (issue 16): the TypeScript compiled by `npm run build`'s settings, laid
 * out as the Dockerfile's runtime stage lays out the image (its COPY lines are read from the
 * Dockerfile, so a file the image forgets fails here), started as the image starts it
 * (`node dist/main.js --role all`, NODE_ENV=production) against the test Redis and database: the
 * operators' commands run from dist/ (seed, admin), /readyz answers 200, the dashboard map's
 * script and vendor files are served, and a resident's tip through the Telegram emulator reaches
 * the area's officer.
 */
const root = join(__dirname, '..', '..');
const run = promisify(execFile);
const OFFICER = '100000001';

let image: string;
let emu: TelegramEmulator;
let bot: ChildProcess | undefined;
let output = '';
let settings: Record<string, string>;

/** The runtime stage's `COPY <from> <to>` lines, other than the build stage's output. */
function runtimeCopies(): { from: string[]; to: string }[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));
  return [...runtime.matchAll(/^COPY (?!--)(.+)$/gm)].map((m) => {
    const parts = m[1].trim().split(/\s+/);
    return { from: parts.slice(0, -1), to: parts[parts.length - 1] };
  });
}

/** Lays the image's /app out in `dir`: dist/ from the compiler, the rest as the Dockerfile copies it. */
function layOut(dir: string): void {
  for (const { from, to } of runtimeCopies()) {
    for (const source of from) {
      const target = to.endsWith('/') ? join(dir, to, source.split('/').pop()!) : join(dir, to);
      mkdirSync(dirname(target), { recursive: true });
      if (source.endsWith('.json')) copyFileSync(join(root, source), target);
      else symlinkSync(join(root, source), target);
    }
  }
  // The image installs the production dependencies; the checkout's (a superset) stand in for them.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
}

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

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  image = mkdtempSync(join(tmpdir(), 'image-'));
  await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', join(image, 'dist')], {
    cwd: root,
  });
  layOut(image);
  emu = new TelegramEmulator();
  await emu.start();
  settings = {
    ...testSettings(),
    NODE_ENV: 'production',
    HTTP_PORT: String(await freePort()),
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
  };
  const redis = createRedis(settings.REDIS_URL, 'interactive', 'test-compiled-build');
  await waitReady(redis);
  await redis.flushdb();
  redis.disconnect();
}, 180_000);

afterAll(async () => {
  bot?.kill('SIGTERM');
  if (bot && bot.exitCode === null) await new Promise((r) => bot!.once('exit', r));
  await emu?.stop();
  const conn = await mongoose.createConnection(settings.MONGODB_URI).asPromise();
  await conn.dropDatabase();
  await conn.close();
  rmSync(image, { recursive: true, force: true });
});

/** `node dist/main.js <args>` in the image's folder, as `docker compose run --rm bot <args>` runs it. */
function command(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['dist/main.js', ...args], { cwd: image, env: { PATH: process.env.PATH ?? '', ...settings } });
}

describe('the compiled build, laid out as the image', () => {
  it('runs the operators’ commands from dist/: seed loads the sample ward, admin lists it', async () => {
    expect((await command(['seed'])).stdout).toMatch(/seeded from .*ward\.json: \d+ areas, \d+ officers, \d+ groups/);
    expect((await command(['admin', 'list', 'areas'])).stdout).toContain('kp1-to3');
  }, 60_000);

  it('starts with --role all, answers /readyz 200 and carries a tip to the officer', async () => {
    bot = spawn(process.execPath, ['dist/main.js', '--role', 'all'], { cwd: image, env: { PATH: process.env.PATH ?? '', ...settings } });
    bot.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = Number(settings.HTTP_PORT);
    const deadline = Date.now() + 30_000;
    while ((await readyz(port)) !== 200) {
      if (bot.exitCode !== null || Date.now() > deadline) throw new Error(`the compiled bot did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // The dashboard's browser files: ours copied beside the compiled code, Leaflet's from the installed packages.
    for (const [path, text] of [
      ['/dashboard/assets/dashboard.css', '.live li.urgent'],
      ['/dashboard/assets/live.js', "new EventSource('/dashboard/events'"],
      ['/dashboard/assets/map.js', 'markerClusterGroup'],
      ['/dashboard/assets/map.css', '.leaflet-control-attribution'],
      ['/dashboard/assets/vendor/leaflet/leaflet.js', '1.9.4'],
      ['/dashboard/assets/vendor/leaflet.markercluster/leaflet.markercluster.js', 'MarkerClusterGroup'],
    ]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect([path, res.status, (await res.text()).includes(text)]).toEqual([path, 200, true]);
    }

    const resident = emu.user(7701, { firstName: 'Cư dân' });
    const chat = chatReader(emu, 7701);
    resident.sendText(7701, '/baotin');
    await chat.question('Bạn ở tổ dân phố nào?');
    resident.sendText(7701, 'KP1TO3');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
    await chat.question('Chuyện gì đã xảy ra?');
    resident.sendText(7701, 'Hai thanh niên bẻ khóa xe máy trước nhà số 12');
    await chat.next((m) => (m.text ?? '').includes('Ở đâu?'));
    resident.sendText(7701, 'Hẻm 45 Lê Lợi');
    resident.pressButton(await chat.question('Khi nào?'), 'when:now');
    resident.pressButton(await chat.question('Bạn có ảnh'), 'nav:done');
    resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
    resident.pressButton(await chat.question('Kiểm tra lại tin báo'), 'nav:confirm');
    const received = await chat.next((m) => (m.text ?? '').includes('Đã nhận tin báo'));
    const code = /TB-\d{4}-\d{4}/.exec(received.text!)![0];
    const alert = await chatReader(emu, OFFICER).next((m) => (m.text ?? '').includes(code), 20_000);
    expect(alert.text).toContain('Trộm cắp, cướp giật');
    // The production process logs JSON, and none of the resident's words.
    expect(output).toContain('"case.stored"');
    expect(output).not.toContain('bẻ khóa');
  }, 90_000);
});
