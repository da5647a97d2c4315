/**
 * The sections of docs/benchmarks.md for issue 18's measures: the goals in one table, the stage
 * profile, the steady load, intake alone and the mixed day (render.ts writes the rest).
 */
import type { Stored } from './render';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const fmt = (x: unknown, digits = 1): string =>
  typeof x === 'number' && Number.isFinite(x) ? (Math.round(x * 10 ** digits) / 10 ** digits).toLocaleString('en-US') : String(x);
export const ms = (x: unknown): string => (typeof x === 'number' ? `${fmt(x, 0)} ms` : String(x));
const held = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '**met**' : '**not met**');
const header = (st: Stored) => [`\`${st.command}\` · ${st.date} · ${st.machine}`, ''];

/** The goals of issue 18, each with the figure measured and whether it holds. */
export function goals(all: Record<string, Stored>): string[] {
  const steady = all.steady?.result as Any | undefined;
  const at20 = (steady?.steps as Any[] | undefined)?.find((x) => x.offeredPerSecond === 20);
  const intake = all.intake?.result as Any | undefined;
  const conv = all.conversations?.result as Any | undefined;
  const mixed = all['mixed-day']?.result as Any | undefined;
  const row = (goal: string, figure: string, ok: boolean | undefined, where: string) => `| ${goal} | ${figure} | ${held(ok)} | ${where} |`;
  return [
    '## The goals, measured',
    '',
    'Each figure is from the section named beside it (one `npm run bench` run; the sections say what bounds',
    'each one).',
    '',
    '| Goal | Measured | | Section |',
    '|---|---|---|---|',
    row(
      'Intake ≥ 0.5 × the slower raw ceiling',
      intake
        ? `${fmt(intake.alertsPerSecond)} alerts/s ÷ ${fmt(Math.min(intake.ceilings.bullmq.jobsPerSecond, intake.ceilings.inserts.insertsPerSecond))}/s (${intake.slowerCeiling}) = ${fmt(intake.ratioToSlowerCeiling, 3)}`
        : '–',
      intake ? intake.ratioToSlowerCeiling >= 0.5 : undefined,
      'Intake alone',
    ),
    row(
      'p99 "Send" → alert ≤ 100 ms at a steady 20 tips/s, nothing else queued',
      at20 ? `p99 ${ms(at20.latencyMs.p99)} (p50 ${ms(at20.latencyMs.p50)})` : '–',
      at20 ? at20.sustained && at20.latencyMs.p99 <= 100 : undefined,
      'Steady load',
    ),
    row(
      'Bot ≥ 0.8 × bare telegraf inside 10,000 open conversations, compiled',
      conv
        ? `${fmt(conv.ours.perSecond)} ÷ ${fmt(conv.bare.perSecond)} updates/s = ${fmt(conv.ratio, 2)}${conv.bareInbox ? `; the bare bot behind our durable inbox alone: ${fmt(conv.inboxRatio, 2)}` : ''}`
        : '–',
      conv ? conv.ratio >= 0.8 : undefined,
      'Bot alone',
    ),
    row(
      'Bot ≤ 150 MiB resident, compiled',
      conv
        ? `peak ${fmt(conv.ours.peakMiB, 0)} MiB with V8's default heap${conv.capped ? `; ${fmt(conv.capped.peakMiB, 0)} MiB with the README's memory setting (${fmt(conv.capped.perSecond / conv.ours.perSecond, 2)} × the rate)` : ''}`
        : '–',
      // Met when the shipped setting for a memory-tight bot process holds it (README, "Memory").
      conv ? Math.min(conv.ours.peakMiB, conv.capped?.peakMiB ?? Infinity) <= 150 : undefined,
      'Bot alone',
    ),
    row(
      'Alerts p99 ≤ 2 s during a 5,000-group broadcast',
      mixed ? `p99 ${ms(mixed.alertLatencyMs.p99)} over ${fmt(mixed.alerted, 0)} alerts` : '–',
      mixed ? mixed.groups >= 5000 && mixed.alertLatencyMs.p99 <= 2000 : undefined,
      'Mixed day',
    ),
    row(
      'Broadcast ≥ 0.95 × its configured rate meanwhile',
      mixed ? `${fmt(mixed.achievedRate)}/s ÷ ${fmt(mixed.configuredRate)}/s = ${fmt(mixed.achievedOverConfigured, 3)}` : '–',
      mixed ? mixed.achievedOverConfigured >= 0.95 : undefined,
      'Mixed day',
    ),
    row(
      '0 × 429 meanwhile',
      mixed ? `${fmt(mixed.tooManyRequests, 0)}` : '–',
      mixed ? mixed.tooManyRequests === 0 : undefined,
      'Mixed day',
    ),
    '',
  ];
}

