/**
 * The web dashboard at size: BENCH_DASHBOARD_N cases (default 100,000) in the sample ward's three
 * residential groups, spread over a year, most closed, most with a pin. A supervisor of the whole
 * ward (who sees them all) asks each page BENCH_DASHBOARD_REPEAT times (default 20) over HTTP,
 * one at a time; the time to first byte (TTFB: until the headers arrive) and to the last byte are
 * reported, p50 and p95, and the time to export them all as CSV. Beside the list's pages, the
 * database's own time for their queries, run
 * by the store directly: the difference is our own code (rendering, the desk's rules, HTTP).
 * The app runs in-process as `--role dashboard` (no platform), against the services of the run.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { startApp } from '../../test/support/app-harness';
import { logIn } from '../../test/support/dashboard-client';
import { latencySummary, round } from './kit';

const N = Number(process.env.BENCH_DASHBOARD_N ?? 100_000);
const REPEAT = Number(process.env.BENCH_DASHBOARD_REPEAT ?? 20);
const SUPERVISOR = '100000003';
const AREAS = ['kp1-to3', 'kp1-to4', 'kp2-to1'];
const TIP_CATEGORIES = ['theft', 'drugs', 'disorder', 'fire_risk', 'racing', 'other'];
const MEDIATION_CATEGORIES = ['noise', 'land', 'other'];
const DAY = 86_400_000;

/** One case of the year, shaped as the worker stores it (sealed reply address, history). */
function caseDoc(i: number, now: number, sealedChat: string): Record<string, unknown> {
  const tip = i % 5 !== 0;
  const submittedAt = new Date(now - (i % 365) * DAY - (i % 1440) * 60_000);
  const status = i % 10 === 0 ? 'new' : i % 10 < 3 ? 'acknowledged' : 'resolved';
  const ackAt = new Date(submittedAt.getTime() + ((i * 7919) % 180) * 60_000 + 60_000);
  const resolvedAt = new Date(ackAt.getTime() + ((i * 104729) % 72) * 3_600_000 + 3_600_000);
  const history: Record<string, unknown>[] = [{ at: submittedAt, action: 'submitted', by: 'resident' }];
  if (status !== 'new') history.push({ at: ackAt, action: 'acknowledged', by: 'cskv-sg-01' });
  if (status === 'resolved') history.push({ at: resolvedAt, action: 'resolved', by: 'cskv-sg-01' });
  const caseId = `bench${String(i).padStart(7, '0')}`;
  return {
    _id: caseId,
    caseId,
    refCode: `${tip ? 'TB' : 'HG'}-${String(submittedAt.getUTCDate()).padStart(2, '0')}${String(submittedAt.getUTCMonth() + 1).padStart(2, '0')}-${String(i).padStart(6, '0')}`,
    kind: tip ? 'tip' : 'mediation',
    category: tip ? TIP_CATEGORIES[i % TIP_CATEGORIES.length] : MEDIATION_CATEGORIES[i % MEDIATION_CATEGORIES.length],
    fields: tip
      ? { what: 'Hai thanh niên đi xe Wave màu đỏ bẻ khóa xe máy trước nhà', where: 'Hẻm 45 Lê Lợi', when: 'now' }
      : { parties: 'Nhà số 5 và nhà số 7', description: 'Hát karaoke tới khuya' },
    ...(i % 5 < 3 ? { location: { latitude: 10.772 + ((i * 37) % 100) / 10_000, longitude: 106.698 + ((i * 53) % 100) / 10_000 } } : {}),
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdEnc: sealedChat },
    lang: 'vi',
    joinCode: 'KP1TO3',
    areaCode: AREAS[i % AREAS.length],
    status,
    recipients: ['cskv-sg-01'],
    history,
    ...(status !== 'new' ? { assignedTo: 'cskv-sg-01', acknowledgedAt: ackAt, acknowledgedBy: 'cskv-sg-01' } : {}),
    ...(status === 'resolved' ? { resolvedAt, outcome: tip ? 'verified_handled' : 'mediated_success' } : {}),
    submittedAt,
    createdAt: submittedAt,
  };
}

async function timed(
  fetchIt: () => Promise<Response>,
): Promise<{ ttfb: number; total: number; status: number; bytes: number; text: string }> {
  const t0 = performance.now();
  const res = await fetchIt();
  const ttfb = performance.now() - t0;
  const body = Buffer.from(await res.arrayBuffer());
  return { ttfb, total: performance.now() - t0, status: res.status, bytes: body.byteLength, text: body.toString('utf8') };
}

