import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBot, type BotHandle } from '../../src/app/bot';
import { openRuntime, type Runtime } from '../../src/app/runtime';
import { createSenders } from '../../src/app/senders';
import { startWorkers, type WorkerHandle } from '../../src/app/worker';
import { loadConfig } from '../../src/config';
import { KeyedHash } from '../../src/domain/keyed-hash';
import { addOperationsRoutes } from '../../src/app/operations-routes';
import { startOutageWatch } from '../../src/app/operations';
import { HttpServer } from '../../src/http/http-server';
import { createLogger } from '../../src/logger';
import { RedisChatSlots } from '../../src/redis/chat-slots';
import { ChatLock } from '../../src/redis/chat-lock';
import { slotKey, type SlotValue } from '../../src/conversations/chat-slot';
import type { ChannelName } from '../../src/conversations/messages';
import { loadSeed } from '../../src/store/seed';

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
/** The test deployment's KEY_HMAC_SECRET: tests name Redis keys with it as the app does. */
export const TEST_HMAC_SECRET = Buffer.alloc(32, 9).toString('base64');
export const TEST_HASH = new KeyedHash(Buffer.from(TEST_HMAC_SECRET, 'base64'));

export interface AppHarness {
  rt: Runtime;
  bot?: BotHandle;
  workers?: WorkerHandle;
  http: HttpServer;
  port: number;
  /** Every log line the app wrote, as JSON text: tests scan it for personal data. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real application (bot and/or worker roles) against the Redis and database that
 * scripts/services started: its own database, and its own Redis database number per jest worker
 * (flushed first), so test files running in parallel never share queues or conversations.
 * `env` adds or overrides settings, exactly as the environment would in production.
 */
/** The settings of a test app: its own database, and this jest worker's Redis database. */
export function testSettings(): Record<string, string> {
  const redisBase = process.env.REDIS_URL;
  const mongoBase = process.env.MONGODB_URI;
  if (!redisBase || !mongoBase)
    throw new Error('REDIS_URL and MONGODB_URI are not set: run tests through `npm test` (scripts/services starts them)');
  const redisUrl = new URL(redisBase);
  redisUrl.pathname = `/${Number(process.env.JEST_WORKER_ID ?? 1) % 16}`;
  const mongoUrl = new URL(mongoBase);
  mongoUrl.pathname = `/t_${randomBytes(5).toString('hex')}`;
  return {
    REDIS_URL: redisUrl.toString(),
    MONGODB_URI: mongoUrl.toString(),
    CONTACT_ENCRYPTION_KEY: TEST_KEY,
    KEY_HMAC_SECRET: TEST_HMAC_SECRET,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    CONSOLE_CHANNEL: 'false',
    LOG_LEVEL: 'info',
    JOB_BACKOFF_MS: '100',
    // The emulated residents answer in milliseconds, faster than any person: each answer would
    // otherwise be read as more of the story just told. The story tests turn it on.
    STORY_JOIN_MS: '0',
    // Load and crash tests send hundreds of cases to one officer within the hour: the flood caps
    // would gather them into a digest. test/e2e/flood-caps.test.ts sets them low.
    CASES_PER_AREA_PER_HOUR: '100000',
    ALERTS_PER_OFFICER_PER_HOUR: '100000',
  };
}

/**
 * The real application (bot and/or worker roles) against the Redis and database that
 * scripts/services started, with `testSettings()` unless `env` overrides them (as the environment
 * would in production). `fresh` (default) empties this worker's Redis database first, so test
 * files never share queues or conversations; pass the same MONGODB_URI and fresh: false to start
 * a second process on the same data (a restart after a crash).
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  opts: { roles?: 'bot' | 'worker' | 'dashboard' | 'all' | 'none'; seed?: boolean; fresh?: boolean } = {},
): Promise<AppHarness> {
  const config = loadConfig({ ...testSettings(), ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger(config.logLevel, sink, { role: opts.roles ?? 'all' });
  const rt = await openRuntime(config, log);
  if (opts.fresh !== false) await rt.redis.flushdb();
  const outages = startOutageWatch(rt);
  if (opts.seed !== false)
    await loadSeed(rt.store, JSON.parse(readFileSync(join(__dirname, '..', '..', 'scripts', 'seed-data', 'ward.json'), 'utf8')));
  const http = new HttpServer(config.http, log);
  const roles = opts.roles ?? 'all';
  // As main.ts wires them, so /readyz and /metrics here are the ones operators get.
  const started: { bot?: BotHandle; workers?: WorkerHandle; stopping: boolean } = { stopping: false };
  const operations = addOperationsRoutes(http, rt, {
    role: roles,
    stopping: () => started.stopping,
    channels: () => started.bot?.receivers,
    workers: () => started.workers?.workers,
  });
  const workers = (started.workers = roles === 'worker' || roles === 'all' ? startWorkers(rt, createSenders(rt)) : undefined);
  const bot = (started.bot =
    roles === 'bot' || roles === 'all' || roles === 'dashboard' ? await startBot(rt, http, { receive: roles !== 'dashboard' }) : undefined);
  const port = await http.start();
  return {
    rt,
    bot,
    workers,
    http,
    port,
    logs,
    async close() {
      started.stopping = true;
      await bot?.close();
      await workers?.close();
      await http.stop();
      await operations.close();
      outages.stop();
      if (opts.fresh !== false) await rt.db.dropDatabase().catch(() => undefined);
      await rt.close();
    },
  };
}

/** A chat's conversation slot as the app stored it (sealed, under a hashed key), opened. */
export function readSlot(rt: Runtime, channel: ChannelName, chatId: string | number): Promise<SlotValue | null> {
  return new RedisChatSlots(rt.redis, new ChatLock(rt.redis, rt.hash), rt.box, rt.hash).load(slotKey(channel, String(chatId)));
}