export function stageProfile(st: Stored, all: Record<string, Stored> = {}): string[] {
  const r = st.result as Any;
  const stages = (r.stages as Any[]).filter((x) => x.stage !== 'other');
  return [
    '## Stage profile: one tip, stage by stage',
    '',
    ...header(st),
    `${fmt(r.n, 0)} tips, one at a time (nothing queued behind anything), through the bot's real Telegram update handling`,
    'and a worker in the same process (scripts/bench/stage-profile.ts, instruments in scripts/bench/probe.ts). Every',
    'Redis call, database command and Bot API call is counted against its stage, per tip. A Redis round trip is one wait:',
    'calls sent together (a pipeline, `Promise.all`) count once; "Redis ms" is the time the stage had a call out. A BullMQ',
    "job's stage includes BullMQ's own scripts to take and finish it.",
    '',
    '| Stage | Runs | Wall ms | Redis round trips (commands) | Redis ms | Database commands | Database ms | Bot API calls | API ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...stages.map(
      (x) =>
        `| ${x.stage} | ${fmt(x.runsPerTip, 0)} | ${fmt(x.wallMsPerTip)} | ${fmt(x.redisRoundTrips)} (${fmt(x.redisCommands)}) | ${fmt(x.redisMs)} | ${fmt(x.dbOps)} | ${fmt(x.dbMs)} | ${fmt(x.apiCalls)} | ${fmt(x.apiMs)} |`,
    ),
    '',
    `"Send" → alert with nothing else in flight: p50 ${ms(r.latencyMs.p50)}, p95 ${ms(r.latencyMs.p95)}, p99 ${ms(r.latencyMs.p99)}.`,
    '',
    'What each stage sends, per tip:',
    '',
    ...stages.map((x) => `- ${x.stage}: ${(x.commands as string[]).join(', ')}`),
    '',
    ...stageBound(stages, all),
  ];
}

/** Which side of the pipeline a tip costs more, from the stages' own figures. */
function stageBound(stages: Any[], all: Record<string, Stored>): string[] {
  const burst = (all.pipeline?.result as Any | undefined)?.tipsPerSecond as number | undefined;
  const alone = (all.intake?.result as Any | undefined)?.alertsPerSecond as number | undefined;
  const side = (bot: boolean) => stages.filter((x) => String(x.stage).startsWith('bot') === bot);
  const sum = (xs: Any[], k: string) => xs.reduce((a, x) => a + (Number(x[k]) || 0), 0);
  const bot = side(true);
  const worker = side(false);
  const botWall = sum(bot, 'wallMsPerTip');
  const workerWall = sum(worker, 'wallMsPerTip');
  return [
    `Per tip, one at a time, the bot's ${fmt(sum(bot, 'runsPerTip'), 0)} updates take ${fmt(botWall)} ms (${fmt(sum(bot, 'redisRoundTrips'), 0)} Redis round trips, ${fmt(sum(bot, 'redisMs'))} ms`,
    `waiting on them) and the worker's two jobs ${fmt(workerWall)} ms (${fmt(sum(worker, 'dbOps'), 0)} database commands, ${fmt(sum(worker, 'dbMs'))} ms waiting on them).`,
    `The ${botWall >= workerWall ? 'bot' : 'worker'} side costs more per tip. The time not spent waiting is our processes computing.`,
    ...(burst && alone
      ? [
          `In a burst the whole pipeline alerted ${fmt(burst)} tips/s (Pipeline) while the worker by itself manages ${fmt(alone)} alerts/s (Intake`,
          alone > 1.5 * burst
            ? "alone): the residents' conversations in the bot, sharing the two cores with the worker, set the pipeline's pace, not the database."
            : 'alone): the worker by itself is barely faster than the whole pipeline, so the worker and its database set the pace.',
        ]
      : []),
    '',
  ];
}

