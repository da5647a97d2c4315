import { randomBytes } from 'node:crypto';
import { ConsoleChannel } from '../channels/console/console-channel';
import { ConsoleSender } from '../channels/console/console-sender';
import { UpdateInbox } from '../channels/inbox/update-inbox';
import { TelegramChannel } from '../channels/telegram/telegram-channel';
import { ZaloChannel } from '../channels/zalo/zalo-channel';
import { ConversationService } from '../conversations/conversation-service';
import type { Feature } from '../conversations/feature';
import type { ChannelName } from '../conversations/messages';
import type { HttpServer } from '../http/http-server';
import { QueueCaseIntake } from '../features/reporting/adapters/case-intake';
import { reporterIndexOf } from '../domain/reporter-index';
import { ChatLock } from '../redis/chat-lock';
import { RedisGuards } from '../redis/guards';
import { RedisProfiles } from '../redis/profiles';
import { RedisChatSlots } from '../redis/chat-slots';
import { migrateLegacyKeys } from '../redis/legacy-keys';
import { StoreDirectory } from '../store/directory';
import { createBroadcastFeature } from '../features/broadcast/wiring';
import { createFaqFeature } from '../features/faq/wiring';
import { createOfficerDeskFeature } from '../features/officer-desk/wiring';
import { createErasureFeature } from '../features/privacy/wiring';
import { createEnrolmentFeature } from '../features/enrolment/wiring';
import { createDashboard } from '../features/dashboard/wiring';
import { dashboardDesk } from './dashboard';
import { auditLog } from './audit';
import { RedisFaqMisses } from '../features/faq/adapters/faq-misses';
import type { Runtime } from './runtime';
import { StoreEvidenceKeeper } from './evidence-keeper';
import { HeldReplyQueue } from './held-reply-queue';
import { ChatPacer } from '../outbox/chat-pacer';
import { Telegram } from 'telegraf';
import type { MediaFetcher } from '../channels/media-fetch';
import { TelegramMediaFetcher } from '../channels/telegram/telegram-media';
import { ZaloMediaFetcher } from '../channels/zalo/zalo-media';

export interface BotHandle {
  service: ConversationService;
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  console?: ConsoleChannel;
  /** The platform channels updates come in by (for /readyz: src/app/readiness.ts). */
  receivers: { receiving: boolean }[];
  close(): Promise<void>;
}

/** Case and conversation ids: 16 random bytes, URL-safe, also valid as BullMQ job ids. */
export const newCaseId = () => randomBytes(12).toString('base64url');

export function createConversationService(
  rt: Runtime,
  deepLink: (channel: ChannelName, payload: string) => string | null,
  intake: QueueCaseIntake,
  features: Feature[] = [],
): ConversationService {
  const { config, log } = rt;
  const locks = new ChatLock(rt.redis, rt.hash);
  return new ConversationService({
    t: rt.t,
    slots: new RedisChatSlots(rt.redis, locks, rt.box, rt.hash),
    profiles: new RedisProfiles(rt.redis, rt.box, rt.hash),
    intake,
    directory: new StoreDirectory(rt.store, config.superadmins),
    guards: new RedisGuards(rt.redis, rt.hash, {
      floodPer10s: config.floodPer10s,
      groupPerMinute: config.groupFloodPerMinute,
      casesPerHour: config.casesPerHour,
    }),
    sealer: rt.box,
    reporterIndex: (channel, userId) => reporterIndexOf(rt.hash, channel, userId),
    limits: {
      maxTextLength: config.maxTextLength,
      maxAttachments: config.maxAttachments,
      idleMs: config.conversationIdleMs,
      storyJoinMs: config.storyJoinMs,
    },
    defaultLang: config.defaultLang,
    deepLink,
    newId: newCaseId,
    log: (event, fields) => log.info(fields ?? {}, event),
    features,
    locks,
    reader: rt.reader,
    evidence: new StoreEvidenceKeeper(rt.evidence, mediaFetchers(rt), log, config.evidence.maxBytes),
  });
}

/** How each configured platform gives up a resident's file (the console has none: its "photos" are typed names). */
function mediaFetchers(rt: Runtime): Partial<Record<ChannelName, MediaFetcher>> {
  const { telegram, zalo } = rt.config;
  return {
    ...(telegram ? { telegram: new TelegramMediaFetcher(new Telegram(telegram.token, { apiRoot: telegram.apiRoot }), telegram) } : {}),
    ...(zalo ? { zalo: new ZaloMediaFetcher(zalo.timeoutMs) } : {}),
  };
}

/** A platform's durable inbox (src/channels/inbox): updates are written there before the 200. */
export function newInbox(rt: Runtime, channel: ChannelName): UpdateInbox {
  const { config } = rt;
  return new UpdateInbox(rt.queueRedis, channel, rt.box, rt.log, {
    concurrency: config.inboxConcurrency,
    lockMs: config.workerLockMs,
    attempts: 3,
    backoffMs: config.jobBackoffMs,
  });
}

