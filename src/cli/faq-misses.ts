/**
 * The questions residents asked that the FAQ could not answer, most asked first, so group heads
 * and officers can see what to add to locales/vi/faq.json and locales/en/faq.json. Reads REDIS_URL.
 *
 *   scripts/faq-misses [--top N]          print the top N (default 30)
 *   scripts/faq-misses --clear            forget all counts (after updating the FAQ)
 *   scripts/faq-misses --clear "question" forget one question's count
 */
import { parseArgs } from 'node:util';
import { createRedis, waitReady } from '../redis/connection';
import { RedisFaqMisses } from '../features/faq/adapters/faq-misses';

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { top: { type: 'string' }, clear: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log('Usage: scripts/faq-misses [--top N] | --clear ["question"]');
    return;
  }
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: point it at the bot's Redis (e.g. redis://127.0.0.1:6379)");
  const top = values.top === undefined ? 30 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error('--top must be a whole number >= 1');
  const redis = createRedis(url, 'interactive', 'faq-misses');
  try {
    await waitReady(redis);
    const misses = new RedisFaqMisses(redis);
    if (values.clear) {
      await misses.clear(positionals[0]);
      console.log(positionals[0] === undefined ? 'All unanswered-question counts cleared.' : 'Cleared.');
      return;
    }
    const rows = await misses.top(top);
    if (rows.length === 0) {
      console.log('No unanswered questions counted yet.');
      return;
    }
    const width = String(rows[0].count).length;
    console.log(`Top ${rows.length} unanswered questions (folded text, as counted):`);
    for (const row of rows) console.log(`${String(row.count).padStart(width)}  ${row.question}`);
  } finally {
    redis.disconnect();
  }
}

/** `faq-misses …`: exit code 0 when done, 1 on an error. */
export function main(args: string[]): Promise<number> {
  return run(args).then(
    () => 0,
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  );
}
