import { z } from 'zod';
import { AppError } from './domain/app-error';

/**
 * The only reader of process.env. Everything the program can be told is named, typed and
 * validated here once at start, so a wrong setting stops the process with a message that says
 * which variable to fix instead of failing later in the middle of a resident's conversation.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const positiveInt = z.coerce.number().int().positive();

/** The contact key and the keys before it: the bot reads them, and so does scripts/admin rotate-key. */
export const contactKeys = z.object({
  /** 32 bytes, base64: encrypts tipsters' contact details and chat ids at rest. */
  CONTACT_ENCRYPTION_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'CONTACT_ENCRYPTION_KEY must be 32 bytes in base64 (openssl rand -base64 32)'),
  /** Keys used before CONTACT_ENCRYPTION_KEY, comma-separated: they only open what they sealed (after scripts/admin rotate-key has re-sealed everything with the newest, they can go). */
  CONTACT_ENCRYPTION_OLD_KEYS: csv
    .default('')
    .refine(
      (keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32),
      'CONTACT_ENCRYPTION_OLD_KEYS: each key must be 32 bytes in base64',
    ),
});

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REDIS_URL: z.string().url({ message: 'REDIS_URL must look like redis://host:6379' }),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URI must start with mongodb:// or mongodb+srv://'),
    ...contactKeys.shape,
    /** At least 32 bytes, base64: names Redis keys and the erasure index by a keyed hash of the chat instead of its id. */
    KEY_HMAC_SECRET: z
      .string()
      .refine(
        (s) => Buffer.from(s, 'base64').length >= 32,
        'KEY_HMAC_SECRET must be at least 32 bytes in base64 (openssl rand -base64 32)',
      ),
    /** Platform user ids (`telegram:123`, `zalo:abc`, `console:admin`) allowed to bind groups anywhere. */
    SUPERADMINS: csv.default(''),
    DEFAULT_LANG: z.enum(['vi', 'en']).default('vi'),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HTTP_HOST: z.string().default('0.0.0.0'),
    /** Bodies over this are refused with 413 before parsing, and the connection closed: an update is a few KB. */
    HTTP_MAX_BODY_BYTES: positiveInt.default(65_536),
    /** Open connections at most: stalled uploads cannot pile up past it. */
    HTTP_MAX_CONNECTIONS: positiveInt.default(256),
    /** Bearer token Prometheus sends to /metrics. Unset: /metrics answers only requests from a loopback address that no proxy forwarded. */
    METRICS_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9._~+/=-]{24,256}$/, 'METRICS_TOKEN: 24-256 characters of A-Z a-z 0-9 . _ ~ + / = - (openssl rand -hex 24)')
      .optional(),
    /** The dashboard's public base URL, used in the login links the bot sends; unset: http://127.0.0.1:<port>. */
    DASHBOARD_URL: z
      .string()
      .url()
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /**
     * Also offer Telegram's login button (login_url) with /dangnhap: only once the dashboard's
     * domain is linked to the bot with BotFather's /setdomain, or Telegram refuses the message.
     */
    DASHBOARD_TELEGRAM_LOGIN: bool.default('false'),
    /** A dashboard session not used for this long ends. */
    DASHBOARD_SESSION_IDLE_MINUTES: positiveInt.default(30),
    /** And every session ends this long after its login, used or not. */
    DASHBOARD_SESSION_MAX_HOURS: positiveInt.default(12),
    /** How often an open live-updates stream is re-checked (session, officer still active) and kept open through proxies. */
    DASHBOARD_LIVE_HEARTBEAT_SECONDS: positiveInt.default(25),
    /**
     * The map's tile server, as a Leaflet URL template (`https://{s}.tile.example.org/{z}/{x}/{y}.png`);
     * unset, the map draws the areas' outlines on a plain background. Its origin joins the CSP's img-src.
     */
    DASHBOARD_TILE_URL: z
      .string()
      .regex(
        /^https?:\/\/(\{s\}\.)?[A-Za-z0-9.-]+(:\d+)?\/[^\s"'<>]*$/,
        'DASHBOARD_TILE_URL must be an http(s) URL template such as https://{s}.tile.example.org/{z}/{x}/{y}.png',
      )
      .refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'DASHBOARD_TILE_URL must contain {z}, {x} and {y}')
      .optional(),
    /** Shown on the map with the tiles, as the tile server's terms ask (e.g. © OpenStreetMap contributors). */
    DASHBOARD_TILE_ATTRIBUTION: z.string().max(500).optional(),

    /** The queue UI (bull-board, /queues) opens to these credentials (HTTP Basic); unset, it is off. */
    QUEUE_UI_USER: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'QUEUE_UI_USER: 1-64 characters of A-Z a-z 0-9 . _ -')
      .optional(),
    QUEUE_UI_PASSWORD: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, 'QUEUE_UI_PASSWORD: 16-256 printable characters without spaces (openssl rand -hex 16)')
      .optional(),

    TELEGRAM_BOT_TOKEN: z.string().optional(),
    TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
    /** Set to receive updates by webhook (production); unset, the bot long-polls. */
    TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET: 16-256 characters of A-Z a-z 0-9 _ -')
      .optional(),
    /** Telegram: ~30 messages/s per bot overall, ~20/min into one group, ~1/s into one chat. */
    TELEGRAM_RATE_PER_SECOND: positiveInt.default(25),
    /**
     * Broadcast deliveries' own rate, below TELEGRAM_RATE_PER_SECOND: the rest of the platform's
     * rate is left to the bot's replies and the officers' alerts, which share it.
     */
    TELEGRAM_BROADCAST_RATE_PER_SECOND: positiveInt.default(20),
    TELEGRAM_GROUP_PER_MINUTE: positiveInt.default(18),
    /** Spacing between messages into one private chat (Telegram allows about one a second). */
    TELEGRAM_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),

    ZALO_BOT_TOKEN: z
      .string()
      .regex(/^[^:\s]+:[^\s]+$/, 'ZALO_BOT_TOKEN has the form <bot_id>:<secret>')
      .optional(),
    ZALO_API_BASE: z.string().url().default('https://bot-api.zaloplatforms.com'),
    ZALO_WEBHOOK_URL: z.string().url().optional(),
    ZALO_WEBHOOK_SECRET: z.string().min(8).max(256).optional(),
    /** Zalo publishes no limits: keep this modest and raise it only after watching for errors. */
    ZALO_RATE_PER_SECOND: positiveInt.default(5),
    /** Spacing between messages into one Zalo chat. */
    ZALO_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    /** How long one Zalo API call may take before it counts as failed (and is retried by the queue). */
    ZALO_TIMEOUT_MS: positiveInt.default(15_000),
    /** How long the Zalo outbox pauses after a 429, which on Zalo means a spent quota (no wait is given). */
    ZALO_QUOTA_BACKOFF_MS: positiveInt.default(15 * 60_000),
    /** Messages a month the Zalo plan allows (Basic: about 3,000); counted in Redis, shown in /readyz. */
    ZALO_MONTHLY_QUOTA: positiveInt.default(3000),
    /** Share of the monthly quota at which the operators are warned, once a month (zalo.quota_warning). */
    ZALO_QUOTA_WARN_SHARE: z.coerce.number().gt(0).max(1).default(0.8),
    /** How long replies in chat are held after Zalo's quota 429, so officers' alerts get what is left. */
    ZALO_REPLY_BACKOFF_MS: positiveInt.default(60 * 60_000),
    /** Replies held back by the quota are sent once it is back, unless older than this (then dropped and counted). */
    ZALO_HELD_REPLY_MAX_AGE_MS: positiveInt.default(24 * 60 * 60_000),

    /** Force the terminal channel even when tokens are set (development). */
    CONSOLE_CHANNEL: bool.optional(),
    /** Minutes of silence after which an unfinished conversation is dropped (politely). */
    CONVERSATION_IDLE_MINUTES: positiveInt.default(30),
    /** Flood limits: messages per user per 10 s before the bot asks them to slow down. */
    FLOOD_MESSAGES_PER_10S: positiveInt.default(12),
    /** Commands one group may send the bot per minute, all members together, before it goes quiet there. */
    GROUP_FLOOD_PER_MINUTE: positiveInt.default(20),
    /** Cases one person may submit per hour, so nobody can fill the database. */
    CASES_PER_USER_PER_HOUR: positiveInt.default(10),
    /**
     * Flood caps on what reaches officers (issue 14, point 11): beyond this many new cases of one area
     * in a clock hour, or this many alerts to one officer, further alerts wait for one digest at the
     * end of the hour. Cases are always stored, and every alert goes out, one way or the other.
     */
    CASES_PER_AREA_PER_HOUR: positiveInt.default(30),
    ALERTS_PER_OFFICER_PER_HOUR: positiveInt.default(40),
    MAX_TEXT_LENGTH: positiveInt.default(3000),
    /** A text this soon after a piece of the story adds to it (a story told in several messages); 0 = off. */
    STORY_JOIN_MS: z.coerce.number().int().min(0).default(8_000),
    MAX_ATTACHMENTS: positiveInt.default(10),
    /** The largest photo, video or voice note the evidence store keeps, in bytes (Telegram's getFile serves at most 20 MB). */
    EVIDENCE_MAX_BYTES: positiveInt.max(20 * 1024 * 1024).default(10 * 1024 * 1024),
    /** Where this server is reached from outside (https://bot.example.vn): Zalo fetches our copy of a photo from `<it>/evidence/<id>?exp=&sig=`. Unset: Zalo officers get a line instead of the photo. */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** How long a signed evidence link works, in minutes (Zalo fetches a photo at once; a voice note's link is tapped later). */
    EVIDENCE_LINK_MINUTES: positiveInt.default(24 * 60),
    /** Attempts for queue jobs before they are kept as failed for the operator. */
    JOB_ATTEMPTS: positiveInt.default(12),
    JOB_BACKOFF_MS: positiveInt.default(2000),
    /** How long a worker holds a job before another worker may take it over (a crashed worker's jobs resume after this). */
    WORKER_LOCK_MS: positiveInt.default(30_000),
    /** After SIGTERM, how long the process may drain (finish handling, close queues) before it exits anyway. Compose's stop_grace_period is set above it. */
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(20_000),
    /** Platform updates one bot process handles at once from its inbox (src/channels/inbox). */
    INBOX_CONCURRENCY: positiveInt.default(8),
    /** How long a process remembers areas, officers and groups it looked up: an operator's change reaches a running process within this. 0 turns it off. */
    LOOKUP_CACHE_MS: z.coerce.number().int().min(0).default(15_000),

    /** The operators' chat (`telegram:<chatId>` or `zalo:<chatId>`): told when a case reaches nobody, a job fails for good, a poller stops, the database or Redis is away (src/ops). Empty: nobody is told. */
    OPERATOR_CHAT: z
      .string()
      .regex(/^(telegram|zalo):[^\s]{1,64}$/, 'OPERATOR_CHAT has the form telegram:<chatId> or zalo:<chatId>')
      .optional(),
    /** The language of the operators' messages. */
    OPERATOR_LANG: z.enum(['vi', 'en']).default('vi'),
    /** One message per kind of trouble (and per queue, platform...) within this window: an outage is one message, its recovery another. */
    OPERATOR_ALERT_WINDOW_MINUTES: z.coerce.number().positive().default(30),
    /** How long the database or Redis must be unreachable before the operators are told. */
    OPERATOR_OUTAGE_SECONDS: z.coerce.number().positive().default(60),

    /** Officer desk: minutes a new case waits for acknowledgement before it goes to the supervisor, then a level up (fractions allowed). */
    ESCALATE_URGENT_MINUTES: z.coerce.number().positive().default(15),
    ESCALATE_NORMAL_MINUTES: z.coerce.number().positive().default(240),
    /** Hotspot (điểm nóng): this many cases of one category in one area within the window alert the supervisor once. */
    HOTSPOT_THRESHOLD: positiveInt.default(3),
    HOTSPOT_WINDOW_DAYS: z.coerce.number().positive().default(7),
    /** How long a tipster's next message counts as the answer to an officer's question. */
    RELAY_ANSWER_HOURS: z.coerce.number().positive().default(72),
    /** Questions officers may ask a tipster about one case, all together. */
    RELAY_QUESTIONS_PER_CASE: positiveInt.default(5),
    /** No question to a tipster this many days after their last message about the case (the report or an answer). */
    RELAY_CLOSE_DAYS: z.coerce.number().positive().default(30),

    /** Retention: a case closed this many days ago loses its words, place, media, contact and chat (statistics stay). */
    RETENTION_CLOSED_CASE_DAYS: z.coerce.number().positive().default(180),
    /** When the daily retention run starts: a cron pattern in RETENTION_TIME_ZONE. */
    RETENTION_CRON: z
      .string()
      .regex(/^\S+( \S+){4,5}$/, 'RETENTION_CRON is a cron pattern of 5 or 6 fields, e.g. "30 3 * * *"')
      .default('30 3 * * *'),
    RETENTION_TIME_ZONE: z.string().default('Asia/Ho_Chi_Minh'),
    /** The audit log (dashboard logins, exports, staff actions) keeps an event this many days, then the daily run deletes it. */
    AUDIT_RETENTION_DAYS: z.coerce.number().positive().default(365),
  })
  .superRefine((c, ctx) => {
    if (Buffer.from(c.KEY_HMAC_SECRET, 'base64').equals(Buffer.from(c.CONTACT_ENCRYPTION_KEY, 'base64'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEY_HMAC_SECRET'],
        message: 'must not be the contact encryption key: use a secret of its own',
      });
    }
    // The console channel reads a terminal: in a container there is none, so a production process
    // without a platform token would start as the console, see its input end, exit and be restarted
    // forever. Refuse it with a message an operator can act on instead.
    if (c.NODE_ENV === 'production' && (c.CONSOLE_CHANNEL ?? (!c.TELEGRAM_BOT_TOKEN && !c.ZALO_BOT_TOKEN))) {
      ctx.addIssue({
        code: 'custom',
        path: c.CONSOLE_CHANNEL ? ['CONSOLE_CHANNEL'] : ['TELEGRAM_BOT_TOKEN'],
        message: c.CONSOLE_CHANNEL
          ? 'must not be set with NODE_ENV=production: the console channel is for development'
          : 'or ZALO_BOT_TOKEN is required with NODE_ENV=production (without one the bot would run the console channel, which is for development)',
      });
    }
    if (Boolean(c.QUEUE_UI_USER) !== Boolean(c.QUEUE_UI_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.QUEUE_UI_USER ? 'QUEUE_UI_PASSWORD' : 'QUEUE_UI_USER'],
        message: 'is needed with the other: the queue UI opens to both or is off',
      });
    }
    // The operators' messages go out on that platform's outbox: without its token nothing would send them.
    const opsChannel = c.OPERATOR_CHAT?.split(':')[0];
    if ((opsChannel === 'telegram' && !c.TELEGRAM_BOT_TOKEN) || (opsChannel === 'zalo' && !c.ZALO_BOT_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPERATOR_CHAT'],
        message: `names a ${opsChannel} chat, but ${opsChannel === 'telegram' ? 'TELEGRAM_BOT_TOKEN' : 'ZALO_BOT_TOKEN'} is not set`,
      });
    }
    if (c.DASHBOARD_TELEGRAM_LOGIN && !c.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['DASHBOARD_TELEGRAM_LOGIN'],
        message: 'needs TELEGRAM_BOT_TOKEN (the login is signed with it)',
      });
    }
    if (c.DASHBOARD_TILE_URL && !c.DASHBOARD_TILE_ATTRIBUTION) {
      ctx.addIssue({
        code: 'custom',
        path: ['DASHBOARD_TILE_ATTRIBUTION'],
        message: "is required with DASHBOARD_TILE_URL: tile servers' terms ask for it on the map",
      });
    }
    if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (c.ZALO_WEBHOOK_URL && !c.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['ZALO_WEBHOOK_SECRET'], message: 'is required when ZALO_WEBHOOK_URL is set' });
    }
  });

