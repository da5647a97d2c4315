import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { tipSubmission } from '../support/submissions';
import { TelegramEmulator } from '../support/telegram-emulator';
import { settle, type FaultReport } from './kit';

/**
 * A worker process killed with SIGKILL in the middle of a burst of queued submissions, then a new
 * worker taking over: every submission must end as exactly one case with its alert sent once.
 * (test/integration/worker-crash.test.ts is the same at a size jest can afford.)
 */
export async function workerKill(opts: { submissions: number; killAfter: number }): Promise<FaultReport> {
  const started = Date.now();
  const emu = new TelegramEmulator();
  await emu.start();
  const env = {
    ...testSettings(),
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_RATE_PER_SECOND: '1000',
    WORKER_LOCK_MS: '2000',
    LOG_LEVEL: 'warn',
  };
  let seeder: AppHarness | undefined;
  let takeover: AppHarness | undefined;
  const root = join(__dirname, '..', '..');
  // node itself, not the tsx wrapper, so SIGKILL reaches the worker and leaves no orphan.
  const child = () =>
    spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
  try {
    seeder = await startApp(env, { roles: 'none' });
    const intake = new QueueCaseIntake(seeder.rt.queueRedis, seeder.rt.refCodes, { attempts: 12, backoffMs: 200, box: seeder.rt.box });
    const told = new Set<string>();
    for (let i = 1; i <= opts.submissions; i++) {
      const s = tipSubmission(i);
      await intake.submit(s);
      told.add(s.refCode);
    }
    await intake.close();
    const worker = child();
    let atKill = 0;
    for (let i = 0; i < 6000 && atKill < opts.killAfter; i++) {
      await new Promise((r) => setTimeout(r, 50));
      atKill = await seeder.rt.store.cases.count();
    }
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    atKill = await seeder.rt.store.cases.count();
    const killedAt = Date.now();
    takeover = await startApp(env, { roles: 'worker', seed: false, fresh: false });
    const counts = await settle(seeder, told, emu, Math.max(120_000, opts.submissions * 400));
    return {
      scenario: 'Worker killed mid-burst',
      fault: `a worker process killed with SIGKILL after ${atKill} of ${opts.submissions} queued submissions were stored; a new worker took over`,
      residents: opts.submissions,
      told: told.size,
      toldAfterRetry: told.size,
      ...counts,
      notes: { 'cases stored at the kill': atKill, 'ms from the kill until all stored and alerted': Date.now() - killedAt },
      ms: Date.now() - started,
    };
  } finally {
    await takeover?.close();
    await seeder?.close();
    await emu.stop();
  }
}
