/**
 * The chats the bot is in and the users it has met: what it may write where (blocked, left the
 * group, never started), who the admins are, and which group messages privacy mode keeps from it.
 * Chats come into being on first mention, as they seem to from the bot's side.
 */
import type { Chat, ChatMember, Message, User } from 'telegraf/types';
import { ApiError, badRequest } from './faults';
import type { Params } from './types';

export type TgChat = Chat.PrivateChat | Chat.SupergroupChat;
export type ReplyMessage = NonNullable<Message.CommonMessage['reply_to_message']>;
export type BotUser = User & { is_bot: true; username: string };

/** Telegram's dates are whole Unix seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface ChatState {
  id: number;
  type: 'private' | 'supergroup';
  title?: string;
  nextMessageId: number;
  /** Every message in the chat, the bot's and the users'; edits replace the entry. */
  messages: Map<number, Message>;
  botMessageIds: Set<number>;
  deletedIds: Set<number>;
  blocked: boolean;
  /** Groups: false after leaveChat, true again after addBotToGroup. */
  botIsMember: boolean;
  /** Private chats: the user wrote to the bot at least once (see `requireStart`). */
  started: boolean;
  admins: number[];
  creator?: number;
}

export class Chats {
  private readonly byId = new Map<number, ChatState>();
  /** Everyone a test made with `user()`, for the names in private chats and chat members. */
  readonly users = new Map<number, User>();

  constructor(
    private readonly botUser: BotUser,
    private readonly opts: { privacyMode: boolean; requireStart: boolean },
  ) {}

  /** Any non-zero safe integer names a chat: negative ids are supergroups, positive ones private chats. */
  get(id: number): ChatState {
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found');
    let chat = this.byId.get(id);
    if (!chat) {
      chat = {
        id,
        type: id < 0 ? 'supergroup' : 'private',
        nextMessageId: 1,
        messages: new Map(),
        botMessageIds: new Set(),
        deletedIds: new Set(),
        blocked: false,
        botIsMember: true,
        started: false,
        admins: [],
      };
      this.byId.set(id, chat);
    }
    return chat;
  }

  object(chat: ChatState): TgChat {
    if (chat.type === 'supergroup') return { id: chat.id, type: 'supergroup', title: chat.title ?? `Group ${chat.id}` };
    const user = this.users.get(chat.id);
    return {
      id: chat.id,
      type: 'private',
      first_name: user?.first_name ?? `User ${chat.id}`,
      ...(user?.last_name !== undefined ? { last_name: user.last_name } : {}),
      ...(user?.username !== undefined ? { username: user.username } : {}),
    };
  }

  /** The chat named by chat_id; numeric ids only (no @channelusername here). */
  known(p: Params): ChatState {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const id = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
    return this.get(id);
  }

  /** The chat, if the bot may write in it; the 403s Telegram gives otherwise. */
  writable(p: Params): ChatState {
    const chat = this.known(p);
    if (chat.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (chat.type === 'supergroup' && !chat.botIsMember) {
      throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    }
    if (chat.type === 'private' && this.opts.requireStart && !chat.started) {
      throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    }
    return chat;
  }

  member(chat: ChatState, userId: number): ChatMember {
    const user: User =
      userId === this.botUser.id ? this.botUser : (this.users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` });
    if (chat.creator === userId) return { status: 'creator', user, is_anonymous: false };
    if (chat.admins.includes(userId)) {
      return {
        status: 'administrator',
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
      };
    }
    if (userId === this.botUser.id && chat.type === 'supergroup' && !chat.botIsMember) return { status: 'left', user };
    return { status: 'member', user };
  }

  /** Whether privacy mode keeps this group message from a bot that is not an admin there. */
  hiddenByPrivacy(chat: ChatState, message: Message): boolean {
    if (!this.opts.privacyMode || chat.type !== 'supergroup' || chat.admins.includes(this.botUser.id)) return false;
    if ('new_chat_members' in message || 'left_chat_member' in message) return false;
    if ('reply_to_message' in message && message.reply_to_message && chat.botMessageIds.has(message.reply_to_message.message_id)) {
      return false;
    }
    if ('text' in message) {
      for (const e of message.entities ?? []) {
        if (e.type === 'bot_command') return false;
        const mentioned = message.text.slice(e.offset, e.offset + e.length);
        if (e.type === 'mention' && mentioned.toLowerCase() === `@${this.botUser.username.toLowerCase()}`) return false;
      }
    }
    return true;
  }
}