export type Config = ReturnType<typeof toConfig>;

function toConfig(e: z.infer<typeof schema>) {
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    mongodbUri: e.MONGODB_URI,
    encryptionKey: Buffer.from(e.CONTACT_ENCRYPTION_KEY, 'base64'),
    oldEncryptionKeys: e.CONTACT_ENCRYPTION_OLD_KEYS.map((k) => Buffer.from(k, 'base64')),
    keyHmacSecret: Buffer.from(e.KEY_HMAC_SECRET, 'base64'),
    superadmins: e.SUPERADMINS,
    defaultLang: e.DEFAULT_LANG,
    http: { port: e.HTTP_PORT, host: e.HTTP_HOST, maxBodyBytes: e.HTTP_MAX_BODY_BYTES, maxConnections: e.HTTP_MAX_CONNECTIONS },
    metrics: { token: e.METRICS_TOKEN },
    queueUi: e.QUEUE_UI_USER && e.QUEUE_UI_PASSWORD ? { user: e.QUEUE_UI_USER, password: e.QUEUE_UI_PASSWORD } : undefined,
    dashboard: {
      url: e.DASHBOARD_URL,
      telegramLogin: e.DASHBOARD_TELEGRAM_LOGIN,
      idleMs: e.DASHBOARD_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.DASHBOARD_SESSION_MAX_HOURS * 3_600_000,
      liveHeartbeatMs: e.DASHBOARD_LIVE_HEARTBEAT_SECONDS * 1000,
      tiles: e.DASHBOARD_TILE_URL
        ? { url: e.DASHBOARD_TILE_URL, attribution: e.DASHBOARD_TILE_ATTRIBUTION ?? '', origin: tileOrigin(e.DASHBOARD_TILE_URL) }
        : undefined,
    },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          ratePerSecond: e.TELEGRAM_RATE_PER_SECOND,
          broadcastRatePerSecond: Math.min(e.TELEGRAM_BROADCAST_RATE_PER_SECOND, e.TELEGRAM_RATE_PER_SECOND),
          groupPerMinute: e.TELEGRAM_GROUP_PER_MINUTE,
          chatIntervalMs: e.TELEGRAM_CHAT_INTERVAL_MS,
        }
      : undefined,
    zalo: e.ZALO_BOT_TOKEN
      ? {
          token: e.ZALO_BOT_TOKEN,
          apiBase: e.ZALO_API_BASE,
          webhookUrl: e.ZALO_WEBHOOK_URL,
          webhookSecret: e.ZALO_WEBHOOK_SECRET,
          ratePerSecond: e.ZALO_RATE_PER_SECOND,
          chatIntervalMs: e.ZALO_CHAT_INTERVAL_MS,
          timeoutMs: e.ZALO_TIMEOUT_MS,
          quotaBackoffMs: e.ZALO_QUOTA_BACKOFF_MS,
          monthlyQuota: e.ZALO_MONTHLY_QUOTA,
          quotaWarnShare: e.ZALO_QUOTA_WARN_SHARE,
          replyBackoffMs: e.ZALO_REPLY_BACKOFF_MS,
          heldReplyMaxAgeMs: e.ZALO_HELD_REPLY_MAX_AGE_MS,
        }
      : undefined,
    /** With no platform token the terminal channel is the way in (development, demos). */
    console: e.CONSOLE_CHANNEL ?? (!e.TELEGRAM_BOT_TOKEN && !e.ZALO_BOT_TOKEN),
    conversationIdleMs: e.CONVERSATION_IDLE_MINUTES * 60_000,
    floodPer10s: e.FLOOD_MESSAGES_PER_10S,
    groupFloodPerMinute: e.GROUP_FLOOD_PER_MINUTE,
    casesPerHour: e.CASES_PER_USER_PER_HOUR,
    alertCaps: { casesPerAreaPerHour: e.CASES_PER_AREA_PER_HOUR, alertsPerOfficerPerHour: e.ALERTS_PER_OFFICER_PER_HOUR },
    maxTextLength: e.MAX_TEXT_LENGTH,
    storyJoinMs: e.STORY_JOIN_MS,
    maxAttachments: e.MAX_ATTACHMENTS,
    evidence: {
      maxBytes: e.EVIDENCE_MAX_BYTES,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      linkTtlMs: e.EVIDENCE_LINK_MINUTES * 60_000,
    },
    jobAttempts: e.JOB_ATTEMPTS,
    jobBackoffMs: e.JOB_BACKOFF_MS,
    workerLockMs: e.WORKER_LOCK_MS,
    inboxConcurrency: e.INBOX_CONCURRENCY,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    lookupCacheMs: e.LOOKUP_CACHE_MS,
    operators: {
      chat: e.OPERATOR_CHAT
        ? { channel: e.OPERATOR_CHAT.split(':')[0] as 'telegram' | 'zalo', chatId: e.OPERATOR_CHAT.slice(e.OPERATOR_CHAT.indexOf(':') + 1) }
        : undefined,
      lang: e.OPERATOR_LANG,
      windowMs: Math.round(e.OPERATOR_ALERT_WINDOW_MINUTES * 60_000),
      outageMs: Math.round(e.OPERATOR_OUTAGE_SECONDS * 1000),
    },
    officerDesk: {
      escalation: { urgentMs: e.ESCALATE_URGENT_MINUTES * 60_000, normalMs: e.ESCALATE_NORMAL_MINUTES * 60_000 },
      hotspot: { threshold: e.HOTSPOT_THRESHOLD, windowMs: e.HOTSPOT_WINDOW_DAYS * 86_400_000 },
      relayTtlSeconds: Math.ceil(e.RELAY_ANSWER_HOURS * 3600),
      relayBounds: { questionsPerCase: e.RELAY_QUESTIONS_PER_CASE, idleMs: e.RELAY_CLOSE_DAYS * 86_400_000 },
    },
    retention: {
      closedCaseMs: e.RETENTION_CLOSED_CASE_DAYS * 86_400_000,
      cron: e.RETENTION_CRON,
      timeZone: e.RETENTION_TIME_ZONE,
      auditMs: e.AUDIT_RETENTION_DAYS * 86_400_000,
    },
  };
}

export class ConfigError extends AppError {}

/** Reads and validates the environment; throws ConfigError listing every bad variable at once. */
/** The tile server's origin as a CSP source: `{s}` (Leaflet's subdomains a, b, c) becomes a `*.` wildcard. */
function tileOrigin(template: string): string {
  const origin = /^https?:\/\/[^/]+/.exec(template)![0];
  return origin.replace('{s}.', '*.');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration; fix these environment variables (see .env.example):\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data);
}
