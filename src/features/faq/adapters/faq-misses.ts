import type IORedis from 'ioredis';
import type { FaqMisses } from '../faq-feature';

export const FAQ_MISSES_KEY = 'faq:misses';

/**
 * Questions the FAQ could not answer, counted in one Redis hash: folded question text → count.
 * Nothing else is kept (no user id, chat id or time), so the hash says what people ask, never
 * who. New questions stop being added once the hash holds `maxQuestions` different ones (known
 * ones keep counting), so a flood of nonsense cannot grow it without bound.
 */
export class RedisFaqMisses implements FaqMisses {
  constructor(
    private readonly redis: IORedis,
    private readonly maxQuestions = 5000,
  ) {}

  async record(key: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[2]) then return redis.call('HINCRBY', KEYS[1], ARGV[1], 1) end return 0",
      1,
      FAQ_MISSES_KEY,
      key,
      String(this.maxQuestions),
    );
  }

  /** The most asked unanswered questions, most first. */
  async top(limit: number): Promise<{ question: string; count: number }[]> {
    const all: { question: string; count: number }[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(FAQ_MISSES_KEY, cursor, 'COUNT', 500);
      for (let i = 0; i + 1 < flat.length; i += 2) all.push({ question: flat[i], count: Number(flat[i + 1]) });
      cursor = next;
    } while (cursor !== '0');
    return all.sort((a, b) => b.count - a.count || a.question.localeCompare(b.question)).slice(0, limit);
  }

  /** Forgets the counts (after the FAQ was updated), or one question's count. */
  async clear(question?: string): Promise<void> {
    if (question === undefined) await this.redis.del(FAQ_MISSES_KEY);
    else await this.redis.hdel(FAQ_MISSES_KEY, question);
  }
}
