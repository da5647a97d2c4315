import type { AppHarness } from '../support/app-harness';
import { refCodeIn } from '../support/telegram-driver';
import type { TelegramEmulator } from '../support/telegram-emulator';
import { createModels } from '../../src/store/models';

/**
 * What every fault scenario counts, the same way, so the jest tests (test/chaos/*.test.ts) and
 * the report (scripts/chaos → docs/faults.md) say the same thing:
 * - told: residents who were told "received" with a reference code;
 * - stored: cases in the database;
 * - lost: codes a resident was told that never became a stored case (must be 0);
 * - storedUntold: cases stored although the resident's "received" did not reach them (they are
 *   told when they press Send again: same case, same code);
 * - duplicated: codes whose officer alert arrived more than once (must be 0);
 * - alertsMissing: stored cases whose alert never arrived (must be 0).
 */
export interface FaultReport {
  scenario: string;
  fault: string;
  residents: number;
  told: number;
  toldAfterRetry: number;
  stored: number;
  lost: number;
  storedUntold: number;
  alertsDelivered: number;
  duplicated: number;
  alertsMissing: number;
  /** Scenario-specific observations: 429s answered, /readyz statuses, replies refused… */
  notes: Record<string, number | string>;
  ms: number;
}

export const OFFICER_CHAT = '100000001';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `concurrency` at a time, in order of start. */
export async function inLanes<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** Polls `check` every `stepMs` until it is true or `timeoutMs` passed; says which. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 200): Promise<boolean> {
  for (let waited = 0; waited <= timeoutMs; waited += stepMs) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return false;
}

/** The reference code each resident was told, from their chats on the emulator. */
export function toldCodes(emu: TelegramEmulator, residents: readonly number[]): Map<number, string> {
  const wanted = new Set(residents.map(String));
  const told = new Map<number, string>();
  for (const m of emu.sent()) {
    if (!wanted.has(m.chat_id)) continue;
    const code = refCodeIn(m.text);
    if (code) told.set(Number(m.chat_id), code);
  }
  return told;
}

/** How many times each reference code's alert reached the officer's chat. */
export function alertCounts(emu: TelegramEmulator, chat = OFFICER_CHAT): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of emu.sent(chat)) {
    const code = refCodeIn(m.text);
    if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

export async function storedCodes(app: AppHarness): Promise<Set<string>> {
  const rows = await createModels(app.rt.db).case.find({}, { refCode: 1 }).lean().exec();
  return new Set(rows.map((r) => r.refCode));
}

/**
 * Waits (bounded) until every told code is stored and every stored case's alert arrived, then
 * counts. `officerEmu` is where the worker sends alerts.
 */
export async function settle(
  app: AppHarness,
  told: ReadonlySet<string>,
  officerEmu: TelegramEmulator,
  timeoutMs: number,
): Promise<Omit<FaultReport, 'scenario' | 'fault' | 'residents' | 'told' | 'toldAfterRetry' | 'notes' | 'ms'>> {
  let stored = new Set<string>();
  await waitUntil(
    async () => {
      stored = await storedCodes(app);
      return [...told].every((c) => stored.has(c)) && [...stored].every((c) => alertCounts(officerEmu).has(c));
    },
    timeoutMs,
    500,
  );
  // A last look for repeats that come late.
  await sleep(500);
  stored = await storedCodes(app);
  const alerts = alertCounts(officerEmu);
  return {
    stored: stored.size,
    lost: [...told].filter((c) => !stored.has(c)).length,
    storedUntold: [...stored].filter((c) => !told.has(c)).length,
    alertsDelivered: [...alerts.keys()].filter((c) => stored.has(c)).length,
    duplicated: [...alerts.values()].filter((n) => n > 1).length,
    alertsMissing: [...stored].filter((c) => !alerts.has(c)).length,
  };
}

/** How many log lines of each of these events the app wrote (`job.retrying`, …). */
export function logCounts(app: AppHarness, events: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(events.map((e) => [e, 0]));
  for (const line of app.logs) {
    const msg = /"msg":"([^"]+)"/.exec(line)?.[1];
    if (msg && msg in counts) counts[msg]++;
  }
  return counts;
}
