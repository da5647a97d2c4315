/** docs/benchmarks.md, written from docs/benchmarks.json by scripts/bench/main.ts. */
import { fmt, goals, intake, mixedDay, stageProfile, steady } from './render-load';

export interface Stored {
  result: Record<string, unknown>;
  machine: string;
  date: string;
  command: string;
  wallMs: number;
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const s = (ms: unknown): string => (typeof ms === 'number' ? `${fmt(ms / 1000, 1)} s` : String(ms));

export function renderBenchmarks(all: Record<string, Stored>): string {
  const out: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench/run → scripts/bench/main.ts) from docs/benchmarks.json;',
    'do not edit by hand (`npm run bench -- render` writes it again from the JSON). `npm run bench -- <name>` runs one',
    '(`stage-profile`, `steady`, `intake`, `pipeline`,',
    '`conversations`, `broadcast`, `mixed-day`, `worker-profile`, `dashboard`) and rewrites its section. Sizes:',
    '`BENCH_N` (tips and conversations, default 10,000), `BENCH_GROUPS` (broadcast and mixed day, 5,000),',
    '`BENCH_RATE` (platform rate, 25/s), `BENCH_STEADY_RATES` (5,20,50,100,150,200) and `BENCH_STEADY_SECONDS` (20),',
    '`BENCH_STAGE_N` (200), `BENCH_PROFILE_N` (300), `BENCH_CONCURRENCY` (residents at a time, 64),',
    '`BENCH_DASHBOARD_N` (100,000). Our processes run compiled (`tsc -p tsconfig.build.json`, then',
    '`node dist/main.js`, as the Dockerfile runs them), built at the start of each `npm run bench`.',
    '',
    '**Read every figure with its machine.** Everything runs on the one machine named in each',
    'section: Redis, the database, the bot and worker processes, and the load generator with the',
    'platform emulator, which compete for the same cores. The database is **FerretDB 1.24**, the',
    'local stand-in for MongoDB, on the backend the machine line names (docs/local-database.md):',
    'each operation costs milliseconds to tens of milliseconds there (look at worker-profile), far',
    'more than MongoDB takes; on PostgreSQL, equality on `_id` or a top-level field uses an index,',
    'while ranges, `$in` and sorts scan their collection (on SQLite, everything but `_id` does).',
    'Figures that touch the database are therefore a floor for a MongoDB deployment, not a',
    'forecast; the Redis-only figures (conversations) carry over much better.',
    '',
  ];
  out.push(...goals(all));
  if (all['stage-profile']) out.push(...stageProfile(all['stage-profile'], all));
  if (all.steady) out.push(...steady(all.steady));
  if (all.intake) out.push(...intake(all.intake));
  const p = all.pipeline?.result as Any | undefined;
  if (p) {
    const st = all.pipeline;
    out.push(
      '## Pipeline: a burst of tips, tip → queue → worker → database → officer alert',
      '',
      `\`${st.command}\` · ${st.date} · ${st.machine}`,
      '',
      `${fmt(p.n, 0)} residents (${p.concurrency} at a time) each send a complete tip through the bot's real`,
      'update handling (`TelegramChannel.handleUpdate`: `/start tip_…`, category, what, where, when,',
      'media done, anonymous, Send: 8 updates), with the bot in this process and the worker as its own',
      'process (`dist/main.js --role worker`); the officer alerts arrive on the Telegram emulator.',
      'Latency runs from handing "Send" to the bot to the emulator recording the alert.',
      '',
      '| Figure | Value |',
      '|---|---:|',
      `| Tips told "received" / alerted / alerted twice | ${fmt(p.told, 0)} / ${fmt(p.alerted, 0)} / ${fmt(p.duplicated, 0)} |`,
      `| Bot side: conversations completed per second | ${fmt(p.conversationsPerSecond)} (${fmt(p.updatesPerSecond)} updates/s, ${s(p.botMs)}) |`,
      `| **Pipeline: tips alerted per second, end to end** | **${fmt(p.tipsPerSecond)}** (${s(p.pipelineMs)}) |`,
      `| Latency "Send" → alert, p50 / p95 / p99 / max | ${s(p.latencyMs?.p50)} / ${s(p.latencyMs?.p95)} / ${s(p.latencyMs?.p99)} / ${s(p.latencyMs?.max)} |`,
      `| Ceiling: empty BullMQ jobs added + processed per second (same Redis, 64 adds in flight, 8 workers) | ${fmt(p.ceilings?.bullmq?.jobsPerSecond)} |`,
      `| Ceiling: raw inserts per second (same database, ~1 KB documents, 16 in flight) | ${fmt(p.ceilings?.inserts?.insertsPerSecond)} |`,
      `| Pipeline ÷ BullMQ ceiling / ÷ insert ceiling | ${fmt(p.ratios?.toBullmqJobs, 3)} / ${fmt(p.ratios?.toInserts, 3)} |`,
      `| Peak memory: bot process (with load generator and emulator) / worker process | ${fmt(p.memory?.botProcessPeakMiB, 0)} MiB / ${fmt(p.memory?.workerProcessPeakMiB, 0)} MiB |`,
      '',
      'What bounds it: the bot side completes conversations at the same rate as the pipeline alerts them, and the worker',
      'alone (Intake alone) runs more than twice as fast: the conversations (8 updates a tip, with their Redis round trips,',
      'see the stage profile) and the worker share two cores with Redis, the database, the emulator and the load generator,',
      'and the conversations are the larger share. The latency figures are mostly time spent queued behind the burst, not',
      'work. Alerts went into one officer chat with the per-chat spacing off',
      '(`TELEGRAM_CHAT_INTERVAL_MS=0`) to measure our pipeline; real Telegram takes about one message',
      "a second into one chat, so in production one officer's alerts are paced by the platform.",
      '',
    );
  }
  const c = all.conversations?.result as Any | undefined;
  if (c) {
    const st = all.conversations;
    out.push(
      '## Bot alone: one bot process, many conversations in progress',
      '',
      `\`${st.command}\` · ${st.date} · ${st.machine}`,
      '',
      `${fmt(c.conversations, 0)} residents open a tip (\`/start tip_…\` and a category: ${fmt(c.draftsInRedis, 0)} drafts in Redis,`,
      `${fmt(c.redisUsedMiB)} MiB of Redis memory at the end), then each answers two questions; the bot`,
      '(`dist/main.js --role bot`, compiled, webhook mode) gets the updates as HTTP POSTs with the secret header,',
      `${c.concurrency} at a time, and answers through the emulator. The baseline is a bare telegraf bot`,
      '(scripts/bench/bare-telegraf.ts, compiled too) that replies "ok" to every message, fed the same way after the',
      'same warm-up.',
      '',
      '| | Updates/s | Updates | Peak memory (VmHWM) |',
      '|---|---:|---:|---:|',
      `| Our bot, opening the conversations (join-code lookup in the database) | ${fmt(c.opening?.perSecond)} | ${fmt(c.opening?.updates, 0)} | |`,
      `| **Our bot, answers inside ${fmt(c.conversations, 0)} open conversations** | **${fmt(c.ours?.perSecond)}** | ${fmt(c.ours?.updates, 0)} | ${fmt(c.ours?.peakMiB, 0)} MiB |`,
      `| Bare telegraf, reply only | ${fmt(c.bare?.perSecond)} | ${fmt(c.bare?.updates, 0)} | ${fmt(c.bare?.peakMiB, 0)} MiB |`,
      ...(c.bareInbox
        ? [
            `| Bare telegraf behind our durable inbox (each update sealed and queued in BullMQ before the 200) | ${fmt(c.bareInbox.perSecond)} | ${fmt(c.bareInbox.updates, 0)} | ${fmt(c.bareInbox.peakMiB, 0)} MiB |`,
          ]
        : []),
      ...(c.capped
        ? [
            `| Our bot again, ${cappedFlags(c.capped)} (other residents) | ${fmt(c.capped.perSecond)} | ${fmt(c.capped.updates, 0)} | ${fmt(c.capped.peakMiB, 0)} MiB |`,
          ]
        : []),
      `| **Ratio ours ÷ bare** | **${fmt(c.ratio, 2)}** | | |`,
      '',
      ...botBound(c),
      '',
      ...memoryBound(c),
      '',
    );
  }
  const b = all.broadcast?.result as Any | undefined;
  if (b) {
    const st = all.broadcast;
    out.push(
      '## Broadcast to many groups, alone',
      '',
      `\`${st.command}\` · ${st.date} · ${st.machine}`,
      '',
      `One broadcast to ${fmt(b.groups, 0)} Telegram groups, submitted as the bot submits one (QueueBroadcastDesk),`,
      `fanned out and delivered by a worker process at the configured \`TELEGRAM_RATE_PER_SECOND=${b.configuredRate}\` into`,
      `the emulator with Telegram's limits on (${b.platformLimit} messages/s overall, 20 a minute per group).`,
      '',
      '| Figure | Value |',
      '|---|---:|',
      `| Groups reached / reached twice | ${fmt(b.delivered, 0)} / ${fmt(b.duplicated, 0)} |`,
      `| **Achieved rate ÷ configured rate** | **${fmt(b.achievedRate)}/s ÷ ${b.configuredRate}/s = ${fmt(b.achievedOverConfigured, 2)}** |`,
      `| 429 answers provoked | ${fmt(b.tooManyRequests, 0)} |`,
      `| Delivery time (submit → last group) ÷ ideal groups ÷ rate | ${s(b.deliveryMs)} ÷ ${s(b.idealMs)} = ${fmt(b.deliveryMs / b.idealMs, 2)} |`,
      `| First group reached after | ${s(b.firstDeliveryMs)} |`,
      `| Report sent to the sender | ${b.reportToSender ? 'yes' : 'no'} |`,
      `| Worker peak memory | ${fmt(b.workerPeakMiB, 0)} MiB |`,
      '',
      'What bounds it: the configured rate, by design. Every send on a platform takes the next slot',
      'from one Redis timeline spaced 1000 ÷ rate ms apart (ChatPacer.platformSlot), shared by all',
      'worker replicas, so no sliding second holds more than the rate and the platform has no reason',
      "to answer 429; BullMQ's limiter alone counts per fixed window and let up to twice the rate",
      "through across a window's edge (175 × 429 before the pacing). Each delivery's own database",
      'work (take it up and count the attempt, finish it with its progress: two guarded updates by `_id`) and',
      "the broadcast's words (remembered per process: FerretDB reads the whole 5,000-target document",
      'to project them away, 650 ms a time) fit inside the 40 ms between slots. Nothing grows with the',
      'broadcast: finding the last group is one Redis call (src/redis/broadcast-tally.ts), and the',
      'database counts the deliveries once, at the end. Before the first group, the fan-out writes',
      'the deliveries 500 per bulk insert and queues them 500 per Redis round trip: that start-up is',
      'the gap between the delivery time and the ideal.',
      '',
    );
  }
  if (all['mixed-day']) out.push(...mixedDay(all['mixed-day']));
  const w = all['worker-profile']?.result as Any | undefined;
  if (w) {
    const st = all['worker-profile'];
    const tenths = (w.tenthsMs as number[] | undefined) ?? [];
    const growth = tenths.length >= 2 && tenths[0] > 0 ? tenths[tenths.length - 1] / tenths[0] : NaN;
    out.push(
      "## Where the worker's time goes (diagnostic)",
      '',
      `\`${st.command}\` · ${st.date} · ${st.machine}`,
      '',
      `${fmt(w.n, 0)} tips queued as the bot queues them (one area, one category), then stored and alerted by one`,
      `in-process worker with every mongoose query timed: ${fmt(w.alertsPerSecond)} alerts/s. Each tenth of the`,
      `alerts took ${tenths.map((t) => s(t)).join(', ')}${Number.isFinite(growth) ? ` (last ÷ first: ${fmt(growth, 1)}×; above 1, some per-case work grows with the cases stored)` : ''}.`,
      '',
      '| Operation (model.op(filter fields)) | Calls | Per alert | Avg ms | Total ms |',
      '|---|---:|---:|---:|---:|',
      ...((w.top as Any[] | undefined) ?? []).map(
        (o) => `| \`${o.op}\` | ${fmt(o.calls, 0)} | ${fmt(o.perAlert, 2)} | ${fmt(o.avgMs)} | ${fmt(o.totalMs, 0)} |`,
      ),
      '',
      'Equality lookups are index lookups on PostgreSQL (only by `_id` on SQLite); ranges, `$in`,',
      'sorts and queries whose result grows with the data are where a burst slows down.',
      '',
    );
  }
  const d = all.dashboard?.result as Any | undefined;
  if (d) {
    const st = all.dashboard;
    const steps = (d.steps ?? []) as Any[];
    const names = [...new Set(steps.flatMap((x) => Object.keys(x.pages ?? {})))];
    const failed = (f: Any) =>
      f.timedOutMs ? `> ${fmt(f.timedOutMs / 1000, 0)} s` : `failed after ${fmt(f.failedAfterMs / 1000, 0)} s (server time-out)`;
    const cell = (f: Any | undefined) =>
      !f ? '–' : f.timedOutMs || f.failedAfterMs ? failed(f) : `${fmt(f.ttfbP50, 0)} / ${fmt(f.ttfbP95, 0)} ms`;
    out.push(
      '## The web dashboard at size',
      '',
      `\`${st.command}\` · ${st.date} · ${st.machine}`,
      '',
      "Cases in the sample ward's three residential groups over a year, stored in steps; at each step the ward's",
      `supervisor (who may see them all) asks each page up to ${fmt(d.repeat, 0)} times, one at a time, over HTTP. Each cell is the`,
      `time to first byte, p50 / p95; "failed after 30 s" is a page the app's HTTP server gave up on (its 30-s request time-out, as a browser would see it). The last rows: one CSV`,
      "export of every case, and the list's two queries (the page and its count) and the export's rows (its cursor, read to the end) asked of",
      'the store directly, without HTTP, CSV or rendering.',
      '',
      `| Page | ${steps.map((x) => `${fmt(x.cases, 0)} cases`).join(' | ')} |`,
      `|---|${steps.map(() => '---:').join('|')}|`,
      ...names.map(
        (name) =>
          `| ${name} (\`${(steps.find((x) => x.pages?.[name])?.pages[name].path as string) ?? ''}\`) | ${steps.map((x) => cell(x.pages?.[name])).join(' | ')} |`,
      ),
      `| CSV export of every case | ${steps.map((x) => (x.exportCsv?.timedOutMs || x.exportCsv?.failedAfterMs ? failed(x.exportCsv) : `${fmt(x.exportCsv?.ms, 0)} ms (${fmt(x.exportCsv?.MiB)} MiB)`)).join(' | ')} |`,
      ...['listOpen', 'listAllPage1', 'exportRows'].map(
        (q) => `| database alone, ${q} | ${steps.map((x) => `${fmt(x.databaseAloneMs?.[q], 0)} ms`).join(' | ')} |`,
      ),
      `| load average at the step's start | ${steps.map((x) => fmt(x.loadAverageAtStart)).join(' | ')} |`,
      '',
    );
    // What bounds the list: the store's own time for its queries against the page's, at the largest step both answered.
    const both = [...steps].reverse().find((x) => x.pages?.listAllPage1?.ttfbP50 && x.databaseAloneMs?.listAllPage1);
    if (both) {
      const share = both.databaseAloneMs.listAllPage1 / both.pages.listAllPage1.ttfbP50;
      out.push(
        `**What bounds it.** At ${fmt(both.cases, 0)} cases the list's own two queries, asked of the store alone, take ${fmt(both.databaseAloneMs.listAllPage1, 0)} ms`,
        `of the page's ${fmt(both.pages.listAllPage1.ttfbP50, 0)} ms (${fmt(share * 100, 0)} %): the database bounds the list. With`,
        "`postgresql-pushdown.patch` (docs/local-database.md) the page itself comes from PostgreSQL's `{submittedAt, _id}` index, stopped after",
        '20 cases (0.3 ms in EXPLAIN ANALYZE at 20,000); what grows with the cases is PostgreSQL reading the JSON of every case the filter',
        "selects, twice per list page: the patch's check that sorting, skipping and limiting in SQL give MongoDB's answer (each case's sort key",
        'a date, the filter exact), and the count. The map is bounded by the same check plus its 5,000 markers decoded; statistics and the export',
        'by every selected case rebuilt by PostgreSQL with only the fields they read (about 50 µs a case, EXPLAIN ANALYZE at 20,000) and',
        "decoded by FerretDB. The case page (lookups by code and `_id`) stays flat. On MongoDB the same queries are served by the cases'",
        'indexes (`{submittedAt, _id}` for the newest first, the compound ones for filters); that cannot be measured here (no mongod).',
        '',
      );
    }
    // What bounds the export: the store's cursor alone against the whole export, at the largest step the export finished.
    const exp = [...steps].reverse().find((x) => x.exportCsv?.ms && x.databaseAloneMs?.exportRows);
    if (exp) {
      const share = exp.databaseAloneMs.exportRows / exp.exportCsv.ms;
      out.push(
        `**The export.** At ${fmt(exp.cases, 0)} cases the CSV of every case took ${fmt(exp.exportCsv.ms / 1000, 1)} s (${fmt((exp.exportCsv.ms / exp.cases) * 1000, 0)} µs a case); reading its rows`,
        `from the store's cursor alone took ${fmt(exp.databaseAloneMs.exportRows / 1000, 1)} s, ${fmt(share * 100, 0)} % of it${share >= 0.5 ? ': the database (FerretDB rebuilding and decoding each case) bounds the export' : ': our own per-row work (columns, CSV, HTTP) is the larger share'}.`,
        'It streams (a cursor of 500 cases, the answer written every 200 rows), so its memory does not grow with the cases. Before',
        'this run every row built three new date formatters (`Intl.DateTimeFormat`, about 0.3 ms each): 10,000 cases took 6.1 s, and 100,000',
        'did not finish in 60 s.',
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * What bounds the bot's rate, from the run's own figures: the bare bot with and without our
 * durable inbox in front of it says how much of the gap the inbox alone makes.
 */
function botBound(c: Any): string[] {
  const work = [
    'What bounds it: the work per update. Each costs our bot six to seven Redis round trips (the stage profile counts them:',
    'dedup, profile and flood count together; the chat lock; dedup again with the draft read; the draft written; the handled',
    'mark with the unlock; the reply slot) and the durable inbox',
    '(every webhook update is a BullMQ job, added when the POST arrives and taken and finished by the inbox worker: three',
    'more scripts), against one Bot API call for the bare bot; everything shares the two cores with Redis, the emulator and',
    'the load generator, so the ratio measures how much more our bot does per update, not a ceiling of the process.',
  ];
  if (!c.bareInbox) return work;
  const inboxRatio = c.bareInbox.perSecond / c.bare.perSecond;
  return [
    ...work,
    `The inbox alone, measured apart: the same bare bot behind it handles ${fmt(c.bareInbox.perSecond)} updates/s, ${fmt(inboxRatio, 2)} × its rate`,
    `without it${inboxRatio < 0.8 ? ', so no bot that keeps every update in Redis before answering the webhook (nothing lost when a process dies: issue 15) reaches 0.8 × the bare bot on this machine, whatever it does after' : ''}.`,
    `Behind the same inbox our bot handles ${fmt(c.ratioBehindInbox, 2)} × the bare bot's rate: that is the share of the conversations themselves`,
    '(the chat lock, dedup, draft, flows and the reading of the text), which the stage profile breaks down.',
  ];
}

/** The capped run's V8 settings as the README gives them. */
function cappedFlags(capped: Any): string {
  return `\`--max-old-space-size=${capped.oldSpaceMiB}${capped.semiSpaceMiB ? ` --max-semi-space-size=${capped.semiSpaceMiB}` : ''}\``;
}

/** What the bot's peak memory is made of, from the capped run beside the default one. */
function memoryBound(c: Any): string[] {
  const lines = ['Memory: drafts live in Redis, so the process does not grow with the conversations open.'];
  if (!c.capped) return lines;
  const saved = c.ours.peakMiB - c.capped.peakMiB;
  const rate = c.capped.perSecond / c.ours.perSecond;
  return [
    `${lines[0]} With ${cappedFlags(c.capped)} the same load peaked at ${fmt(c.capped.peakMiB, 0)} MiB instead of`,
    `${fmt(c.ours.peakMiB, 0)} MiB, at ${fmt(rate, 2)} × the rate${c.capped.peakMiB <= 150 ? ' (within the 150 MiB goal)' : ''}: ${fmt(saved, 0)} MiB of the default peak is garbage V8 had not yet needed to`,
    `collect and young-generation room it grew under the allocation rate, not live data.${c.ours.idleMiB ? ` Started and idle, before any update, the process holds ${fmt(c.ours.idleMiB, 0)} MiB by default${c.capped.idleMiB ? ` and ${fmt(c.capped.idleMiB, 0)} MiB capped` : ''} (code, libraries, connections, the model of residents' words; node alone is about 42 MiB).` : ''}`,
    `Capped, the bot ran without running out of memory; an operator who wants it smaller sets \`NODE_OPTIONS\` to these`,
    'flags (README), trading processor time for memory. They are not the default: a process that also builds large dashboard',
    'exports needs more room than this.',
  ];
}
