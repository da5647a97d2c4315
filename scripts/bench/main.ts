/**
 * `npm run bench [-- <name>…]`: runs the benchmarks (pipeline, conversations, broadcast,
 * worker-profile; all by default), each in a process of its own, keeps their results in
 * docs/benchmarks.json and writes docs/benchmarks.md from them. Sizes come from the environment:
 * BENCH_N (pipeline tips and conversations, default 10,000), BENCH_GROUPS (broadcast, 5,000),
 * BENCH_RATE (broadcast's configured rate, 25), BENCH_PROFILE_N (300), BENCH_CONCURRENCY (64),
 * BENCH_DASHBOARD_N (dashboard cases, 100,000) and BENCH_DASHBOARD_REPEAT (requests a page, 20).
 * BENCH_OUT names another directory for the two files (CI's small run keeps docs/ as it is).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildForBench, ROOT } from './kit';
import { machine } from './machine';
import { renderBenchmarks, type Stored } from './render';

const ALL = [
  'stage-profile',
  'steady',
  'intake',
  'pipeline',
  'conversations',
  'broadcast',
  'mixed-day',
  'worker-profile',
  'dashboard',
] as const;
const OUT_DIR = process.env.BENCH_OUT || join(ROOT, 'docs');
const JSON_PATH = join(OUT_DIR, 'benchmarks.json');

function run(name: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'bench', `${name}.ts`)], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, unknown>);
      else reject(new Error(`benchmark ${name} ended with code ${code}${line ? '' : ' and no result'}`));
    });
  });
}

async function main(): Promise<void> {
  // `render`: docs/benchmarks.md written again from benchmarks.json, nothing run (after the
  // wording of a section changed, or two branches' figures were merged).
  if (process.argv[2] === 'render') {
    const kept = JSON.parse(readFileSync(JSON_PATH, 'utf8')) as Record<string, Stored>;
    writeFileSync(join(OUT_DIR, 'benchmarks.md'), renderBenchmarks(kept));
    process.stderr.write(`bench: wrote benchmarks.md from ${JSON_PATH}\n`);
    return;
  }
  const asked = process.argv.slice(2).filter((a) => a !== 'all');
  const unknown = asked.filter((a) => !(ALL as readonly string[]).includes(a));
  if (unknown.length) {
    process.stderr.write(`Unknown benchmark ${unknown.join(', ')}: choose from ${ALL.join(', ')}\n`);
    process.exit(2);
  }
  const names = asked.length ? asked : [...ALL];
  const stored: Record<string, Stored> = existsSync(JSON_PATH)
    ? (JSON.parse(readFileSync(JSON_PATH, 'utf8')) as Record<string, Stored>)
    : {};
  process.stderr.write('bench: compiling the app and the baseline (tsc)…\n');
  buildForBench();
  const m = await machine();
  const settings = Object.fromEntries(
    Object.entries(process.env)
      .filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_OUT')
      .sort(),
  ) as Record<string, string>;
  for (const name of names) {
    process.stderr.write(`bench: ${name}…\n`);
    const t0 = Date.now();
    const result = await run(name);
    const envPrefix = Object.entries(settings)
      .map(([k, v]) => `${k}=${v} `)
      .join('');
    stored[name] = {
      result,
      machine: m.summary,
      date: new Date().toISOString().slice(0, 10),
      command: `${envPrefix}npm run bench -- ${name}`,
      wallMs: Date.now() - t0,
    };
    writeFileSync(JSON_PATH, `${JSON.stringify(stored, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'benchmarks.md'), renderBenchmarks(stored));
    process.stderr.write(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  process.stderr.write(`bench: wrote ${JSON_PATH} and benchmarks.md beside it\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
