import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { ZaloQuota } from '../channels/zalo/quota';
import type { Config } from '../config';
import type { Reader, Translate } from '../conversations/ports';
import { KeyedHash } from '../domain/keyed-hash';
import { loadUnderstander } from '../i18n/understanding';
import { SealedBox } from '../domain/sealed-box';
import { EvidenceLinks } from '../domain/evidence-link';
import { EvidenceRepository } from '../store/evidence/evidence.repository';
import { createTranslator } from '../i18n/translator';
import type { Logger } from '../logger';
import { createRedis, waitReady } from '../redis/connection';
import { CaseEvents } from '../redis/case-events';
import { RefCodeIssuer } from '../redis/ref-code-issuer';
import { Metrics } from '../metrics/metrics';
import { connectDatabase } from '../store/connection';
import { createStore, type Store } from '../store/models';
import { OperatorAlerts } from '../ops/operator-alerts';
import { OutboxProducer } from '../outbox/producer';

/** What both the bot and the worker need, opened once per process and closed on shutdown. */
export interface Runtime {
  config: Config;
  log: Logger;
  t: Translate;
  box: SealedBox;
  /** Names Redis keys (and the erasure index) after a chat without saying which (domain/keyed-hash.ts). */
  hash: KeyedHash;
  /** Commands answered while a resident waits: fail fast when Redis is away. */
  redis: IORedis;
  /** BullMQ queues and workers: keep retrying until Redis is back. */
  queueRedis: IORedis;
  db: Connection;
  store: Store;
  /** What residents' words mean, learned from the corpus once per process. */
  reader: Reader;
  /** Our sealed copies of residents' photos, videos and voice notes (issue 15). */
  evidence: EvidenceRepository;
  /** Signed links to them, for Zalo's sendPhoto; undefined without PUBLIC_BASE_URL. */
  evidenceLinks?: EvidenceLinks;
  /** Reference codes that never repeat (Redis counter, checked against the database). */
  refCodes: RefCodeIssuer;
  /** Zalo's monthly message count, shared by the bot's replies and the worker's outbox; with Zalo only. */
  zaloQuota?: ZaloQuota;
  /** This process's counters and histograms, served at /metrics (src/metrics). */
  metrics: Metrics;
  /** Tells the operators' chat what needs a person (src/ops); does nothing without OPERATOR_CHAT. */
  operators: OperatorAlerts;
  /** Cases stored and changed, heard by every dashboard process (Redis pub/sub). */
  caseEvents: CaseEvents;
  close(): Promise<void>;
}

/**
 * What a process does (`--role`): `bot` receives from the platforms and serves the dashboard,
 * `worker` runs the queues, `dashboard` serves only the web dashboard (scaled apart from the bot),
 * `all` is bot and worker in one process for a small deployment.
 */
export const ROLES = ['bot', 'worker', 'dashboard', 'all'] as const;
export type Role = (typeof ROLES)[number];

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const redis = createRedis(config.redisUrl, 'interactive', 'app');
  const queueRedis = createRedis(config.redisUrl, 'blocking', 'queues');
  await Promise.all([waitReady(redis), waitReady(queueRedis)]);
  const db = await connectDatabase(config.mongodbUri);
  const store = createStore(db, { lookupCacheMs: config.lookupCacheMs });
  const t = createTranslator();
  const box = new SealedBox([config.encryptionKey, ...config.oldEncryptionKeys]);
  const operators = new OperatorAlerts(
    queueRedis,
    new OutboxProducer(queueRedis, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs }),
    { t, box, log },
    config.operators,
  );
  if (!operators.enabled)
    log.warn('ops.no_operator_chat: set OPERATOR_CHAT so operators are told when a case reaches nobody or a service is down');
  const zaloQuota = config.zalo
    ? new ZaloQuota(redis, log, {
        limit: config.zalo.monthlyQuota,
        warnShare: config.zalo.quotaWarnShare,
        replyBackoffMs: config.zalo.replyBackoffMs,
      })
    : undefined;
  zaloQuota?.onWarning(async (w) => {
    await operators.notify('zalo_quota_warning', w);
  });
  const hash = new KeyedHash(config.keyHmacSecret);
  const caseEvents = new CaseEvents(redis, config.redisUrl);
  return {
    config,
    log,
    t,
    box,
    hash,
    evidence: new EvidenceRepository(db, box),
    evidenceLinks: config.evidence.publicBaseUrl
      ? new EvidenceLinks(hash, config.evidence.publicBaseUrl, config.evidence.linkTtlMs)
      : undefined,
    redis,
    queueRedis,
    db,
    store,
    reader: loadUnderstander(),
    refCodes: new RefCodeIssuer(redis, store),
    zaloQuota,
    metrics: new Metrics(),
    operators,
    caseEvents,
    async close() {
      caseEvents.close();
      await operators.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
