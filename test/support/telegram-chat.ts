import type { SentMessage, TelegramEmulator } from './telegram-emulator';

/**
 * Reads one chat the way a person scrolls it: `next` waits for the first message after the ones
 * already read that matches, so a test can follow a conversation step by step.
 */
export function chatReader(emu: TelegramEmulator, chatId: number | string, from: 'start' | 'now' = 'start') {
  // 'now': what the chat was sent before (another test's) is not read.
  let read = from === 'now' ? emu.sent(chatId).length : 0;
  return {
    async next(predicate: (m: SentMessage) => boolean = () => true, timeoutMs = 10_000): Promise<SentMessage> {
      const from = read;
      const found = await emu.waitFor(
        (m) => m.chat_id === String(chatId) && emu.sent(chatId).indexOf(m) >= from && predicate(m),
        timeoutMs,
      );
      read = emu.sent(chatId).indexOf(found) + 1;
      return found;
    },
    /** Waits for the next message that has buttons (the current question). */
    async question(containing?: string): Promise<SentMessage> {
      return this.next((m) => Boolean(m.reply_markup) && (!containing || (m.text ?? '').includes(containing)));
    },
    all: () => emu.sent(chatId),
  };
}

/** Callback data of the inline buttons on a message. */
export function buttons(m: SentMessage): string[] {
  const kb = (m.reply_markup as { inline_keyboard?: { callback_data?: string; url?: string }[][] } | undefined)?.inline_keyboard ?? [];
  return kb.flat().map((b) => b.callback_data ?? b.url ?? '');
}
