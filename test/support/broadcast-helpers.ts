import type { Runtime } from '../../src/app/runtime';
import type { SentMessage, TelegramEmulator } from './telegram-emulator';

/** Inline buttons of a message as [label, callback data]. */
export function buttonPairs(m: SentMessage): [string, string][] {
  const kb = (m.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  return kb.flat().map((b) => [b.text, b.callback_data ?? '']);
}

/** The callback data of the button whose label contains `label`; fails loudly when there is none. */
export function buttonWith(m: SentMessage, label: string): string {
  const found = buttonPairs(m).find(([text]) => text.includes(label));
  if (!found)
    throw new Error(`no button containing ${JSON.stringify(label)} on ${JSON.stringify(m.text)}: ${JSON.stringify(buttonPairs(m))}`);
  return found[1];
}

/** Registers `count` Telegram groups bound to `areaCode`, straight in the directory (as seeding would). */
export async function addGroups(rt: Runtime, firstChatId: number, count: number, areaCode: string, title: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const chatId = String(firstChatId - i);
    await rt.store.groups.register('telegram', chatId, `${title} ${i + 1}`);
    await rt.store.groups.bindArea('telegram', chatId, areaCode);
    ids.push(chatId);
  }
  return ids;
}

/** Messages in a chat whose text or caption contains `needle`. */
export function received(emu: TelegramEmulator, chatId: string, needle: string): SentMessage[] {
  return emu.sent(chatId).filter((m) => (m.text ?? m.caption ?? '').includes(needle));
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
