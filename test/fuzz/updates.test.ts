import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Rng } from './prng';
import { wordsProblem } from './reply-oracle';
import { makeSafe, makeSafeDeep } from './strings';
import { TelegramUpdateFuzzer } from './telegram-updates';
import { ZaloUpdateFuzzer } from './zalo-updates';

/**
 * 10,000 random and malformed updates per platform through the real app (test/fuzz/run-fuzz.ts,
 * in its own process so its unhandledRejection listener is the real one). Nothing may crash, throw
 * or reject unhandled, and every word the bot sends must be readable. A failure prints the seed:
 * `FUZZ_SEED=<seed> bash scripts/services -- node --import tsx test/fuzz/run-fuzz.ts` repeats it.
 */

const ROOT = join(__dirname, '..', '..');
const NAMESPACES = ['flow', 'menu', 'errors', 'tip'];

interface FuzzReport {
  seed: number;
  updates: { telegram: number; zalo: number };
  replies: { telegram: number; zalo: number };
  events: Record<string, number>;
  casesStored: number;
  casesByChannel: { telegram: number; zalo: number };
  caseJobs: Record<string, number>;
  transientErrors: Record<string, number>;
  unhandledRejections: string[];
  uncaughtExceptions: string[];
  violationCount: number;
  violations: unknown[];
}

function runFuzz(env: Record<string, string>): Promise<{ code: number | null; report?: FuzzReport; stderr: string }> {
  return new Promise((resolve) => {
    // Niced: the fuzz has no clock to beat, the other test files running beside it do.
    const child = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', 'test/fuzz/run-fuzz.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('FUZZ_REPORT '));
      resolve({ code, report: line ? (JSON.parse(line.slice('FUZZ_REPORT '.length)) as FuzzReport) : undefined, stderr });
    });
  });
}

describe('fuzzing the update handlers', () => {
  it('the oracle catches what it is for', () => {
    expect(wordsProblem('Xin chào', 4096, NAMESPACES)).toBeNull();
    expect(wordsProblem('Mã: TB-2611-0001 · https://t.me/bot?start=tip_KP1TO3', 4096, NAMESPACES)).toBeNull();
    expect(wordsProblem('', 4096, NAMESPACES)).toBe('empty');
    expect(wordsProblem(' \n', 4096, NAMESPACES)).toBe('empty');
    expect(wordsProblem(undefined, 4096, NAMESPACES)).toMatch(/not text/);
    expect(wordsProblem('x'.repeat(2001), 2000, NAMESPACES)).toMatch(/longer than 2000/);
    expect(wordsProblem('Mã của bạn: undefined', 4096, NAMESPACES)).toMatch(/undefined/);
    expect(wordsProblem('Nhóm: [object Object]', 4096, NAMESPACES)).toMatch(/object/);
    expect(wordsProblem('📍 NaN, 106.7', 4096, NAMESPACES)).toMatch(/NaN/);
    expect(wordsProblem('flow.expired', 4096, NAMESPACES)).toMatch(/raw locale key "flow.expired"/);
    expect(wordsProblem('Lỗi: errors.temporary', 4096, NAMESPACES)).toMatch(/raw locale key/);
  });

  it('keeps the residents’ own words out of the oracle’s way', () => {
    expect(makeSafe('/UNDEFINED flow.expired [object Object] NaN nan', NAMESPACES)).not.toMatch(/undefined|flow\.e|object Object|NaN/i);
    expect(wordsProblem(makeSafe('Tôi gõ flow.expired và undefined', NAMESPACES), 4096, NAMESPACES)).toBeNull();
    expect(makeSafeDeep({ a: ['undefined', { 'flow.x': 1 }] }, NAMESPACES)).toEqual({ a: ['undef', { 'flow x': 1 }] });
  });

  it('repeats exactly from its seed', () => {
    const run = () => {
      const root = new Rng(77);
      const tg = new TelegramUpdateFuzzer(
        root.fork(0),
        [1, 2],
        [-100],
        { lastKeyboard: () => ({ message_id: 1, reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'nav:confirm' }]] } }) },
        1000,
      );
      const zl = new ZaloUpdateFuzzer(root.fork(1), ['u'], ['g'], { options: () => ['A', 'B'] }, 0);
      return JSON.stringify(
        Array.from({ length: 300 }, () => [tg.next(), zl.next()]),
        (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
      );
    };
    expect(run()).toBe(run());
  });

  it('10,000 Telegram and 10,000 Zalo updates: no crash, no unhandled rejection, only clear answers', async () => {
    const seed = process.env.FUZZ_SEED ?? String(20261121);
    const { code, report, stderr } = await runFuzz({ FUZZ_SEED: seed, FUZZ_COUNT: '10000', FUZZ_DEADLINE_MS: '270000', LOG_LEVEL: 'info' });
    if (!report) throw new Error(`fuzz run (seed ${seed}) ended with code ${code} and no report:\n${stderr}`);
    process.stdout.write(
      `fuzz seed ${report.seed}: ${report.updates.telegram} Telegram + ${report.updates.zalo} Zalo updates, ` +
        `${report.replies.telegram} + ${report.replies.zalo} messages sent, ${report.events['flow.started'] ?? 0} flows started, ` +
        `${report.casesByChannel.telegram} + ${report.casesByChannel.zalo} cases stored, ${report.violationCount} violation(s), ` +
        `transient errors answered "try again": ${JSON.stringify(report.transientErrors)}\n`,
    );
    expect({
      seed: report.seed,
      unhandledRejections: report.unhandledRejections,
      uncaughtExceptions: report.uncaughtExceptions,
      violations: report.violations,
    }).toEqual({
      seed: report.seed,
      unhandledRejections: [],
      uncaughtExceptions: [],
      violations: [],
    });
    expect(code).toBe(0);
    expect(report.updates.telegram).toBeGreaterThanOrEqual(10_000);
    expect(report.updates.zalo).toBeGreaterThanOrEqual(10_000);
    // The fuzz got deep: conversations were completed on both platforms and every one became a case.
    expect(report.casesByChannel.telegram).toBeGreaterThan(0);
    expect(report.casesByChannel.zalo).toBeGreaterThan(0);
    expect(report.casesStored).toBe(report.events['case.submitted']);
    expect(report.caseJobs.failed).toBe(0);
  }, 360_000);
});