async function main(): Promise<void> {
  const app = await startApp({ LOG_LEVEL: 'warn' }, { roles: 'dashboard' });
  const result: Record<string, unknown> = { cases: N, repeat: REPEAT, loadAverageAtStart: round(loadavg()[0]) };
  try {
    const now = Date.now();
    const sealed = app.rt.box.seal(randomBytes(6).toString('hex'));
    const cases = app.rt.db.collection('cases');
    const t0 = Date.now();
    for (let from = 0; from < N; from += 1000) {
      await cases.insertMany(Array.from({ length: Math.min(1000, N - from) }, (_, k) => caseDoc(from + k, now, sealed)));
    }
    result.seedSeconds = round((Date.now() - t0) / 1000);
    result.stored = await cases.countDocuments({});
    process.stderr.write(`bench dashboard: ${N} cases in ${result.seedSeconds} s\n`);

    const v = await logIn(app, SUPERVISOR);
    const base = `http://127.0.0.1:${app.port}`;
    const get = (path: string) => () => fetch(`${base}${path}`, { headers: { cookie: v.cookie! } });
    const pages: Record<string, string> = {
      listOpen: '/dashboard/cases',
      listAllPage1: '/dashboard/cases?status=all',
      listAllPage200: '/dashboard/cases?status=all&page=200',
      listFiltered: '/dashboard/cases?status=all&category=theft&area=kp1-to3&from=2026-06-01&to=2026-09-30',
      listRefText: '/dashboard/cases?status=all&q=000123',
      casePage: `/dashboard/cases/${String(caseDoc(123, now, sealed).refCode)}`,
    };
    const optional: Record<string, string> = {
      mapData: '/dashboard/map/data.json?status=all',
      stats: '/dashboard/stats',
    };
    const figures: Record<string, unknown> = {};
    for (const [name, path] of Object.entries({ ...pages, ...optional })) {
      const first = await timed(get(path));
      if (first.status === 404 && name in optional) continue;
      if (first.status !== 200) throw new Error(`${path}: ${first.status}`);
      if (name === 'listAllPage1') result.listedTotal = Number(/data-total="(\d+)"/.exec(first.text)?.[1]);
      const runs = [first];
      for (let i = 1; i < REPEAT; i++) runs.push(await timed(get(path)));
      const ttfb = latencySummary(runs.map((r) => r.ttfb));
      const total = latencySummary(runs.map((r) => r.total));
      figures[name] = {
        path,
        ttfbP50: round(ttfb.p50),
        ttfbP95: round(ttfb.p95),
        totalP50: round(total.p50),
        totalP95: round(total.p95),
        kB: round(first.bytes / 1024),
      };
      process.stderr.write(`bench dashboard: ${name} ttfb p50 ${round(ttfb.p50)} ms p95 ${round(ttfb.p95)} ms\n`);
    }
    result.pages = figures;

    // An export of every case the supervisor sees, as the list page's form posts it.
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await timed(get('/dashboard/cases'))).text)?.[1] ?? '';
    const exports: number[] = [];
    let exportBytes = 0;
    for (let i = 0; i < Math.min(REPEAT, 3); i++) {
      const r = await timed(() =>
        fetch(`${base}/dashboard/export`, {
          method: 'POST',
          headers: { cookie: v.cookie!, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, format: 'csv', status: 'all' }).toString(),
        }),
      );
      if (r.status !== 200) throw new Error(`export: ${r.status}`);
      exports.push(r.total);
      exportBytes = r.bytes;
    }
    const ex = latencySummary(exports);
    result.exportCsv = { p50: round(ex.p50), max: round(ex.max), MiB: round(exportBytes / 1048576), runs: exports.length };
    process.stderr.write(`bench dashboard: export csv p50 ${round(ex.p50)} ms\n`);

    // The database alone, for the list's two queries (one page, and the count), as the store asks them.
    const scope = ['phuong-sai-gon', ...AREAS];
    const dbAlone: Record<string, unknown> = {};
    for (const [name, q] of Object.entries({
      listOpen: { statuses: ['new', 'acknowledged'] as const, offset: 0 },
      listAllPage1: { statuses: ['new', 'acknowledged', 'resolved'] as const, offset: 0 },
      listAllPage200: { statuses: ['new', 'acknowledged', 'resolved'] as const, offset: 199 * 20 },
    })) {
      const ms: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = performance.now();
        await app.rt.store.cases.page({ areaCodes: scope, statuses: q.statuses, newestFirst: true, offset: q.offset, limit: 20 });
        ms.push(performance.now() - t);
      }
      const s = latencySummary(ms);
      dbAlone[name] = { p50: round(s.p50), p95: round(s.p95) };
    }
    result.databaseAlone = dbAlone;
  } finally {
    await app.close();
  }
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
