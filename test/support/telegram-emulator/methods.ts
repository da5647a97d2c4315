/**
 * The Bot API methods the emulator answers, and what each does to the emulator's state. The
 * sending and editing methods, the ones with most rules, are in sending.ts.
 */
import type { BotCommand } from 'telegraf/types';
import { nowSeconds } from './chats';
import { ApiError, badRequest } from './faults';
import { bool, json, num, str } from './params';
import { editMessage, sendMediaGroup, sendOne } from './sending';
import type { EmulatorState } from './state';
import type { Params } from './types';

/** Telegram's method names are case-insensitive; this maps lower case to the canonical spelling. */
const METHODS = [
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'sendMessage',
  'sendPhoto',
  'sendVideo',
  'sendVoice',
  'sendDocument',
  'sendLocation',
  'sendMediaGroup',
  'sendChatAction',
  'answerCallbackQuery',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
  'getChat',
  'getChatMember',
  'getChatAdministrators',
  'setMyCommands',
  'deleteMyCommands',
  'getMyCommands',
  'leaveChat',
  'getFile',
] as const;
export type Method = (typeof METHODS)[number];
const METHOD_BY_LOWER = new Map<string, Method>(METHODS.map((m) => [m.toLowerCase(), m]));

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** The canonical spelling of a method the emulator answers, whatever its case; undefined for others. */
export function knownMethod(name: string): Method | undefined {
  return METHOD_BY_LOWER.get(name.toLowerCase());
}

/** The name calls are counted, logged and faulted under: canonical when known, else as it came. */
export function canonicalMethod(name: string): string {
  return knownMethod(name) ?? name;
}

export function isMethod(name: string): name is Method {
  return knownMethod(name) === name;
}

/** Runs one method and returns its `result`; a refusal is thrown as ApiError. */
export function dispatch(emu: EmulatorState, method: Exclude<Method, 'getUpdates'>, p: Params): unknown {
  switch (method) {
    case 'getMe':
      return {
        ...emu.botUser,
        can_join_groups: true,
        can_read_all_group_messages: !emu.privacyMode,
        supports_inline_queries: false,
      };
    case 'setWebhook':
      return emu.delivery.setWebhook(p);
    case 'deleteWebhook':
      return emu.delivery.deleteWebhook(p);
    case 'getWebhookInfo':
      return emu.delivery.webhookInfo();
    case 'sendMessage':
    case 'sendPhoto':
    case 'sendVideo':
    case 'sendVoice':
    case 'sendDocument':
    case 'sendLocation':
      return sendOne(emu, method, p);
    case 'sendMediaGroup':
      return sendMediaGroup(emu, p);
    case 'sendChatAction': {
      emu.chats.writable(p);
      const action = str(p, 'action');
      if (!action || !CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
      return true;
    }
    case 'answerCallbackQuery':
      return answerCallbackQuery(emu, p);
    case 'editMessageText':
    case 'editMessageReplyMarkup':
      return editMessage(emu, method, p);
    case 'deleteMessage':
      return deleteMessage(emu, p);
    case 'getChat':
      return getChat(emu, p);
    case 'getChatMember': {
      const chat = emu.chats.known(p);
      const userId = num(p, 'user_id');
      if (userId === undefined) throw badRequest('user_id is empty');
      return emu.chats.member(chat, userId);
    }
    case 'getChatAdministrators': {
      const chat = emu.chats.known(p);
      if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
      const ids = [...(chat.creator !== undefined ? [chat.creator] : []), ...chat.admins.filter((a) => a !== chat.creator)];
      return ids.map((userId) => emu.chats.member(chat, userId));
    }
    case 'setMyCommands': {
      const commands = json(p, 'commands');
      if (!Array.isArray(commands) || commands.length > 100) throw badRequest('commands must be an array of at most 100');
      for (const c of commands as Array<Partial<BotCommand>>) {
        if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest('BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
          throw badRequest('command description must be 1-256 characters');
        }
      }
      emu.commands.set(commandsKey(p), commands as BotCommand[]);
      return true;
    }
    case 'deleteMyCommands':
      emu.commands.delete(commandsKey(p));
      return true;
    case 'getMyCommands':
      return emu.commands.get(commandsKey(p)) ?? [];
    case 'getFile':
      return getFile(emu, p);
    case 'leaveChat':
      return leaveChat(emu, p);
  }
}

function answerCallbackQuery(emu: EmulatorState, p: Params): true {
  const id = str(p, 'callback_query_id');
  if (!id || !emu.pendingCallbackIds.has(id)) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  const text = str(p, 'text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  emu.pendingCallbackIds.delete(id);
  const showAlert = bool(p, 'show_alert');
  emu.callbackAnswers.push({
    callback_query_id: id,
    ...(text !== undefined ? { text } : {}),
    ...(showAlert ? { show_alert: true } : {}),
    at: Date.now(),
  });
  emu.notify();
  return true;
}

function deleteMessage(emu: EmulatorState, p: Params): true {
  const chat = emu.chats.known(p);
  const messageId = num(p, 'message_id');
  if (messageId === undefined || !chat.messages.has(messageId) || chat.deletedIds.has(messageId)) {
    throw badRequest('message to delete not found');
  }
  // Bots delete their own messages anywhere, incoming ones in private chats, others' in groups only as admin.
  const mayDelete = chat.botMessageIds.has(messageId) || chat.type === 'private' || chat.admins.includes(emu.botUser.id);
  if (!mayDelete) throw badRequest("message can't be deleted");
  chat.deletedIds.add(messageId);
  emu.deletedMessages.push({ chat_id: String(chat.id), message_id: messageId, at: Date.now() });
  emu.notify();
  return true;
}

function getChat(emu: EmulatorState, p: Params): unknown {
  const chat = emu.chats.known(p);
  if (chat.type === 'supergroup' && !chat.botIsMember) {
    throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
  }
  return { ...emu.chats.object(chat), accent_color_id: 0, max_reaction_count: 11 };
}

function leaveChat(emu: EmulatorState, p: Params): true {
  const chat = emu.chats.known(p);
  if (chat.type === 'private') throw badRequest("chat member status can't be changed in private chats");
  if (!chat.botIsMember) throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
  chat.botIsMember = false;
  // Telegram tells the bot about its own departure too.
  emu.delivery.enqueue({
    update_id: emu.nextUpdateId++,
    my_chat_member: {
      chat: emu.chats.object(chat),
      from: emu.botUser,
      date: nowSeconds(),
      old_chat_member: { status: 'member', user: emu.botUser },
      new_chat_member: { status: 'left', user: emu.botUser },
    },
  });
  return true;
}

function commandsKey(p: Params): string {
  const scope = (json(p, 'scope') ?? { type: 'default' }) as { type?: string; chat_id?: unknown; user_id?: unknown };
  return [scope.type ?? 'default', scope.chat_id ?? '', scope.user_id ?? '', str(p, 'language_code') ?? ''].join('|');
}

/** Telegram's getFile: the file's path for the download URL, refused past 20 MB as the Bot API does. */
function getFile(emu: EmulatorState, p: Params) {
  const fileId = str(p, 'file_id');
  const file = fileId ? emu.files.get(fileId) : undefined;
  if (!fileId || !file) throw badRequest('invalid file_id');
  if (file.bytes.length > 20 * 1024 * 1024) throw badRequest('file is too big');
  return { file_id: fileId, file_unique_id: `u_${fileId}`, file_size: file.bytes.length, file_path: file.file_path };
}
