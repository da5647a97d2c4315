import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shared by the benchmarks: percentiles, lanes of concurrent work, child processes, memory. */

export const ROOT = join(__dirname, '..', '..');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function latencySummary(values: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    n: sorted.length,
  };
}

/** Runs `fn` over `count` items with `concurrency` in flight. */
export async function lanes(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds or `timeoutMs` passes. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}

/** Peak resident memory (VmHWM) and current (VmRSS) of a process, in MiB, from /proc (Linux). */
export function procMemory(pid: number): { peakMiB: number; rssMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { peakMiB: Math.round(kb('VmHWM') / 1024), rssMiB: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return { peakMiB: NaN, rssMiB: NaN };
  }
}

/**
 * The benchmarks run our processes as production does: compiled JavaScript (`node dist/main.js`,
 * as the Dockerfile runs it), not through tsx, whose compiler costs memory and start-up. Built once
 * per `npm run bench` (main.ts): `tsc -p tsconfig.build.json` into dist/ (ignored by git) with the
 * dashboard's browser files beside the code that serves them, and the bare telegraf baseline
 * compiled the same way into .local/bench-build/.
 */
export function buildForBench(): void {
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  cpSync(join(ROOT, 'src/features/dashboard/web/browser'), join(ROOT, 'dist/features/dashboard/web/browser'), { recursive: true });
  execFileSync(
    tsc,
    [
      'scripts/bench/bare-telegraf.ts',
      '--outDir',
      BENCH_BUILD,
      // It imports our inbox from src: the output keeps the tree's layout.
      '--rootDir',
      ROOT,
      '--module',
      'commonjs',
      '--target',
      'es2022',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

const BENCH_BUILD = join(ROOT, '.local', 'bench-build');
const COMPILED = {
  app: join(ROOT, 'dist', 'main.js'),
  'bare-telegraf': join(BENCH_BUILD, 'scripts', 'bench', 'bare-telegraf.js'),
} as const;

/**
 * Starts our app (`dist/main.js …args`) or the bare telegraf bot, compiled (see buildForBench);
 * `nodeFlags` go to node before the script (a heap limit, for a run that tries one).
 */
export function spawnCompiled(
  what: keyof typeof COMPILED,
  args: string[],
  env: Record<string, string>,
  label: string,
  nodeFlags: string[] = [],
): ChildProcess {
  if (!existsSync(COMPILED[what]))
    throw new Error(`${COMPILED[what]} is missing: run the benchmarks through npm run bench, which builds it`);
  return spawnWith([...nodeFlags, COMPILED[what], ...args], env, label);
}

/**
 * Starts `node --import tsx <script> …args` with `env` (node itself, not the tsx wrapper, so the
 * pid is the process whose memory we read); its output goes to our stderr, prefixed.
 */
export function spawnTsx(script: string, args: string[], env: Record<string, string>, label: string): ChildProcess {
  return spawnWith(['--import', 'tsx', script, ...args], env, label);
}

/** BENCH_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to every process started here, for diagnosis. */
function spawnWith(nodeArgs: string[], env: Record<string, string>, label: string): ChildProcess {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...nodeArgs], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (c: Buffer) => {
    for (const line of c.toString().split('\n').filter(Boolean)) process.stderr.write(`[${label}] ${line.slice(0, 300)}\n`);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

/** Stops a child we started, and waits for it. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until an HTTP GET answers 200 (a child's /healthz). */
export async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const ok = await until(
    async () => {
      try {
        return (await fetch(url)).status === 200;
      } catch {
        return false;
      }
    },
    timeoutMs,
    200,
  );
  if (!ok) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
