/**
 * Benchmark 3, broadcast: one broadcast to BENCH_GROUPS (default 5,000) Telegram groups, put on
 * the queue the way the bot does it (QueueBroadcastDesk), fanned out and delivered by a worker
 * process (`dist/main.js --role worker`, compiled) at the configured rate TELEGRAM_RATE_PER_SECOND
 * (BENCH_RATE, default 25, the app's default) into the Telegram emulator with Telegram's limits on
 * (30 messages/s overall, 20/min per group). Reports the achieved rate against the configured one,
 * the 429s provoked, and the delivery time against the ideal groups ÷ rate.
 *
 * Prints `BENCH_RESULT <json>` last. Run through scripts/bench/run.
 */
import { newCaseId } from '../../src/app/bot';
import { BroadcastQueue } from '../../src/features/broadcast/adapters/broadcast-queue';
import { QueueBroadcastDesk } from '../../src/features/broadcast/adapters/broadcast-desk';
import { BroadcastFence } from '../../src/features/broadcast/adapters/broadcast-fence';
import { startApp, testSettings } from '../../test/support/app-harness';
import { freePort } from '../../test/support/own-services';
import { TelegramEmulator } from '../../test/support/telegram-emulator';
import { lanes, procMemory, round, spawnCompiled, stopChild, until, waitHttp } from './kit';

const GROUPS = Number(process.env.BENCH_GROUPS ?? process.env.BENCH_BROADCAST_N ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 25);
const MARK = 'Thông báo thử nghiệm: cắt điện khu phố 1 từ 8 giờ đến 11 giờ sáng mai.';

async function main(): Promise<void> {
  const emu = new TelegramEmulator({ limits: { globalPerSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 1 } });
  await emu.start();
  const settings = testSettings();
  const env = {
    ...settings,
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    // The broadcast alone: it may have the platform's whole rate.
    TELEGRAM_RATE_PER_SECOND: String(RATE),
    TELEGRAM_BROADCAST_RATE_PER_SECOND: String(RATE),
    LOG_LEVEL: 'warn',
  };
  const app = await startApp(env, { roles: 'none' });

  process.stderr.write(`broadcast: registering ${GROUPS} groups…\n`);
  const groupId = (i: number) => String(-1_005_000_000_000 - i);
  await lanes(GROUPS, 16, async (i) => {
    await app.rt.store.groups.register('telegram', groupId(i), `Tổ dân phố ${i}`);
  });

  const port = await freePort();
  const worker = spawnCompiled('app', ['--role', 'worker'], { ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' }, 'worker');
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  const queue = new BroadcastQueue(app.rt.queueRedis, { attempts: 12, backoffMs: 2000 });
  const desk = new QueueBroadcastDesk(app.rt.store, queue, new BroadcastFence(app.rt.redis));

  process.stderr.write(`broadcast: sending to ${GROUPS} groups at ${RATE}/s configured…\n`);
  const submittedAt = Date.now();
  await desk.submit({
    broadcastId: newCaseId(),
    sender: { channel: 'telegram', userId: '900', chatId: '900', role: 'superadmin', lang: 'vi' },
    audienceLabel: 'benchmark',
    targets: Array.from({ length: GROUPS }, (_, i) => ({ channel: 'telegram' as const, chatId: groupId(i), title: `Tổ dân phố ${i}` })),
    text: MARK,
  });
  const delivered = () => emu.sent().filter((m) => m.chat_id.startsWith('-1005') && (m.text ?? m.caption ?? '').includes(MARK));
  const done = await until(
    () => new Set(delivered().map((m) => m.chat_id)).size >= GROUPS,
    Math.max(120_000, (GROUPS / RATE) * 3000),
    1000,
  );
  await until(() => emu.sent('900').length > 0, 30_000, 500);
  const workerMemory = procMemory(worker.pid!);
  await stopChild(worker);

  const sent = delivered();
  const perGroup = new Map<string, number>();
  for (const m of sent) perGroup.set(m.chat_id, (perGroup.get(m.chat_id) ?? 0) + 1);
  const times = sent.map((m) => m.at).sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  const result = {
    name: 'broadcast',
    groups: GROUPS,
    configuredRate: RATE,
    platformLimit: 30,
    allDelivered: done,
    delivered: perGroup.size,
    duplicated: [...perGroup.values()].filter((n) => n > 1).length,
    tooManyRequests: emu.stats.tooManyRequests,
    firstDeliveryMs: first - submittedAt,
    deliveryMs: last - submittedAt,
    idealMs: Math.round((GROUPS / RATE) * 1000),
    achievedRate: round(((sent.length - 1) / (last - first)) * 1000),
    achievedOverConfigured: round((((sent.length - 1) / (last - first)) * 1000) / RATE, 3),
    reportToSender: emu.sent('900').length > 0,
    workerPeakMiB: workerMemory.peakMiB,
  };
  await queue.close();
  await app.close();
  await emu.stop();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`broadcast benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
