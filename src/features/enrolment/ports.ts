import type { ChannelName } from '../../conversations/messages';

/** Spends an officer's invite code for the chat it was sent from: the officer's name, or null. */
export interface OfficerEnrolment {
  enrol(code: string, chat: { channel: ChannelName; chatId: string }): Promise<{ officerId: string; name: string } | null>;
}
