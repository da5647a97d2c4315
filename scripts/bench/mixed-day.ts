/**
 * A mixed day: one broadcast to BENCH_GROUPS (default 5,000) Telegram groups goes out at its
 * configured rate (TELEGRAM_BROADCAST_RATE_PER_SECOND = BENCH_BROADCAST_RATE, default 20, the app's
 * default, within the platform's TELEGRAM_RATE_PER_SECOND = BENCH_RATE, 25) while residents chat with the bot
 * (BENCH_MIXED_CHAT_RATE updates a second, default 3, filling drafts they never send) and send
 * tips (BENCH_MIXED_TIP_RATE a second, default 0.5: one officer's chat takes about one message a
 * second). The bot (`--role bot`, webhook mode) and the worker (`--role worker`) run as their own
 * compiled processes; the emulator enforces Telegram's limits (30 messages a second overall, 20 a
 * minute into a group, 1 a second into a chat) and the app paces itself as in production
 * (TELEGRAM_CHAT_INTERVAL_MS at its default). Reports the officer's alerts' latency from "Send"
 * while the broadcast is going out, the broadcast's achieved rate against the configured one, and
 * the 429s provoked.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { newCaseId } from '../../src/app/bot';
import { BroadcastQueue } from '../../src/features/broadcast/adapters/broadcast-queue';
import { QueueBroadcastDesk } from '../../src/features/broadcast/adapters/broadcast-desk';
import { BroadcastFence } from '../../src/features/broadcast/adapters/broadcast-fence';
import { startApp, testSettings } from '../../test/support/app-harness';
import { refCodeIn } from '../../test/support/telegram-driver';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { lanes, latencySummary, procMemory, round, sleep, stopChild, until } from './kit';
import { startRole } from './processes';
import { postUpdate, pressUpdate, tipDraftUpdates } from './webhook-feed';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 25);
const BROADCAST_RATE = Number(process.env.BENCH_BROADCAST_RATE ?? 20);
const CHAT_RATE = Number(process.env.BENCH_MIXED_CHAT_RATE ?? 3);
const TIP_RATE = Number(process.env.BENCH_MIXED_TIP_RATE ?? 0.5);
const OFFICER = '100000001';
/** How long a resident takes to answer the bot's next question. */
const THINK_MS = Number(process.env.BENCH_MIXED_THINK_MS ?? 2000);
const MARK = 'Thông báo thử nghiệm: cắt nước khu phố 1 từ 8 giờ đến 11 giờ sáng mai.';