export function steady(st: Stored): string[] {
  const r = st.result as Any;
  const steps = r.steps as Any[];
  return [
    '## Steady load: tips at fixed rates',
    '',
    ...header(st),
    `Tips offered at fixed rates, ${fmt(r.seconds, 0)} s each, open-loop ("Send" POSTed on schedule whatever the answers), to the bot`,
    '(`dist/main.js --role bot`, webhook mode) with the worker (`--role worker`) as its own process. Before each rate the',
    'step\'s residents fill their drafts, and the step starts once both processes are idle: the window holds only "Send".',
    'Latency: POSTing "Send" → the officer\'s alert reaching the emulator. A rate is sustained when ≥ 95 % of it is alerted a',
    'second over the step.',
    '',
    '| Offered /s | Tips | Alerted /s | p50 | p95 | p99 | max | Sustained |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...steps.map(
      (x) =>
        `| ${fmt(x.offeredPerSecond, 0)} | ${fmt(x.tips, 0)} | ${fmt(x.achievedPerSecond)} | ${ms(x.latencyMs.p50)} | ${ms(x.latencyMs.p95)} | ${ms(x.latencyMs.p99)} | ${ms(x.latencyMs.max)} | ${x.sustained ? 'yes' : 'no'} |`,
    ),
    '',
    `The knee (the first rate whose p99 is more than twice the lowest rate's, or that is not sustained): ${r.knee ? `${fmt(r.knee, 0)} tips/s` : 'not reached'}; the highest rate sustained: ${fmt(r.highestSustained, 0)} tips/s. Peak memory: bot ${fmt(r.memory.botPeakMiB, 0)} MiB, worker ${fmt(r.memory.workerPeakMiB, 0)} MiB.`,
    '',
    "What bounds it: below the knee a tip waits for nothing but its own work, about the stage profile's one-at-a-time",
    'latency; past it tips queue. The knee lies below what the worker manages alone (Intake alone) because the bot, handling',
    'the "Send" updates, runs on the same two cores; which of the processes is saturated first is not separated here.',
    '',
  ];
}

export function intake(st: Stored): string[] {
  const r = st.result as Any;
  return [
    '## Intake alone: queued tips → alerts',
    '',
    ...header(st),
    `${fmt(r.n, 0)} submissions put on the \`cases\` queue as the bot puts them (${r.concurrency} in flight), stored and alerted by a`,
    'worker process (`dist/main.js --role worker`): the pipeline without the conversations. The ceilings are measured in',
    'the same run, on the same Redis and database.',
    '',
    '| Figure | Value |',
    '|---|---:|',
    `| Alerted / of | ${fmt(r.alerted, 0)} / ${fmt(r.n, 0)} |`,
    `| **Alerts per second** (first submission → last alert, ${fmt(r.ms / 1000)} s; all queued after ${fmt(r.queuedMs / 1000)} s) | **${fmt(r.alertsPerSecond)}** |`,
    `| Ceiling: empty BullMQ jobs added + processed per second | ${fmt(r.ceilings.bullmq.jobsPerSecond)} |`,
    `| Ceiling: raw inserts per second (~1 KB documents, 16 in flight) | ${fmt(r.ceilings.inserts.insertsPerSecond)} |`,
    `| **Ratio to the slower ceiling (${r.slowerCeiling})** | **${fmt(r.ratioToSlowerCeiling, 3)}** |`,
    ...(r.ceilings.tipCommands
      ? [
          `| The database alone doing each tip's ${r.ceilings.tipCommands.commandsPerTip} commands (16 tips in flight): tips per second | ${fmt(r.ceilings.tipCommands.tipsPerSecond)} |`,
          `| Alerts per second ÷ that | ${fmt(r.ratioToTipCommands, 3)} |`,
        ]
      : []),
    `| Worker peak memory | ${fmt(r.workerPeakMiB, 0)} MiB |`,
    '',
    ...intakeBound(r),
    '',
  ];
}

/** What bounds intake, from the ceilings measured beside it. */
function intakeBound(r: Any): string[] {
  const tc = r.ceilings.tipCommands as Any | undefined;
  if (!tc) return [];
  const perTip = fmt(tc.commandsPerTip, 0);
  const insertsPerTip = r.ceilings.inserts.insertsPerSecond / tc.tipsPerSecond;
  const lines = [
    `What bounds it: a tip is not one insert but ${perTip} database commands (the stage profile counts them) and two queue jobs, so the`,
    `insert ceiling over-promises ${fmt(insertsPerTip, 1)}×: the database alone, doing just those ${perTip} commands per tip, manages`,
    `${fmt(tc.tipsPerSecond)} tips/s, so the goal's 0.5 × the insert ceiling (${fmt(r.ceilings.inserts.insertsPerSecond / 2)}/s) is more than the database can do for our tips`,
    'on this machine, whatever the worker does.',
  ];
  return r.ratioToTipCommands >= 0.7
    ? [
        ...lines,
        `Our worker reaches ${fmt(r.ratioToTipCommands, 2)} × that database-only rate: the database's work per tip bounds intake; the rest is`,
        'the queue jobs, the alert rendering and the sealing, sharing the two cores with the database.',
      ]
    : [
        ...lines,
        `Our worker reaches ${fmt(r.ratioToTipCommands, 2)} × that database-only rate: beyond the database, the worker's own work per tip (two`,
        'queue jobs, rendering, sealing) on the same two cores takes the rest.',
      ];
}

