/**
 * The web dashboard at size: cases in the sample ward's three residential groups, spread over a
 * year, most closed, most with a pin, stored in steps (a fiftieth, a tenth and all of
 * BENCH_DASHBOARD_N, default 100,000) so one run shows how each page grows with the cases. At each
 * step a supervisor of the whole ward (who sees them all) asks each page BENCH_DASHBOARD_REPEAT
 * times (default 20) over HTTP, one at a time: time to first byte (TTFB: until the headers) and to
 * the last byte, p50 and p95; a page slower than BENCH_DASHBOARD_TIMEOUT_MS (60 s) is reported as
 * such. Then one CSV export of every case, and the database's own time for the list's queries, asked
 * of the store directly: when it is most of the page's time, the database bounds the page.
 * The app runs in-process as `--role dashboard` (no platform), against the services of the run.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { startApp, type AppHarness } from '../../test/support/app-harness';
import { logIn } from '../../test/support/dashboard-client';
import { REPORTED_CASE_FIELDS } from '../../src/conversations/case-columns';
import { latencySummary, round } from './kit';

const N = Number(process.env.BENCH_DASHBOARD_N ?? 100_000);
const REPEAT = Number(process.env.BENCH_DASHBOARD_REPEAT ?? 20);
/** Measured at a fiftieth, a tenth and all of N, in one run: how each page grows with the cases. */
const SIZES = [...new Set([Math.round(N / 50), Math.round(N / 10), N])].filter((n) => n > 0);
/** A page slower than this is reported as such and not asked again. */
const TIMEOUT_MS = Number(process.env.BENCH_DASHBOARD_TIMEOUT_MS ?? 60_000);
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
  fetchIt: (signal: AbortSignal) => Promise<Response>,
): Promise<{ ttfb: number; total: number; status: number; bytes: number; text: string } | 'timeout' | { failedAfterMs: number }> {
  const t0 = performance.now();
  try {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    const res = await fetchIt(signal);
    const ttfb = performance.now() - t0;
    const body = Buffer.from(await res.arrayBuffer());
    return { ttfb, total: performance.now() - t0, status: res.status, bytes: body.byteLength, text: body.toString('utf8') };
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
    // The server closed the connection: its own time-out (src/http/http-server.ts, 30 s) ended the request.
    if (err instanceof TypeError && err.message === 'fetch failed') return { failedAfterMs: round(performance.now() - t0) };
    throw err;
  }
}

