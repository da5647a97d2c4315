/**
 * `node --import tsx scripts/bench/check.ts <benchmarks.json>`: fails when a benchmark run lost or
 * repeated something. Only counts are checked, never speed (figures depend on the machine and
 * are read by people, in docs/benchmarks.md). CI runs the benchmarks small and then this, so the
 * benchmark scripts keep working and keep telling the truth about what they count.
 */
import { readFileSync } from 'node:fs';

type Result = Record<string, unknown>;

const CHECKS: Record<string, (r: Result) => string[]> = {
  pipeline: (r) => [
    ...(r.told !== r.n ? [`told ${String(r.told)} of ${String(r.n)} residents "received"`] : []),
    ...(r.alerted !== r.n ? [`alerted ${String(r.alerted)} of ${String(r.n)} tips`] : []),
    ...(r.duplicated !== 0 ? [`${String(r.duplicated)} tips alerted twice`] : []),
  ],
  conversations: (r) => [
    ...(r.draftsInRedis !== r.conversations
      ? [`${String(r.draftsInRedis)} drafts in Redis for ${String(r.conversations)} conversations`]
      : []),
    // Every measured update answered 200, by our bot (both runs) and the two bare baselines.
    ...(['ours', 'capped', 'bare', 'bareInbox'] as const).flatMap((run) => {
      const failed = (r[run] as { failed?: unknown } | undefined)?.failed;
      return failed === 0 ? [] : [`${run}: ${String(failed)} updates failed`];
    }),
  ],
  broadcast: (r) => [
    ...(r.delivered !== r.groups ? [`reached ${String(r.delivered)} of ${String(r.groups)} groups`] : []),
    ...(r.duplicated !== 0 ? [`${String(r.duplicated)} groups reached twice`] : []),
    ...(r.reportToSender !== true ? ['no report to the sender'] : []),
  ],
  'worker-profile': (r) => (typeof r.alertsPerSecond !== 'number' || !(r.alertsPerSecond > 0) ? ['no alerts sent'] : []),
  dashboard: (r) => [
    ...(r.stored !== r.cases ? [`stored ${String(r.stored)} of ${String(r.cases)} cases`] : []),
    ...(r.listedTotal !== r.cases ? [`the list counted ${String(r.listedTotal)} of ${String(r.cases)} cases`] : []),
  ],
};

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: scripts/bench/check.ts <benchmarks.json>\n');
  process.exit(2);
}
const stored = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { result: Result }>;
const problems = Object.keys(CHECKS).flatMap((name) =>
  stored[name] ? CHECKS[name](stored[name].result).map((p) => `${name}: ${p}`) : [`${name}: did not run`],
);
for (const p of problems) process.stderr.write(`bench check: ${p}\n`);
process.stderr.write(
  problems.length
    ? `bench check: ${problems.length} problem(s)\n`
    : 'bench check: every benchmark counted what it sent, nothing lost or repeated\n',
);
process.exit(problems.length ? 1 : 0);
