import type { ChannelName } from '../../conversations/messages';

/** What an erasure removed, as counts: the resident is told, the log records, nothing else. */
export interface ErasureReport {
  /** Cases that lost the contact, the chat and the blind index linking them to the resident. */
  cases: number;
  /** Notices to the resident about those cases that lost their chat and text (waiting ones failed). */
  notices: number;
  /** A profile (language, group code) was there and is gone. */
  profile: boolean;
  /** A conversation slot (drafts, officers' questions waiting for an answer, pending picks) was there and is gone. */
  conversation: boolean;
}

/**
 * Erases what the bot keeps about one resident (Decree 13/2023, the 2025 Law on Personal Data
 * Protection): asked by the resident (`/xoadulieu`) or by the operator for a request made at the
 * ward office (`scripts/admin erase-user`). Safe to repeat.
 */
export interface ResidentEraser {
  /** `chatId`: the resident's private chat with the bot, the same as their user id on Telegram and Zalo. */
  erase(channel: ChannelName, userId: string, chatId?: string): Promise<ErasureReport>;
}
