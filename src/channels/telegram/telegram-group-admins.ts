import type { Telegram } from 'telegraf';
import { callTelegram } from './errors';
import { MessageRejectedError, RecipientUnavailableError } from '../send-errors';

/**
 * Telegram's own answer to "does this user administer this group?" (getChatAdministrators), asked
 * when it matters (a broadcast), never cached: an admin removed a minute ago must not broadcast.
 */
export class TelegramGroupAdmins {
  constructor(private readonly telegram: Telegram) {}

  async isAdmin(groupChatId: string, userId: string): Promise<boolean> {
    try {
      const admins = await callTelegram('getChatAdministrators', () => this.telegram.getChatAdministrators(groupChatId));
      return admins.some((m) => String(m.user.id) === userId && (m.status === 'creator' || m.status === 'administrator'));
    } catch (err) {
      // The bot left, the group is gone, or it is no group at all ("no administrators in the
      // private chat"): nobody administers it for us. Anything else (timeouts, 5xx) is passed on.
      if (err instanceof RecipientUnavailableError || err instanceof MessageRejectedError) return false;
      throw err;
    }
  }
}
