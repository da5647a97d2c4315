import type { TelegramChannel } from '../../src/channels/telegram/telegram-channel';

/**
 * Drives the bot's real Telegram update handling (`TelegramChannel.handleUpdate`, the path both
 * the poller and the webhook take) with updates shaped as Telegram sends them, one awaited update
 * at a time per resident. The replies go out over HTTP to the TelegramEmulator as usual.
 *
 * For load and fault tests that need thousands of residents without the emulator's polling in
 * between: each driver numbers its updates from `firstUpdateId`, so give drivers that share a
 * Redis disjoint ranges (update ids are de-duplicated across restarts, as Telegram's are).
 */
export class TelegramDriver {
  private nextUpdateId: number;
  private nextMessageId = 1;

  constructor(
    private readonly channel: Pick<TelegramChannel, 'handleUpdate'>,
    firstUpdateId = 1,
  ) {
    this.nextUpdateId = firstUpdateId;
  }

  /** A text message (or command) in the resident's private chat, or in `chatId` (a group). */
  text(userId: number, text: string, chatId = userId, firstName = 'Cư dân'): Promise<void> {
    return this.message(userId, chatId, firstName, { text });
  }

  /** A press of an inline button whose callback_data is `data`. */
  press(userId: number, data: string, chatId = userId): Promise<void> {
    const chat = chatId < 0 ? { id: chatId, type: 'supergroup', title: 'Nhóm' } : { id: chatId, type: 'private', first_name: 'Cư dân' };
    return this.channel.handleUpdate({
      update_id: this.nextUpdateId++,
      callback_query: {
        id: `cq${this.nextUpdateId}`,
        from: { id: userId, is_bot: false, first_name: 'Cư dân', language_code: 'vi' },
        message: { message_id: 1, date: 1_700_000_000, chat },
        chat_instance: 'ci',
        data,
      },
    });
  }

  location(userId: number, latitude: number, longitude: number): Promise<void> {
    return this.message(userId, userId, 'Cư dân', { location: { latitude, longitude } });
  }

  /** The resident's own number, as the "share my phone number" button sends it. */
  contact(userId: number, phone: string, firstName = 'Cư dân'): Promise<void> {
    return this.message(userId, userId, firstName, { contact: { phone_number: phone, first_name: firstName, user_id: userId } });
  }

  /**
   * A complete tip from the group's deep link to "Send": 8 updates. The reference code comes back
   * in the resident's chat on the emulator ("Đã nhận tin báo … TB-…").
   */
  async tip(userId: number, opts: TipOptions = {}): Promise<void> {
    await this.tipDraft(userId, opts);
    await this.press(userId, 'nav:confirm');
  }

  /** Everything of a tip up to its summary, without pressing Send: 7 updates. */
  async tipDraft(userId: number, opts: TipOptions = {}): Promise<void> {
    await this.text(userId, `/start tip_${opts.joinCode ?? 'KP1TO3'}`, userId, opts.firstName);
    // With an earlier draft still open the button asks "continue or start over?": start over.
    if (opts.startOver) await this.press(userId, 'draft:restart:tip');
    await this.press(userId, 'category:theft');
    await this.text(userId, opts.what ?? `Hai thanh niên bẻ khóa xe máy trước nhà số ${userId % 1000}`, userId, opts.firstName);
    await this.text(userId, opts.where ?? 'Hẻm 45 Lê Lợi', userId, opts.firstName);
    await this.press(userId, 'when:now');
    await this.press(userId, 'nav:done');
    if (opts.phone) {
      await this.press(userId, 'identity:contact');
      await this.contact(userId, opts.phone, opts.firstName);
    } else {
      await this.press(userId, 'identity:anonymous');
    }
  }

  private message(userId: number, chatId: number, firstName: string, content: Record<string, unknown>): Promise<void> {
    const chat = chatId < 0 ? { id: chatId, type: 'supergroup', title: 'Nhóm' } : { id: chatId, type: 'private', first_name: firstName };
    return this.channel.handleUpdate({
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: 1_700_000_000,
        chat,
        from: { id: userId, is_bot: false, first_name: firstName, language_code: 'vi' },
        ...content,
      },
    });
  }
}

export interface TipOptions {
  joinCode?: string;
  what?: string;
  where?: string;
  /** Leave this phone number (shared with the contact button) instead of staying anonymous. */
  phone?: string;
  firstName?: string;
  /** Press "start over" after the group's button, as a resident whose earlier draft is still open does. */
  startOver?: boolean;
}

/** "TB-2611-0042" / "HG-…" in a text, or undefined. */
export function refCodeIn(text: string | undefined): string | undefined {
  return /\b(TB|HG)-\d{4}-\d{4,}\b/.exec(text ?? '')?.[0];
}