/**
 * The bot role: takes messages from every configured platform, runs the conversations and puts
 * confirmed cases on the queue. Stateless: conversation state, limits and dedup live in Redis.
 */
export async function startBot(
  rt: Runtime,
  http: HttpServer,
  opts: {
    onConsoleQuit?: () => void;
    /**
     * False for the dashboard role: the web dashboard and the actions it takes, without receiving
     * from any platform (no polling, no webhook, no console), so it can run and scale on its own.
     */
    receive?: boolean;
  } = {},
): Promise<BotHandle> {
  const receive = opts.receive !== false;
  const { config, log } = rt;
  // Keys written before Redis named chats by a keyed hash: moved, sealed, before any message is read.
  const legacy = await migrateLegacyKeys(rt.redis, rt.box, rt.hash);
  if (legacy > 0) log.info({ keys: legacy }, 'redis.legacy_keys_migrated');
  const intake = new QueueCaseIntake(rt.queueRedis, rt.refCodes, {
    attempts: config.jobAttempts,
    backoffMs: config.jobBackoffMs,
    box: rt.box,
  });
  let telegram: TelegramChannel | undefined;
  // Features beyond tips and mediation. Each declares what it answers (conversations/feature.ts) and
  // the service refuses two claims on one command or option at start-up, so this order decides nothing.
  const features: Feature[] = [];
  const audit = auditLog(rt);
  const officerDesk = createOfficerDeskFeature(rt, { audit: audit.desk });
  features.push(officerDesk.feature);
  const broadcast = createBroadcastFeature(rt, () => telegram);
  features.push(broadcast.feature, createFaqFeature(rt), createErasureFeature(rt), createEnrolmentFeature(rt));
  // The web dashboard (issue 17): `/dangnhap` here, its pages on this process's HTTP server.
  const dashboard = createDashboard(
    rt,
    http,
    dashboardDesk(officerDesk, () => service, rt.evidence),
    { audit: audit.dashboard, questions: new RedisFaqMisses(rt.redis) },
  );
  features.push(dashboard.feature);
  const service = createConversationService(
    rt,
    (channel, payload) => (channel === 'telegram' && telegram ? telegram.deepLink(payload) : null),
    intake,
    features,
  );

  if (config.telegram && receive) {
    const rate = config.telegram.ratePerSecond;
    const replyPacer = new ChatPacer(
      rt.redis,
      rt.hash,
      () => 0,
      (channel) => (channel === 'telegram' ? 1000 / rate : 0),
    );
    telegram = new TelegramChannel(
      {
        ...config.telegram,
        onPollingStopped: (code) => void rt.operators.notify('poller_stopped', { channel: 'telegram', code }),
        evidence: rt.evidence,
        evidenceGone: (lang) => rt.t(lang ?? 'vi', 'evidence.gone'),
        // The replies take the platform's slots as the outbox's sends do (src/outbox/chat-pacer.ts).
        replySlot: () => replyPacer.platformSlot('telegram'),
      },
      service,
      log,
      newInbox(rt, 'telegram'),
      rt.metrics,
    );
    await telegram.start(http);
  }
  // Zalo has no deep links (deepLink answers null for it): residents join with the group's code.
  let zalo: ZaloChannel | undefined;
  const heldReplies = new HeldReplyQueue(rt);
  if (config.zalo && receive) {
    zalo = new ZaloChannel(
      {
        ...config.zalo,
        onPollerStopped: (code) => void rt.operators.notify('poller_stopped', { channel: 'zalo', code }),
        evidenceLinks: rt.evidenceLinks,
        replyHold: heldReplies.hold('zalo'),
      },
      service,
      log,
      rt.t,
      newInbox(rt, 'zalo'),
      rt.zaloQuota,
      rt.metrics,
    );
    try {
      await zalo.start(http);
    } catch (err) {
      // Don't leave Telegram polling in a process that is about to exit on this error.
      await telegram?.stop();
      await intake.close();
      await heldReplies.close();
      throw err;
    }
  }
  let consoleChannel: ConsoleChannel | undefined;
  if (config.console && receive) {
    consoleChannel = new ConsoleChannel(
      service,
      new ConsoleSender(process.stdout, rt.t),
      { input: process.stdin, output: process.stdout },
      log,
      'group-kp1-to3',
      opts.onConsoleQuit,
    );
    consoleChannel.start();
  }
  log.info({ telegram: Boolean(telegram), zalo: Boolean(zalo), console: Boolean(consoleChannel) }, 'bot.started');
  return {
    service,
    telegram,
    zalo,
    console: consoleChannel,
    receivers: [telegram, zalo].filter((c) => c !== undefined),
    async close() {
      await telegram?.stop();
      await zalo?.stop();
      await consoleChannel?.stop();
      await broadcast.close();
      await officerDesk.close();
      await intake.close();
      await heldReplies.close();
    },
  };
}
