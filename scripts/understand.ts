/**
 * Usage:
 *   scripts/understand "text"     the understanding of one text, as one line of JSON
 *   scripts/understand < file     one text per line in, one JSON line per text out
 *
 * What the bot reads in a message, as the conversation service sees it: the emergencies, the intent,
 * the tip category or mediation kind, the FAQ topic, the confidence and the runners-up. For operators
 * who want to see why the bot answered as it did. Reads nothing but the corpus; writes nothing.
 */
import { createInterface } from 'node:readline';
import { loadUnderstander } from '../src/i18n/understanding';

async function main(): Promise<void> {
  const understander = loadUnderstander();
  const print = (text: string) => {
    const u = understander.understand(text);
    const round = (p: number) => Math.round(p * 1000) / 1000;
    console.log(
      JSON.stringify({
        text,
        emergency: u.emergency,
        intent: u.intent,
        ...(u.category ? { category: u.category } : {}),
        ...(u.faq ? { faq: u.faq } : {}),
        confidence: round(u.confidence),
        alternatives: u.alternatives.map((a) => ({ ...a, confidence: round(a.confidence) })),
      }),
    );
  };
  const args = process.argv.slice(2);
  if (args.length > 0) return print(args.join(' '));
  for await (const line of createInterface({ input: process.stdin })) if (line.trim()) print(line.trim());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