export function mixedDay(st: Stored): string[] {
  const r = st.result as Any;
  return [
    '## Mixed day: a broadcast, residents chatting and tips at once',
    '',
    ...header(st),
    `One broadcast to ${fmt(r.groups, 0)} Telegram groups at its configured rate (\`TELEGRAM_BROADCAST_RATE_PER_SECOND=${r.configuredRate}\`, within`,
    `the platform's \`TELEGRAM_RATE_PER_SECOND=${r.platformRate}\`) while residents chat (${fmt(r.chatUpdatesPerSecond)} updates a second, filling drafts,`,
    `one answer every 2 s each, as people answer) and send tips (${fmt(r.tipsPerSecond)} a second, to one officer). Bot and worker run as`,
    "their own compiled processes; the emulator enforces Telegram's limits (30 messages a second overall, 20 a minute into a",
    'group, and 3 a second into one chat: Telegram allows "short bursts" over its one a second in a chat, which a reply of',
    'two messages is). Latency: POSTing "Send" → the alert reaching the emulator.',
    '',
    '| Figure | Value |',
    '|---|---:|',
    `| Groups reached / reached twice | ${fmt(r.delivered, 0)} / ${fmt(r.duplicated, 0)} |`,
    `| **Broadcast achieved ÷ configured rate** | **${fmt(r.achievedRate)}/s ÷ ${r.configuredRate}/s = ${fmt(r.achievedOverConfigured, 3)}** |`,
    `| Delivery time (submit → last group) | ${fmt(r.deliveryMs / 1000)} s |`,
    `| **Alerts "Send" → alert, p50 / p95 / p99 / max** (${fmt(r.alerted, 0)} of ${fmt(r.tips, 0)} tips) | **${ms(r.alertLatencyMs.p50)} / ${ms(r.alertLatencyMs.p95)} / ${ms(r.alertLatencyMs.p99)} / ${ms(r.alertLatencyMs.max)}** |`,
    `| 429 answers provoked (per chat / per group / overall) | ${fmt(r.tooManyRequests, 0)} (${fmt(r.limited.perChat, 0)} / ${fmt(r.limited.perGroup, 0)} / ${fmt(r.limited.global, 0)}) |`,
    `| Replies and alerts the platform carried meanwhile | ${fmt(r.otherMessagesPerSecond)}/s |`,
    `| Peak memory: bot / worker | ${fmt(r.memory.botPeakMiB, 0)} MiB / ${fmt(r.memory.workerPeakMiB, 0)} MiB |`,
    '',
    ...mixedDayBound(r),
    '',
  ];
}

/** What bounds the broadcast in the mixed day, from the run's own figures. */
function mixedDayBound(r: Any): string[] {
  const used = r.achievedRate + r.otherMessagesPerSecond;
  const carried = `the broadcast got ${fmt(r.achievedRate)}/s while replies and alerts took ${fmt(r.otherMessagesPerSecond)}/s, together ${fmt(used)}/s of the platform's ${r.platformRate}/s`;
  if (!(used >= 0.9 * r.platformRate))
    return [`What bounds it: not the platform's rate: ${carried}, so the broadcast had room it did not use (not measured further here).`];
  return [
    "What bounds it: the platform's rate, shared. Every message to Telegram, reply, alert or broadcast, takes the next slot of",
    `one timeline at \`TELEGRAM_RATE_PER_SECOND\` (under Telegram's 30/s), and replies and alerts claim theirs as they come: ${carried}.`,
    `The broadcast's own rate (${r.configuredRate}/s) is its ceiling, not a reservation: holding it while residents chat would mean`,
    "pacing their replies behind a bulk send, or going over Telegram's limit (the 429 that paused every alert before replies were",
    'paced). On this load the broadcast goal therefore cannot be met without slowing residents; the alert latency and 0 × 429',
    'are what the shared pacing buys.',
  ];
}
