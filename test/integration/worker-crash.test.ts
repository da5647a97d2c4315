import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { tipSubmission } from '../support/submissions';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * A worker process killed with SIGKILL in the middle of a burst: after a new worker takes over,
 * every submission is exactly one case and every alert went out. The only repeat possible is a
 * message the platform accepted in the instant before the kill (no chat API has idempotent sends),
 * so at most one alert per send in flight may appear twice; the test reports the count it saw.
 */
describe('worker killed mid-burst', () => {
  const N = 300;
  let emu: TelegramEmulator;
  let seeder: AppHarness;
  let takeover: AppHarness | undefined;
  let child: ChildProcess | undefined;
  let intake: QueueCaseIntake;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await intake?.close();
    await takeover?.close();
    await seeder?.close();
    await emu?.stop();
  });

  it(`loses no case and sends each alert once across a kill -9 (${N} submissions)`, async () => {
    const env = {
      ...testSettings(),
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      TELEGRAM_RATE_PER_SECOND: '1000',
      WORKER_LOCK_MS: '1000',
      LOG_LEVEL: 'warn',
    };
    seeder = await startApp(env, { roles: 'none' });
    intake = new QueueCaseIntake(seeder.rt.queueRedis, seeder.rt.refCodes, { attempts: 10, backoffMs: 100, box: seeder.rt.box });
    for (let i = 1; i <= N; i++) await intake.submit(tipSubmission(i));

    // node itself with tsx's loader, not the tsx wrapper: SIGKILL must reach the worker, not a parent that leaves it orphaned.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    let stored = 0;
    for (let i = 0; i < 1200 && stored < N / 6; i++) {
      await new Promise((r) => setTimeout(r, 25));
      stored = await seeder.rt.store.cases.count();
    }
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = await seeder.rt.store.cases.count();
    const t0 = Date.now();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(N);

    takeover = await startApp(env, { roles: 'worker', seed: false, fresh: false });
    for (let i = 0; i < 600; i++) {
      const { sent } = await seeder.rt.store.notifications.countByStatus();
      if (sent === N) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await seeder.rt.store.cases.count()).toBe(N);
    expect((await seeder.rt.store.notifications.countByStatus()).sent).toBe(N);
    const perCode = new Map<string, number>();
    for (const m of emu.sent('100000001')) {
      const code = /TB-\d{4}-\d{4}/.exec(m.text ?? '')?.[0];
      if (code) perCode.set(code, (perCode.get(code) ?? 0) + 1);
    }
    expect(perCode.size).toBe(N);
    const repeats = [...perCode.values()].filter((n) => n > 1).length;
    process.stdout.write(
      `worker-crash: ${atKill} cases stored at the kill, ${N} after ${Date.now() - t0} ms, ${repeats} alert(s) repeated\n`,
    );
    // At most one per send in flight at the kill (the outbox runs 8 at a time, src/outbox/consumer.ts).
    expect(repeats).toBeLessThanOrEqual(8);
  }, 240_000);
});
