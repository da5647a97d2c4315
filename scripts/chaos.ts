/**
 * Runs the fault scenarios of test/chaos (larger than the jest tests do) and writes what they
 * counted to docs/faults.md. Run it with `bash scripts/chaos`; CHAOS_SCALE=2 doubles the sizes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseOutage } from '../test/chaos/database-outage';
import type { FaultReport } from '../test/chaos/kit';
import { platformFaults } from '../test/chaos/platform-faults';
import { redisRestart } from '../test/chaos/redis-restart';
import { workerKill } from '../test/chaos/worker-kill';
import { machine } from './bench/machine';

const scale = Number(process.env.CHAOS_SCALE ?? 1);
const n = (x: number) => Math.max(1, Math.round(x * scale));

async function main(): Promise<void> {
  const runs: [string, () => Promise<FaultReport>][] = [
    [
      'redisRestart({ residents: ' + n(200) + ', downMs: 3000, signal: SIGTERM })',
      () => redisRestart({ residents: n(200), downMs: 3000, signal: 'SIGTERM' }),
    ],
    [
      'redisRestart({ residents: ' + n(200) + ', downMs: 3000, signal: SIGKILL })',
      () => redisRestart({ residents: n(200), downMs: 3000, signal: 'SIGKILL' }),
    ],
    [
      'workerKill({ submissions: ' + n(2000) + ', killAfter: ' + n(400) + ' })',
      () => workerKill({ submissions: n(2000), killAfter: n(400) }),
    ],
    [
      'databaseOutage({ residents: ' + n(100) + ', downMs: 30000, signal: SIGKILL })',
      () => databaseOutage({ residents: n(100), downMs: 30_000, signal: 'SIGKILL' }),
    ],
    [
      'platformFaults({ residents: ' + n(200) + ', forced429: 20, forced500: 20, hung: 8 })',
      () => platformFaults({ residents: n(200), forced429: 20, forced500: 20, hung: 8 }),
    ],
  ];
  const reports: [string, FaultReport][] = [];
  for (const [call, run] of runs) {
    process.stderr.write(`chaos: ${call} …\n`);
    const r = await run();
    process.stderr.write(
      `chaos: told ${r.toldAfterRetry}, stored ${r.stored}, lost ${r.lost}, duplicated ${r.duplicated}, missing ${r.alertsMissing}\n`,
    );
    reports.push([call, r]);
  }
  const m = await machine();
  const lines = [
    '# Faults: what is lost or repeated when things break',
    '',
    `Written by \`bash scripts/chaos\` on ${new Date().toISOString().slice(0, 10)}; the same scenarios, smaller, are`,
    'jest tests (`test/chaos/faults.test.ts`, part of `npm test`) that fail on any loss or repeat.',
    '',
    `Machine: ${m.summary}.`,
    '',
    "Residents go through the bot's real update handling (`TelegramChannel.handleUpdate`), the real",
    'queue, worker and database, and the Telegram emulator (`test/support/telegram-emulator/`).',
    '"Told" counts residents who received "received, your code is TB-…"; those who were asked to try',
    'again press Send once more and, if their draft is gone, send the tip again (as the bot asks).',
    '',
    '| Scenario | Residents | Told at once | Told after retrying | Stored | Lost | Stored, not told | Alerts delivered | Sent twice | Alerts missing |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...reports.map(
      ([, r]) =>
        `| ${r.scenario}${r.fault.includes('SIGKILL') && r.scenario.startsWith('Redis') ? ' (crash)' : ''} | ${r.residents} | ${r.told} | ${r.toldAfterRetry} | ${r.stored} | **${r.lost}** | ${r.storedUntold} | ${r.alertsDelivered} | **${r.duplicated}** | **${r.alertsMissing}** |`,
    ),
    '',
  ];
  for (const [call, r] of reports) {
    lines.push(
      `## ${r.scenario}${r.fault.includes('SIGKILL') && r.scenario.startsWith('Redis') ? ' (crash)' : ''}`,
      '',
      `\`${call}\` (test/chaos): ${r.fault}. Took ${(r.ms / 1000).toFixed(1)} s.`,
      '',
    );
    for (const [k, v] of Object.entries(r.notes)) lines.push(`- ${k}: ${v}`);
    lines.push('');
  }
  lines.push(...READING);
  writeFileSync(join(__dirname, '..', 'docs', 'faults.md'), `${lines.join('\n')}\n`);
  process.stderr.write('chaos: wrote docs/faults.md\n');
}

const READING = [
  '## Reading the numbers',
  '',
  '- **Lost** (told "received" but never stored) and **alerts missing** must be 0; so must **sent twice** (an officer',
  '  alert that arrived more than once for one reference code), except after a worker is killed, where at most one per',
  '  send in flight can repeat (below). "Stored, not told" is',
  '  not a loss: the queue accepted the case but the "received" reply did not reach the resident',
  '  (the bot answered "try again"); pressing Send again answers with the same code, because the',
  '  case id and code are kept in the draft and the job id is the case id.',
  '- Redis restart: while Redis is away every message gets the polite "temporarily unavailable"',
  '  answer and nothing is half-done; the bot is ready again within about a second of Redis',
  '  (both connections reconnect by themselves). A chat whose message was being handled at the',
  "  moment Redis went away keeps its per-chat lock (src/redis/chat-lock.ts) until the lock's TTL,",
  "  so that resident's next message waits up to 10 s (the lock's wait) before it is handled:",
  '  that is most of "ms for the retries". An intake job that was running when Redis went away',
  '  is picked up again when its lock lapses (WORKER_LOCK_MS; 5 s here, 30 s by default).',
  '- Redis crash (SIGKILL) with `appendfsync everysec` (as docker-compose.yml runs it) may lose',
  '  up to a second of acknowledged writes: a queued case, or the reference-code counter (a',
  '  repeated code would then be refused by the unique index). Use `appendfsync always` where',
  "  that second matters more than Redis's write throughput.",
  '- Database outage: the bot needs only Redis to accept a case, so residents are told at once;',
  '  intake jobs wait (mongoose buffers a command up to 10 s, then the job fails and is retried',
  '  with exponential back-off) and /readyz answers 503 until the database is back.',
  "- Telegram faults: a 429 pauses the platform's whole outbox queue for `retry_after`; a 500 or",
  '  a dropped connection retries the job with back-off; the part counter saved after each part',
  '  keeps a retry from repeating what already went out. A send that never answers fails after',
  "  30 s (our limit on each Bot API call; telegraf's own is 500 s) and the job is retried; the",
  '  test drops those connections sooner instead of waiting.',
  '- Worker killed: jobs it held are taken over when their lock lapses (WORKER_LOCK_MS). Only a',
  '  message the platform accepted in the instant before the kill, before its progress was saved,',
  '  can repeat (at most one per send in flight); no chat API offers idempotent sends.',
];

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`chaos failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
