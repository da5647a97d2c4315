/**
 * Benchmark 2, conversation load: how many updates a second one bot process (`dist/main.js --role
 * bot`, compiled, webhook mode) handles while BENCH_CONVERSATIONS (default 10,000) conversations are in
 * progress, their drafts in Redis; against a bare telegraf bot that only replies
 * (scripts/bench/bare-telegraf.ts), on the same Telegram emulator, fed the same updates the same
 * way (HTTP POSTs to the webhook, BENCH_CONCURRENCY at a time). Memory is the bot process's
 * peak resident set (VmHWM).
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { startApp, testSettings } from '../../test/support/app-harness';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { inboxDrained } from '../../test/support/inbox';
import { freePort } from '../../test/support/own-services';
import { postUpdate, pressUpdate, textUpdate, WEBHOOK_SECRET } from './webhook-feed';
import { lanes, procMemory, round, sleep, spawnCompiled, stopChild, waitHttp } from './kit';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? process.env.BENCH_N ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** The old-space limit of the second run (MiB): above the bot's live heap, far below what V8 grows to. */
const CAPPED_OLD_SPACE_MIB = 64;
/** And the young generation's semi-spaces (V8 grows them to 16 MiB each under a high allocation rate). */
const CAPPED_SEMI_SPACE_MIB = 2;
/** POSTs `updates(i)` for every resident, CONCURRENCY at a time; returns updates per second. */
async function feed(
  port: number,
  count: number,
  updates: (i: number) => unknown[],
  /** Our bot answers 200 once an update is in its inbox: the clock stops when all are handled. */
  handled: () => Promise<void> = () => Promise.resolve(),
): Promise<{ updates: number; ms: number; perSecond: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  const t0 = Date.now();
  await lanes(count, CONCURRENCY, async (i) => {
    for (const u of updates(i)) {
      if (!(await postUpdate(port, u))) failed++;
      sent++;
    }
  });
  await handled();
  const ms = Date.now() - t0;
  return { updates: sent, ms, perSecond: round((sent / ms) * 1000), failed };
}