async function main(): Promise<void> {
  const emu = new TelegramEmulator({ limits: { globalPerSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 3 } });
  await emu.start();
  const env = {
    ...testSettings(),
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_RATE_PER_SECOND: String(RATE),
    TELEGRAM_BROADCAST_RATE_PER_SECOND: String(BROADCAST_RATE),
    LOG_LEVEL: 'warn',
  };
  const seeder = await startApp(env, { roles: 'none' });
  process.stderr.write(`mixed day: registering ${GROUPS} groups…\n`);
  const groupId = (i: number) => String(-1_006_000_000_000 - i);
  await lanes(GROUPS, 16, async (i) => {
    await seeder.rt.store.groups.register('telegram', groupId(i), `Tổ dân phố ${i}`);
  });
  const bot = await startRole('bot', env);
  const worker = await startRole('worker', env);
  const queue = new BroadcastQueue(seeder.rt.queueRedis, { attempts: 12, backoffMs: 2000 });
  const desk = new QueueBroadcastDesk(seeder.rt.store, queue, new BroadcastFence(seeder.rt.redis));

  process.stderr.write(
    `mixed day: broadcast to ${GROUPS} groups at ${BROADCAST_RATE}/s (platform ${RATE}/s), ${CHAT_RATE} chat updates/s, ${TIP_RATE} tips/s…\n`,
  );
  const submittedAt = Date.now();
  await desk.submit({
    broadcastId: newCaseId(),
    sender: { channel: 'telegram', userId: '900', chatId: '900', role: 'superadmin', lang: 'vi' },
    audienceLabel: 'benchmark',
    targets: Array.from({ length: GROUPS }, (_, i) => ({ channel: 'telegram' as const, chatId: groupId(i), title: `Tổ dân phố ${i}` })),
    text: MARK,
  });
  const delivered = () => emu.sent().filter((m) => m.chat_id.startsWith('-1006') && (m.text ?? m.caption ?? '').includes(MARK));
  let broadcasting = true;
  const broadcastDone = until(
    () => new Set(delivered().map((m) => m.chat_id)).size >= GROUPS,
    Math.max(120_000, (GROUPS / BROADCAST_RATE) * 3000),
    1000,
  ).finally(() => (broadcasting = false));

  // Residents answer as people do, one answer every THINK_MS (a machine answering all seven at once
  // meets Telegram's one-message-a-second per chat with the replies, which no person does).
  // Chatting: CHAT_RATE updates a second in all, from residents filling drafts they never send.
  const chatting = (async () => {
    const lanes = Math.max(1, Math.round((CHAT_RATE * THINK_MS) / 1000));
    let resident = 5_000_000;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        await sleep((lane * THINK_MS) / lanes);
        while (broadcasting) {
          for (const u of tipDraftUpdates(resident++)) {
            if (!broadcasting) break;
            await postUpdate(bot.port, u);
            await sleep(THINK_MS);
          }
        }
      }),
    );
  })();
  // Tips: TIP_RATE residents a second start a tip, answer at the same pace and send it.
  const sendAt = new Map<string, number>();
  const tipping = (async () => {
    const tips: Promise<void>[] = [];
    for (let resident = 6_000_000; broadcasting; resident++) {
      tips.push(
        (async () => {
          for (const u of tipDraftUpdates(resident)) {
            await postUpdate(bot.port, u);
            await sleep(THINK_MS);
          }
          sendAt.set(String(resident), Date.now());
          await postUpdate(bot.port, pressUpdate(resident, 'nav:confirm'));
        })(),
      );
      await sleep(1000 / TIP_RATE);
    }
    await Promise.all(tips);
  })();
  const allDelivered = await broadcastDone;
  await Promise.all([chatting, tipping]);
  const allAlerted = await until(() => emu.sent(OFFICER).length >= sendAt.size, 120_000, 200);

  const codeOf = new Map<string, string>();
  for (const id of sendAt.keys()) {
    const code = emu
      .sent(id)
      .map((m) => refCodeIn(m.text))
      .find(Boolean);
    if (code) codeOf.set(code, id);
  }
  const latencies: number[] = [];
  for (const m of emu.sent(OFFICER)) {
    const resident = codeOf.get(refCodeIn(m.text) ?? '');
    if (resident) latencies.push(m.at - sendAt.get(resident)!);
  }
  const sent = delivered();
  const perGroup = new Map<string, number>();
  for (const m of sent) perGroup.set(m.chat_id, (perGroup.get(m.chat_id) ?? 0) + 1);
  const times = sent.map((m) => m.at).sort((a, b) => a - b);
  const achievedRate = ((sent.length - 1) / (times[times.length - 1] - times[0])) * 1000;
  // Everything else the platform carried while the broadcast went out (replies, alerts): what
  // the broadcast shares TELEGRAM_RATE_PER_SECOND with.
  const broadcastIds = new Set(sent);
  const others = emu.sent().filter((m) => !broadcastIds.has(m) && m.at >= times[0] && m.at <= times[times.length - 1]).length;
  const othersRate = (others / (times[times.length - 1] - times[0])) * 1000;
  const result = {
    name: 'mixed-day',
    groups: GROUPS,
    configuredRate: BROADCAST_RATE,
    platformRate: RATE,
    chatUpdatesPerSecond: CHAT_RATE,
    tipsPerSecond: TIP_RATE,
    allDelivered,
    delivered: perGroup.size,
    duplicated: [...perGroup.values()].filter((n) => n > 1).length,
    deliveryMs: times[times.length - 1] - submittedAt,
    achievedRate: round(achievedRate),
    achievedOverConfigured: round(achievedRate / BROADCAST_RATE, 3),
    otherMessagesPerSecond: round(othersRate),
    tooManyRequests: emu.stats.tooManyRequests,
    limited: emu.stats.limited,
    tips: sendAt.size,
    alerted: latencies.length,
    allAlerted,
    alertLatencyMs: latencySummary(latencies),
    memory: { botPeakMiB: procMemory(bot.child.pid!).peakMiB, workerPeakMiB: procMemory(worker.child.pid!).peakMiB },
  };
  await stopChild(bot.child);
  await stopChild(worker.child);
  await queue.close();
  await seeder.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`mixed-day benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
