import type IORedis from 'ioredis';
import type { CaseKind } from '../domain/case-kinds';
import { AppError } from '../domain/app-error';
import { yearMonth } from '../domain/reference-code';
import { CASE_KINDS } from '../features/reporting/flows';
import type { Store } from '../store/models';

/** Every try met a code already given out: the database is too busy or something is badly wrong. */
export class RefCodeExhaustedError extends AppError {
  constructor() {
    super('no free reference code after several tries', { reason: 'no free reference code after several tries' });
  }
}

const TRIES = 8;
/** A month's counter outlives its month by ten days, so one issued at 23:59 on the 31st still counts. */
const COUNTER_TTL_SECONDS = 40 * 86_400;

/**
 * Raises the counter to at least ARGV[1] (never lowers it) and keeps its expiry: after a collision
 * the next INCR starts past every code the database knows.
 */
const RAISE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2])) end
return 1`;

/**
 * Gives out reference codes that never repeat. The number comes from a Redis counter per kind and
 * month (fast, shared by every replica), but Redis can go back: a restart that loses its last
 * second of writes, a failover, a restore. So a code counts as given out only once the database
 * has recorded it (ref_codes, unique by code) and no stored case already has it; when either says
 * it is taken, the counter is raised past the highest number the database knows and a new one is
 * drawn. A counter that went back therefore costs one extra round trip, never a duplicate.
 * With the database away a resident is not refused: the code goes out after a short wait and the
 * store-time check is the safety net (test/chaos/faults.test.ts, database outage).
 */
export class RefCodeIssuer {
  constructor(
    private readonly redis: IORedis,
    private readonly store: Pick<Store, 'refCodes' | 'cases'>,
    /** How long a resident's Send waits on the database's check of a code before going ahead. */
    private readonly checkTimeoutMs = 1500,
  ) {}

  async next(kind: CaseKind, at: Date): Promise<string> {
    const period = yearMonth(at);
    const key = `refseq:${kind}:${period}`;
    for (let i = 0; i < TRIES; i++) {
      const [[, seq]] = (await this.redis.multi().incr(key).expire(key, COUNTER_TTL_SECONDS).exec()) as [[null, number]];
      const code = CASE_KINDS.formatReference(kind, at, seq);
      const free = await this.checked(code, kind, period, seq);
      // The database did not answer in time: the resident is not kept waiting on it (a case is
      // received once Redis has it). The Redis code goes out unverified; should it prove taken when
      // the case is stored, the case gets a fresh code and the resident is told (submit.recoded).
      if (free === 'unknown' || free) return code;
      const prefix = code.slice(0, code.lastIndexOf('-') + 1);
      const highest = Math.max(await this.store.refCodes.highest(kind, period), await this.store.cases.highestSequence(prefix));
      await this.redis.eval(RAISE, 1, key, String(highest), String(COUNTER_TTL_SECONDS));
    }
    throw new RefCodeExhaustedError();
  }

  /** Whether the database recorded the code as this one's and no stored case holds it, or 'unknown'. */
  private async checked(code: string, kind: CaseKind, period: string, seq: number): Promise<boolean | 'unknown'> {
    let timer: NodeJS.Timeout | undefined;
    const check = (async () =>
      (await this.store.refCodes.reserve({ code, kind, period, seq })) && !(await this.store.cases.byRefCode(code)))();
    try {
      return await Promise.race([
        check,
        new Promise<'unknown'>((resolve) => (timer = setTimeout(() => resolve('unknown'), this.checkTimeoutMs))),
      ]);
    } catch {
      return 'unknown';
    } finally {
      clearTimeout(timer);
      check.catch(() => undefined);
    }
  }
}