/** Every page at the size the database now holds; a page slower than the time-out is marked so and not asked again. */
async function measure(app: AppHarness, cookie: string, n: number, sample: string): Promise<Record<string, unknown>> {
  const base = `http://127.0.0.1:${app.port}`;
  const get = (path: string) => (signal: AbortSignal) => fetch(`${base}${path}`, { headers: { cookie }, signal });
  const pages: Record<string, string> = {
    listOpen: '/dashboard/cases',
    listAllPage1: '/dashboard/cases?status=all',
    listAllPage200: '/dashboard/cases?status=all&page=200',
    listFiltered: '/dashboard/cases?status=all&category=theft&area=kp1-to3&from=2026-06-01&to=2026-09-30',
    listRefText: '/dashboard/cases?status=all&q=000123',
    casePage: `/dashboard/cases/${sample}`,
    mapData: '/dashboard/map/data.json?status=all',
    stats: '/dashboard/stats',
  };
  const out: Record<string, unknown> = { cases: n, loadAverageAtStart: round(loadavg()[0]) };
  const figures: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(pages)) {
    const runs = [];
    for (let i = 0; i < REPEAT; i++) {
      const r = await timed(get(path));
      if (r === 'timeout') break;
      if ('failedAfterMs' in r) {
        if (runs.length === 0) figures[name] = { path, failedAfterMs: r.failedAfterMs };
        break;
      }
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      if (name === 'listAllPage1' && i === 0) out.listedTotal = Number(/data-total="(\d+)"/.exec(r.text)?.[1]);
      runs.push(r);
    }
    if (runs.length === 0) {
      figures[name] ??= { path, timedOutMs: TIMEOUT_MS };
      process.stderr.write(`bench dashboard ${n}: ${name} over ${TIMEOUT_MS} ms\n`);
      continue;
    }
    const ttfb = latencySummary(runs.map((r) => r.ttfb));
    const total = latencySummary(runs.map((r) => r.total));
    figures[name] = {
      path,
      runs: runs.length,
      ttfbP50: round(ttfb.p50),
      ttfbP95: round(ttfb.p95),
      totalP50: round(total.p50),
      totalP95: round(total.p95),
      kB: round(runs[0].bytes / 1024),
    };
    process.stderr.write(`bench dashboard ${n}: ${name} ttfb p50 ${round(ttfb.p50)} ms p95 ${round(ttfb.p95)} ms\n`);
  }
  out.pages = figures;

  // An export of every case the supervisor sees, as the list page's form posts it (the token from a page that is quick at any size).
  const list = await timed(get(`/dashboard/cases/${sample}`));
  const csrf = list === 'timeout' || 'failedAfterMs' in list ? '' : (/name="_csrf" value="([^"]+)"/.exec(list.text)?.[1] ?? '');
  const exported = await timed((signal) =>
    fetch(`${base}/dashboard/export`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, format: 'csv', status: 'all' }).toString(),
      signal,
    }),
  );
  if (!csrf) throw new Error('no CSRF token for the export');
  if (exported !== 'timeout' && !('failedAfterMs' in exported) && exported.status !== 200) throw new Error(`export: ${exported.status}`);
  out.exportCsv =
    exported === 'timeout'
      ? { timedOutMs: TIMEOUT_MS }
      : 'failedAfterMs' in exported
        ? { failedAfterMs: exported.failedAfterMs }
        : { ms: round(exported.total), MiB: round(exported.bytes / 1048576) };

  // The database alone, for the list's queries (one page, and the count), as the store asks them.
  const scope = ['phuong-sai-gon', ...AREAS];
  const dbAlone: Record<string, unknown> = {};
  for (const [name, q] of Object.entries({
    listOpen: { statuses: ['new', 'acknowledged'] as const, offset: 0 },
    listAllPage1: { statuses: ['new', 'acknowledged', 'resolved'] as const, offset: 0 },
  })) {
    const t = performance.now();
    await app.rt.store.cases.page({ areaCodes: scope, statuses: q.statuses, newestFirst: true, offset: q.offset, limit: 20 });
    dbAlone[name] = round(performance.now() - t);
  }
  // And the export's rows, read from the store's cursor as the export reads them, without CSV or HTTP.
  const t = performance.now();
  let rows = 0;
  for await (const row of app.rt.store.cases.stream(
    { areaCodes: scope, statuses: ['new', 'acknowledged', 'resolved'] },
    REPORTED_CASE_FIELDS,
  ))
    if (row.refCode) rows++;
  dbAlone.exportRows = round(performance.now() - t);
  if (rows !== n) throw new Error(`the store streamed ${rows} of ${n} cases`);
  out.databaseAloneMs = dbAlone;
  return out;
}

async function main(): Promise<void> {
  const app = await startApp({ LOG_LEVEL: 'warn' }, { roles: 'dashboard' });
  const result: Record<string, unknown> = { cases: N, sizes: SIZES, repeat: REPEAT, timeoutMs: TIMEOUT_MS };
  try {
    const now = Date.now();
    const sealed = app.rt.box.seal(randomBytes(6).toString('hex'));
    const cases = app.rt.db.collection('cases');
    const v = await logIn(app, SUPERVISOR);
    const steps: Record<string, unknown>[] = [];
    let stored = 0;
    for (const size of SIZES) {
      const t0 = Date.now();
      for (let from = stored; from < size; from += 1000) {
        await cases.insertMany(Array.from({ length: Math.min(1000, size - from) }, (_, k) => caseDoc(from + k, now, sealed)));
      }
      process.stderr.write(`bench dashboard: ${size} cases (${size - stored} more in ${round((Date.now() - t0) / 1000)} s)\n`);
      stored = size;
      const step = await measure(app, v.cookie!, size, String(caseDoc(0, now, sealed).refCode));
      step.stored = await cases.countDocuments({});
      steps.push(step);
    }
    result.steps = steps;
    const last = steps[steps.length - 1];
    result.stored = last.stored;
    result.listedTotal = last.listedTotal;
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
