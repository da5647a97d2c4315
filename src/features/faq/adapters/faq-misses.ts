import type IORedis from 'ioredis';
import type { FaqMisses } from '../faq-feature';

/** The hash that counted free text with no expiry before issue 14; moved by `migrateLegacy`. */
export const LEGACY_FAQ_MISSES_KEY = 'faq:misses';
const DAY_MS = 86_400_000;

/**
 * Questions the FAQ could not answer, counted in one Redis hash per UTC day
 * (`faq:misses:<yyyy-mm-dd>`: question → count), each deleted by Redis `keepDays` (90) days
 * after its day, so nothing a resident typed is kept longer than that. What is counted is only the
 * FAQ's own words (FaqIndex.missKey), never a user id, chat id or time of day. New questions stop
 * being added to a day once it holds `maxQuestions` different ones (known ones keep counting), so a
 * flood of nonsense cannot grow it without bound. Read by operators only (scripts/faq-misses).
 */
export class RedisFaqMisses implements FaqMisses {
  constructor(
    private readonly redis: IORedis,
    private readonly maxQuestions = 5000,
    private readonly keepDays = 90,
    private readonly clock: () => number = Date.now,
  ) {}

  async record(key: string): Promise<void> {
    const day = Math.floor(this.clock() / DAY_MS);
    await this.redis.eval(
      "local n = 0 if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[2]) then n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1) end redis.call('PEXPIREAT', KEYS[1], ARGV[3]) return n",
      1,
      dayKey(day),
      key,
      String(this.maxQuestions),
      String((day + 1 + this.keepDays) * DAY_MS),
    );
  }

  /** The most asked unanswered questions of the days still kept, most first. */
  async top(limit: number): Promise<{ question: string; count: number }[]> {
    const counts = new Map<string, number>();
    for (const key of await this.dayKeys()) {
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', 500);
        for (let i = 0; i + 1 < flat.length; i += 2) counts.set(flat[i], (counts.get(flat[i]) ?? 0) + Number(flat[i + 1]));
        cursor = next;
      } while (cursor !== '0');
    }
    return [...counts]
      .map(([question, count]) => ({ question, count }))
      .sort((a, b) => b.count - a.count || a.question.localeCompare(b.question))
      .slice(0, limit);
  }

  /** Forgets the counts (after the FAQ was updated), or one question's count. */
  async clear(question?: string): Promise<void> {
    for (const key of [...(await this.dayKeys()), LEGACY_FAQ_MISSES_KEY]) {
      if (question === undefined) await this.redis.del(key);
      else await this.redis.hdel(key, question);
    }
  }

  /**
   * Re-counts the questions of the old hash (free text, no expiry) by what `rekey` keeps of them
   * (FaqIndex.missKey) into today, then deletes it. Safe to run again and from two processes: the
   * old hash is renamed away first, so only one of them counts it.
   */
  async migrateLegacy(rekey: (question: string) => string): Promise<number> {
    const taken = `${LEGACY_FAQ_MISSES_KEY}:migrating:${Math.random().toString(36).slice(2)}`;
    try {
      await this.redis.rename(LEGACY_FAQ_MISSES_KEY, taken);
    } catch {
      return 0; // no legacy hash (ERR no such key)
    }
    const old = await this.redis.hgetall(taken);
    let moved = 0;
    for (const [question, count] of Object.entries(old)) {
      const key = rekey(question);
      if (!key) continue;
      for (let i = 0; i < Math.min(Number(count), 1000); i++) await this.record(key);
      moved++;
    }
    await this.redis.del(taken);
    return moved;
  }

  private async dayKeys(): Promise<string[]> {
    const today = Math.floor(this.clock() / DAY_MS);
    const keys = Array.from({ length: this.keepDays + 1 }, (_, i) => dayKey(today - i));
    const exists = await Promise.all(keys.map((k) => this.redis.exists(k)));
    return keys.filter((_, i) => exists[i] === 1);
  }
}

const dayKey = (day: number) => `faq:misses:${new Date(day * DAY_MS).toISOString().slice(0, 10)}`;
