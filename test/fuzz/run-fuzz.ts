/**
 * The update fuzzer: random and malformed Telegram and Zalo updates, fed to the real app's
 * `TelegramChannel.handleUpdate` and `ZaloChannel.handleUpdate` (bot and worker roles, real Redis
 * and database, replies over HTTP to the platform emulators). Runs as its own process so that its
 * `unhandledRejection` / `uncaughtException` listeners are the real ones (jest replaces them).
 *
 *   FUZZ_SEED=123 FUZZ_COUNT=10000 bash scripts/services -- node --import tsx test/fuzz/run-fuzz.ts
 *
 * FUZZ_COUNT updates per platform, FUZZ_SEED picks them (same seed, same updates, per lane and in
 * order). The last line of stdout is `FUZZ_REPORT <json>`; test/fuzz/updates.test.ts reads it.
 */
import { Queue } from 'bullmq';
import { readLocale } from '../../src/i18n/translator';
import { outboxQueueName } from '../../src/outbox/jobs';
import { CASES_QUEUE } from '../../src/queues/names';
import { createModels } from '../../src/store/models';
import { startApp } from '../support/app-harness';
import { TelegramEmulator, type SentMessage } from '../support/telegram-emulator';
import { ZaloEmulator } from '../support/zalo-emulator';
import { Rng } from './prng';
import { wordsProblem } from './reply-oracle';
import { makeSafeDeep } from './strings';
import { TelegramUpdateFuzzer } from './telegram-updates';
import { ZaloUpdateFuzzer } from './zalo-updates';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const LANES = Number(process.env.FUZZ_LANES ?? 8);
const STARTED = Date.now();
const DEADLINE = STARTED + Number(process.env.FUZZ_DEADLINE_MS ?? 240_000);
const TELEGRAM_LIMIT = 4096;
const ZALO_LIMIT = 2000;
/** Error names of infrastructure failures (timeouts, Redis away, queue unavailable), not of bugs. */
const TRANSIENT = new Set(['Error', 'MaxRetriesPerRequestError', 'QueueUnavailableError', 'AbortError']);
const BAD_EVENTS = new Set([
  'conversation.error',
  'telegram.update_failed',
  'zalo.update_failed',
  'http.handler_failed',
  'unhandled_rejection',
  'case.invalid_job',
  'job.failed_for_good',
]);

interface Violation {
  channel: string;
  chat?: string;
  problem: string;
  text?: string;
  lane?: number;
  step?: number;
}

const unhandled: string[] = [];
const uncaught: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(describe(reason)));
process.on('uncaughtException', (err) => uncaught.push(describe(err)));

function describe(e: unknown): string {
  return e instanceof Error
    ? `${e.name}: ${e.message.slice(0, 200)}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`
    : String(e).slice(0, 200);
}

