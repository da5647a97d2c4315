import type { Telegram } from 'telegraf';
import { TelegramGroupAdmins } from '../channels/telegram/telegram-group-admins';
import type { GroupAdmins } from '../conversations/broadcast/ports';
import { RegistryGroupAdmins } from '../store/broadcast-audience';
import type { Runtime } from './runtime';

/**
 * Who administers a group: Telegram says so itself (asked each time, never cached); elsewhere
 * the operator's record does. The bot role asks when someone broadcasts, the worker again when
 * a scheduled broadcast fires. `telegram` is read lazily: the bot's channel is created later.
 */
export function createGroupAdmins(rt: Runtime, telegram: () => Telegram | undefined): GroupAdmins {
  const registry = new RegistryGroupAdmins(rt.store);
  return {
    async isAdmin(channel, groupChatId, userId) {
      const tg = channel === 'telegram' ? telegram() : undefined;
      if (tg) return new TelegramGroupAdmins(tg).isAdmin(groupChatId, userId);
      return registry.isAdmin(channel, groupChatId, userId);
    },
  };
}