async function main(): Promise<void> {
  const emu = new TelegramEmulator();
  await emu.start();
  const settings = testSettings();
  // Seeds the ward and empties this Redis database; stays open so the database is dropped at the end.
  const seeder = await startApp(
    { ...settings, TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, LOG_LEVEL: 'warn' },
    { roles: 'none' },
  );
  /**
   * One bot process (compiled, `nodeFlags` before the script) opens CONVERSATIONS conversations
   * for residents from `firstResident`, then each answers two questions; the second feed is the
   * measure, its peak memory the process's.
   */
  async function oursOnce(firstResident: number, nodeFlags: string[]) {
    const residents = (i: number) => firstResident + i;
    const ourPort = await freePort();
    const ours = spawnCompiled(
      'app',
      ['--role', 'bot'],
      {
        ...settings,
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        HTTP_PORT: String(ourPort),
        HTTP_HOST: '127.0.0.1',
        FLOOD_MESSAGES_PER_10S: '1000000',
        // The bot's own work per update is measured, as the bare bot's is: replies unpaced (a rate
        // above 1,000/s is not paced), since at Telegram's 25/s the pacer, not the bot, would set the
        // pace (its rate is measured in the mixed day, with the emulator's limits on).
        TELEGRAM_RATE_PER_SECOND: '100000',
        CONSOLE_CHANNEL: 'false',
        LOG_LEVEL: 'warn',
      },
      'bot',
      nodeFlags,
    );
    await waitHttp(`http://127.0.0.1:${ourPort}/healthz`, 60_000);
    // Started and idle: what the process costs before any update (code, libraries, connections).
    await sleep(3000);
    const idleMiB = procMemory(ours.pid!).rssMiB;
    process.stderr.write(
      `conversations: ${nodeFlags.join(' ') || 'default heap'}: opening ${CONVERSATIONS} conversations (2 updates each)…\n`,
    );
    const drained = () => inboxDrained(seeder.rt.queueRedis, 'telegram', 120_000);
    const opened = await feed(
      ourPort,
      CONVERSATIONS,
      (i) => [textUpdate(residents(i), '/start tip_KP1TO3'), pressUpdate(residents(i), 'category:theft')],
      drained,
    );
    let drafts = 0;
    for (let cursor = '0', first = true; first || cursor !== '0'; first = false) {
      const [next, keys] = await seeder.rt.redis.scan(cursor, 'MATCH', 'chat:*', 'COUNT', 1000);
      cursor = next;
      drafts += keys.length;
    }
    process.stderr.write(`conversations: ${drafts} drafts in Redis; measuring 2 answers per conversation…\n`);
    const sentBefore = emu.sent().length;
    const measured = await feed(
      ourPort,
      CONVERSATIONS,
      (i) => [textUpdate(residents(i), `Hai thanh niên bẻ khóa xe máy số ${i}`), textUpdate(residents(i), 'Hẻm 45 Lê Lợi')],
      drained,
    );
    const repliesPerUpdate = round((emu.sent().length - sentBefore) / measured.updates, 2);
    const memory = procMemory(ours.pid!);
    await stopChild(ours);
    return { opened, drafts, measured: { ...measured, repliesPerUpdate, idleMiB, peakMiB: memory.peakMiB, rssAfterMiB: memory.rssMiB } };
  }

  const ours = await oursOnce(2_000_000, []);
  // The same again for other residents (the first ones' drafts stay open) with V8's old space
  // capped: whether the peak is live data or garbage V8 had not yet needed to collect.
  const capped = await oursOnce(3_000_000, [
    `--max-old-space-size=${CAPPED_OLD_SPACE_MIB}`,
    `--max-semi-space-size=${CAPPED_SEMI_SPACE_MIB}`,
  ]);

  /**
   * The bare telegraf bot fed the first run's residents and words after the same warm-up; with
   * `inbox`, with our durable inbox in front of it (scripts/bench/bare-telegraf.ts), drained as ours is.
   */
  async function bareOnce(inbox: boolean) {
    const residents = (i: number) => 2_000_000 + i;
    const barePort = await freePort();
    const bare = spawnCompiled(
      'bare-telegraf',
      [],
      {
        TELEGRAM_BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        HTTP_PORT: String(barePort),
        ...(inbox ? { BARE_INBOX_REDIS_URL: settings.REDIS_URL } : {}),
      },
      inbox ? 'bare+inbox' : 'bare',
    );
    await waitHttp(`http://127.0.0.1:${barePort}/healthz`, 60_000);
    process.stderr.write(
      `conversations: the same updates to a bare telegraf bot${inbox ? ' with our inbox' : ''} (after the same warm-up)…\n`,
    );
    const drained = inbox ? () => inboxDrained(seeder.rt.queueRedis, 'telegram', 120_000) : undefined;
    await feed(
      barePort,
      CONVERSATIONS,
      (i) => [textUpdate(residents(i), '/start tip_KP1TO3'), textUpdate(residents(i), 'category:theft')],
      drained,
    );
    const measured = await feed(
      barePort,
      CONVERSATIONS,
      (i) => [textUpdate(residents(i), `Hai thanh niên bẻ khóa xe máy số ${i}`), textUpdate(residents(i), 'Hẻm 45 Lê Lợi')],
      drained,
    );
    const memory = procMemory(bare.pid!);
    await stopChild(bare);
    return { ...measured, peakMiB: memory.peakMiB, rssAfterMiB: memory.rssMiB };
  }
  const bare = await bareOnce(false);
  const bareInbox = await bareOnce(true);

  const result = {
    name: 'conversations',
    conversations: CONVERSATIONS,
    concurrency: CONCURRENCY,
    draftsInRedis: ours.drafts,
    opening: ours.opened,
    ours: ours.measured,
    capped: { oldSpaceMiB: CAPPED_OLD_SPACE_MIB, semiSpaceMiB: CAPPED_SEMI_SPACE_MIB, ...capped.measured },
    bare,
    bareInbox,
    ratio: round(ours.measured.perSecond / bare.perSecond, 3),
    /** The inbox's share: the bare bot with it ÷ without it; and ours ÷ the bare bot with it. */
    inboxRatio: round(bareInbox.perSecond / bare.perSecond, 3),
    ratioBehindInbox: round(ours.measured.perSecond / bareInbox.perSecond, 3),
    redisUsedMiB: round(Number(/used_memory:(\d+)/.exec(await seeder.rt.redis.info('memory'))?.[1] ?? 0) / 2 ** 20),
  };
  await seeder.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`conversation benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