async function main(): Promise<void> {
  const namespaces = [...new Set([...Object.keys(readLocale('vi')), ...Object.keys(readLocale('en'))])];
  const tg = new TelegramEmulator();
  const zalo = new ZaloEmulator();
  await Promise.all([tg.start(), zalo.start()]);
  const app = await startApp(
    {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_BASE: zalo.apiBase,
      FLOOD_MESSAGES_PER_10S: '100000',
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      TELEGRAM_RATE_PER_SECOND: '1000',
      ZALO_RATE_PER_SECOND: '1000',
      LOG_LEVEL: 'info',
    },
    { roles: 'all' },
  );
  const telegram = app.bot!.telegram!;
  const zaloChannel = app.bot!.zalo!;
  const violations: Violation[] = [];
  const lastUpdate = new Map<string, string>();

  // What the bot last offered in each chat, so the fuzzers can answer it (kept by scanning new sends).
  const tgKeyboards = new Map<string, SentMessage>();
  let tgCursor = 0;
  const scanTelegram = () => {
    const all = tg.sent();
    for (; tgCursor < all.length; tgCursor++) {
      const m = all[tgCursor];
      const markup = m.reply_markup as Record<string, unknown> | undefined;
      if (markup && ('inline_keyboard' in markup || 'keyboard' in markup)) tgKeyboards.set(m.chat_id, m);
    }
  };
  const zaloOptions = new Map<string, string[]>();
  let zaloCursor = 0;
  const scanZalo = () => {
    const all = zalo.sent();
    for (; zaloCursor < all.length; zaloCursor++) {
      const r = all[zaloCursor];
      zaloOptions.set(
        r.chatId,
        (r.text ?? r.caption ?? '').split('\n').flatMap((l) => /^\d+\. (.*)$/.exec(l)?.slice(1) ?? []),
      );
    }
  };

  const root = new Rng(SEED);
  const perLane = Math.ceil(COUNT / LANES);
  const counts = { telegram: 0, zalo: 0 };
  const lanes: Promise<void>[] = [];
  for (let lane = 0; lane < LANES; lane++) {
    const tgUsers = Array.from({ length: 6 }, (_, k) => 200_000_000 + lane * 100 + k);
    const tgGroups = Array.from({ length: 2 }, (_, k) => -1_002_000_000_000 - lane * 10 - k);
    const tgRng = root.fork(lane * 2);
    const tgFuzzer = new TelegramUpdateFuzzer(
      tgRng,
      tgUsers,
      tgGroups,
      { lastKeyboard: (chatId) => (scanTelegram(), tgKeyboards.get(String(chatId))) },
      (lane + 1) * 10_000_000,
    );
    lanes.push(
      (async () => {
        for (let step = 0; step < perLane && Date.now() < DEADLINE; step++) {
          const update = makeSafeDeep(tgFuzzer.next(), namespaces);
          const chat = chatOfTelegram(update);
          if (chat) lastUpdate.set(`telegram:${chat}`, `lane ${lane} step ${step}`);
          try {
            await telegram.handleUpdate(update);
          } catch (err) {
            violations.push({ channel: 'telegram', problem: `handleUpdate threw ${describe(err)}`, lane, step });
          }
          counts.telegram++;
        }
      })(),
    );
    const zaloUsers = Array.from({ length: 6 }, (_, k) => `fz-u-${lane}-${k}`);
    const zaloGroups = Array.from({ length: 2 }, (_, k) => `fz-g-${lane}-${k}`);
    const zaloFuzzer = new ZaloUpdateFuzzer(
      root.fork(lane * 2 + 1),
      zaloUsers,
      zaloGroups,
      { options: (chatId) => (scanZalo(), zaloOptions.get(chatId) ?? []) },
      lane,
    );
    lanes.push(
      (async () => {
        for (let step = 0; step < perLane && Date.now() < DEADLINE; step++) {
          const update = makeSafeDeep(zaloFuzzer.next(), namespaces);
          try {
            await zaloChannel.handleUpdate(update);
          } catch (err) {
            violations.push({ channel: 'zalo', problem: `handleUpdate threw ${describe(err)}`, lane, step });
          }
          counts.zalo++;
        }
      })(),
    );
  }
  await Promise.all(lanes);
  const fedAt = Date.now();

  // The worker stores what was submitted and sends the officers' alerts; wait (bounded) for the queues.
  const cases = new Queue(CASES_QUEUE, { connection: app.rt.queueRedis });
  const outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
  for (let i = 0; i < 400; i++) {
    const [c, o] = await Promise.all([
      cases.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      outbox.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    ]);
    if (Object.values(c).every((n) => n === 0) && Object.values(o).every((n) => n === 0)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const caseCounts = await cases.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  await Promise.all([cases.close(), outbox.close()]);

  // Every message the bot sent, to residents and officers alike, must be readable.
  for (const m of tg.sent()) {
    const problem =
      m.method === 'sendMessage'
        ? wordsProblem(m.text, TELEGRAM_LIMIT, namespaces)
        : m.caption !== undefined
          ? wordsProblem(m.caption, 1024, namespaces)
          : null;
    if (problem)
      violations.push({
        channel: 'telegram',
        chat: m.chat_id,
        problem,
        text: preview(m.text ?? m.caption),
        ...where(lastUpdate.get(`telegram:${m.chat_id}`)),
      });
    const markup = m.reply_markup as { inline_keyboard?: { text: string }[][]; keyboard?: { text: string }[][] } | undefined;
    for (const b of [...(markup?.inline_keyboard ?? []), ...(markup?.keyboard ?? [])].flat()) {
      const p = wordsProblem(b.text, 200, namespaces);
      if (p) violations.push({ channel: 'telegram', chat: m.chat_id, problem: `button: ${p}`, text: preview(b.text) });
    }
  }
  for (const r of zalo.sent()) {
    const body = r.method === 'sendPhoto' ? (r.caption ?? 'photo') : r.text;
    const problem = wordsProblem(body, ZALO_LIMIT, namespaces);
    if (problem) violations.push({ channel: 'zalo', chat: r.chatId, problem, text: preview(body) });
  }
  // A send refused by the platform for a chat that exists means a reply the resident never got.
  const refused = refusedSends(tg);
  for (const [chat, n] of refused.validChats)
    violations.push({ channel: 'telegram', chat, problem: `${n} send(s) refused by the platform` });
  const zaloRefused = (zalo.calls.sendMessage ?? 0) + (zalo.calls.sendPhoto ?? 0) - zalo.sent().length;
  if (zaloRefused > 0) violations.push({ channel: 'zalo', problem: `${zaloRefused} send(s) refused by the platform` });

  const events = new Map<string, number>();
  const bad = new Map<string, number>();
  const transient = new Map<string, number>();
  for (const line of app.logs) {
    let entry: { msg?: unknown; error?: unknown; err?: { code?: unknown } } = { msg: 'unparsable' };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      // counted as unparsable
    }
    const msg = String(entry.msg);
    events.set(msg, (events.get(msg) ?? 0) + 1);
    if (!BAD_EVENTS.has(msg)) continue;
    const key = `${msg} (${String(entry.error ?? entry.err?.code ?? '')})`;
    // A plain Error there is Redis or the queue timing out on a loaded machine (answered "try again"
    // politely); a TypeError, RangeError, a validation error… is a bug the input found.
    if (msg === 'conversation.error' && TRANSIENT.has(String(entry.error))) transient.set(key, (transient.get(key) ?? 0) + 1);
    else bad.set(key, (bad.get(key) ?? 0) + 1);
  }
  for (const [event, n] of bad) violations.push({ channel: 'app', problem: `log event ${event} ×${n}` });

  const report = {
    seed: SEED,
    lanes: LANES,
    updates: counts,
    replies: { telegram: tg.sent().length, zalo: zalo.sent().length },
    refusedForInvalidChat: refused.invalidChats,
    events: Object.fromEntries(
      [...events].filter(([k]) => /^(case\.|flow\.|group\.|emergency|flood|reply\.|conversation|outbox\.sent)/.test(k)).sort(),
    ),
    casesStored: await app.rt.store.cases.count(),
    casesByChannel: {
      telegram: await createModels(app.rt.db).case.countDocuments({ 'replyTo.channel': 'telegram' }),
      zalo: await createModels(app.rt.db).case.countDocuments({ 'replyTo.channel': 'zalo' }),
    },
    caseJobs: caseCounts,
    alertsToOfficers: tg.sent('100000001').length + tg.sent('100000003').length + tg.sent('100000004').length,
    feedMs: fedAt - STARTED,
    transientErrors: Object.fromEntries(transient),
    unhandledRejections: unhandled,
    uncaughtExceptions: uncaught,
    violationCount: violations.length,
    violations: violations.slice(0, 40),
  };
  await app.close();
  await Promise.all([tg.stop(), zalo.stop()]);
  // Anything that blew up during shutdown counts too.
  await new Promise((r) => setTimeout(r, 200));
  report.unhandledRejections = unhandled;
  report.uncaughtExceptions = uncaught;
  process.stdout.write(`FUZZ_REPORT ${JSON.stringify(report)}\n`);
}

function chatOfTelegram(update: unknown): string | undefined {
  const u = update as {
    message?: { chat?: { id?: unknown } };
    callback_query?: { message?: { chat?: { id?: unknown } }; from?: { id?: unknown } };
  } | null;
  const id = u?.message?.chat?.id ?? u?.callback_query?.message?.chat?.id ?? u?.callback_query?.from?.id;
  return typeof id === 'number' ? String(id) : undefined;
}

function where(s: string | undefined): { lane?: number; step?: number } {
  const m = /lane (\d+) step (\d+)/.exec(s ?? '');
  return m ? { lane: Number(m[1]), step: Number(m[2]) } : {};
}

function preview(s: unknown): string {
  return JSON.stringify(s)?.slice(0, 300) ?? String(s);
}

/** Send calls the emulator refused, split into chats that exist (a bug) and ids no chat can have. */
function refusedSends(tg: TelegramEmulator): { validChats: Map<string, number>; invalidChats: number } {
  const SENDS = new Set(['sendMessage', 'sendPhoto', 'sendVideo', 'sendVoice', 'sendDocument', 'sendLocation']);
  const asked = new Map<string, number>();
  let invalidChats = 0;
  for (const r of tg.requests) {
    if (!SENDS.has(r.method)) continue;
    const raw = String(r.params.chat_id);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) === 0) {
      invalidChats++;
      continue;
    }
    const chat = String(Number(raw));
    asked.set(chat, (asked.get(chat) ?? 0) + 1);
  }
  const validChats = new Map<string, number>();
  for (const [chat, n] of asked) {
    const delivered = tg.sent(chat).length;
    if (delivered < n) validChats.set(chat, n - delivered);
  }
  return { validChats, invalidChats };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`fuzz run failed: ${describe(err)}\n`);
    process.exit(1);
  },
);
