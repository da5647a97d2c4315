import type IORedis from 'ioredis';
import type { Logger } from '../../logger';

/**
 * Zalo's monthly message quota, as the bot sees it. Zalo's Basic plan allows about 3,000 messages
 * a month and answers 429 "Quota exceeded" (with no time to wait) once they are spent, and it
 * offers no call to read the count. So every message the bot sends on Zalo (replies, alerts,
 * notices, broadcasts: each sendMessage and sendPhoto) is counted here, in Redis, shared by every
 * bot and worker process, under one key per calendar month.
 *
 * The month is Vietnam's (UTC+7): Zalo does not say when its month turns over, and Vietnam's
 * calendar is the nearest guess; the count is a guide for the operator, not Zalo's own figure.
 */

export interface ZaloQuotaOptions {
  /** Messages a month the plan allows (ZALO_MONTHLY_QUOTA). */
  limit: number;
  /** Share of `limit` at which the operators are warned, once a month (ZALO_QUOTA_WARN_SHARE). */
  warnShare: number;
  /** How long replies in chat stay held after Zalo's quota 429 (ZALO_REPLY_BACKOFF_MS). */
  replyBackoffMs: number;
  /** The clock (tests). */
  now?: () => number;
}

/** What the operators are told when the share is passed: counts only, never a chat or a word. */
export interface ZaloQuotaWarning {
  /** `YYYY-MM`, Vietnam time. */
  month: string;
  used: number;
  limit: number;
}

/**
 * Called once a month when the warning share is passed, in the process whose send passed it.
 * For the operators' chat: wire it with `ZaloQuota.onWarning` (the log line is always written).
 */
export type ZaloQuotaWarningHook = (warning: ZaloQuotaWarning) => void | Promise<void>;

export interface ZaloQuotaUsage {
  month: string;
  used: number;
  limit: number;
  /** Milliseconds replies in chat stay held after a quota 429; 0 when they are not. */
  repliesHeldMs: number;
}

const VIETNAM_OFFSET_MS = 7 * 3600_000;
/** A month's counter outlives its month a little, so the last count can still be read after it. */
const COUNTER_TTL_S = 40 * 24 * 3600;
const PREFIX = 'zalo-quota';
const REPLIES_HELD_KEY = `${PREFIX}:replies-held`;

/** `YYYY-MM` of an instant, in Vietnam. */
export function quotaMonth(ms: number): string {
  return new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 7);
}

export class ZaloQuota {
  private readonly hooks = new Set<ZaloQuotaWarningHook>();
  private readonly now: () => number;

  constructor(
    private readonly redis: IORedis,
    private readonly log: Logger,
    readonly opts: ZaloQuotaOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Adds a listener for the monthly warning; returns a function that removes it. */
  onWarning(hook: ZaloQuotaWarningHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /**
   * Counts one message Zalo accepted. Never throws: Redis being away must not make a message that
   * went out look failed (the outbox would send it again).
   */
  async count(): Promise<void> {
    const month = quotaMonth(this.now());
    const key = `${PREFIX}:${month}`;
    let used: number;
    try {
      const result = await this.redis.multi().incr(key).expire(key, COUNTER_TTL_S).exec();
      used = Number(result?.[0]?.[1]);
    } catch {
      this.log.warn({}, 'zalo.quota_count_failed');
      return;
    }
    if (!Number.isFinite(used) || used < this.opts.limit * this.opts.warnShare) return;
    await this.warnOnce(month, used);
  }

  /**
   * Zalo said the quota is spent: replies in chat are held for the reply back-off (renewed by
   * every further 429), so the little that may come back (a plan upgrade, a new month) goes to
   * officers' alerts first, and residents' messages do not each cost a refused call.
   */
  async spent(): Promise<void> {
    try {
      await this.redis.set(REPLIES_HELD_KEY, '1', 'PX', this.opts.replyBackoffMs);
      this.log.warn({ replyBackoffMs: this.opts.replyBackoffMs }, 'zalo.quota_spent');
    } catch {
      this.log.warn({}, 'zalo.quota_hold_failed');
    }
  }

  /** How long replies in chat stay held (ms); 0 when they may go, or when Redis cannot say. */
  async repliesHeldMs(): Promise<number> {
    try {
      return Math.max(0, await this.redis.pttl(REPLIES_HELD_KEY));
    } catch {
      return 0;
    }
  }

  /** This month's count, for /readyz. */
  async usage(): Promise<ZaloQuotaUsage> {
    const month = quotaMonth(this.now());
    const [used, repliesHeldMs] = await Promise.all([this.redis.get(`${PREFIX}:${month}`), this.repliesHeldMs()]);
    return { month, used: Number(used ?? 0), limit: this.opts.limit, repliesHeldMs };
  }

  /** One warning a month across every process: the first to set the month's flag tells. */
  private async warnOnce(month: string, used: number): Promise<void> {
    try {
      const first = await this.redis.set(`${PREFIX}:${month}:warned`, '1', 'EX', COUNTER_TTL_S, 'NX');
      if (first !== 'OK') return;
    } catch {
      return;
    }
    const warning: ZaloQuotaWarning = { month, used, limit: this.opts.limit };
    this.log.warn({ ...warning, warnShare: this.opts.warnShare }, 'zalo.quota_warning');
    for (const hook of this.hooks) {
      try {
        await hook(warning);
      } catch (err) {
        this.log.warn({ error: err instanceof Error ? err.name : 'unknown' }, 'zalo.quota_warning_hook_failed');
      }
    }
  }
}
