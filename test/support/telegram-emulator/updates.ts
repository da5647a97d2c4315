/**
 * Updates the test pushes as if Telegram sent them: what users type and press (EmulatedUser), and
 * any raw update for fuzzing. They are built as Telegram builds them (entities for commands and
 * mentions, photo sizes, callback query ids) because the bot parses exactly those shapes.
 */
import type { Message, MessageEntity, PhotoSize, Update, User } from 'telegraf/types';
import { nowSeconds, type ChatState, type ReplyMessage, type TgChat } from './chats';
import { sampleAac, sampleJpeg } from '../sample-media';
import type { EmulatorState } from './state';
import type { CallbackQueryWithData, EmulatedUser, SentMessage } from './types';

/** A message's own fields: all but the common part every message of a user's gets. */
type OwnFields<M extends Message> = Omit<M, 'message_id' | 'date' | 'chat' | 'from'>;

export interface UserOptions {
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/**
 * A file a user sends exists on Telegram's servers: getFile finds it and the file URL serves it.
 * Bytes the test set beforehand (TelegramEmulator.hostFile) are kept; otherwise a sample.
 */
function host(emu: EmulatorState, fileId: string, folder: string, ext: string, sample: Buffer): Buffer {
  const known = emu.files.get(fileId);
  if (known) return known.bytes;
  emu.files.set(fileId, { bytes: sample, file_path: `${folder}/file_${emu.files.size + 1}.${ext}` });
  return sample;
}

/** Pushes any update (for fuzzing); an `update_id` is assigned when missing. */
export function pushUpdate(emu: EmulatorState, update: Record<string, unknown>): Update {
  const full = { ...update, update_id: typeof update.update_id === 'number' ? update.update_id : emu.nextUpdateId++ };
  emu.nextUpdateId = Math.max(emu.nextUpdateId, full.update_id + 1);
  // So that the bot may answer a hand-made callback query like one from pressButton.
  const query = update.callback_query as { id?: unknown } | undefined;
  if (typeof query?.id === 'string') emu.pendingCallbackIds.add(query.id);
  // Raw updates are whatever the test says they are; the bot must cope with the shape.
  emu.delivery.enqueue(full as unknown as Update);
  return full as unknown as Update;
}

/** A user a test drives; calling it again for the same id keeps the names not given again. */
export function emulatedUser(emu: EmulatorState, id: number, opts: UserOptions = {}): EmulatedUser {
  const previous = emu.chats.users.get(id);
  const from: User = {
    id,
    is_bot: false,
    first_name: opts.firstName ?? previous?.first_name ?? `User ${id}`,
    ...((opts.lastName ?? previous?.last_name) !== undefined ? { last_name: opts.lastName ?? previous?.last_name } : {}),
    ...((opts.username ?? previous?.username) !== undefined ? { username: opts.username ?? previous?.username } : {}),
    language_code: opts.languageCode ?? previous?.language_code ?? 'vi',
  };
  emu.chats.users.set(id, from);

  /**
   * Writes a message of the user's into chatId: makes sure the chat is one they can write in, puts
   * the common part (id, date, chat, sender) before the fields of its kind, stores the message and
   * pushes it, unless privacy mode hides it from the bot.
   */
  const post = <M extends Message>(chatId: number, fields: (chat: ChatState) => OwnFields<M>): Update.MessageUpdate<M> => {
    if (chatId > 0 && chatId !== id) {
      throw new Error(`user ${id} cannot write in private chat ${chatId}: a private chat's id is the user's id`);
    }
    const chat = emu.chats.get(chatId);
    if (chat.type === 'private') {
      chat.started = true;
      // Writing again means the user unblocked the bot (Telegram requires it to send).
      chat.blocked = false;
    }
    const message_id = chat.nextMessageId++;
    const date = nowSeconds();
    const chat_obj = emu.chats.object(chat);
    // OwnFields<M> is M without the common part added here, so together they are an M again.
    const message = { message_id, date, chat: chat_obj, from, ...fields(chat) } as M & { from: User; chat: TgChat };
    chat.messages.set(message.message_id, message);
    const update = { update_id: emu.nextUpdateId++, message } as Update.MessageUpdate<M>;
    if (chat.type === 'supergroup' && !chat.botIsMember) return update; // the bot left: it sees nothing
    if (emu.chats.hiddenByPrivacy(chat, message)) emu.stats.hiddenByPrivacy++;
    else emu.delivery.enqueue(update);
    return update;
  };

  /**
   * The user changes one of their messages (a corrected text, a live location's new position):
   * Telegram sends the whole message again as `edited_message`, with `edit_date`, unless the bot
   * left `edited_message` out of its `allowed_updates`.
   */
  const edit = (original: Message, fields: Record<string, unknown>): Update => {
    const chat = emu.chats.get(original.chat.id);
    const edited = { ...original, ...fields, edit_date: nowSeconds() } as Message;
    chat.messages.set(original.message_id, edited as Message & { from: User; chat: TgChat });
    const update = { update_id: emu.nextUpdateId++, edited_message: edited } as unknown as Update;
    emu.delivery.enqueue(update);
    return update;
  };

  const replyTo = (chat: ChatState, ref: SentMessage | number | undefined): { reply_to_message?: ReplyMessage } => {
    if (ref === undefined) return {};
    const messageId = typeof ref === 'number' ? ref : ref.message_id;
    const target = chat.messages.get(messageId);
    if (!target) throw new Error(`no message ${messageId} in chat ${chat.id} to reply to`);
    return { reply_to_message: target as ReplyMessage };
  };

  return {
    id,
    from,
    sendText: (chatId, text, opts = {}) =>
      post<Message.TextMessage>(chatId, (chat) => {
        const entities = detectEntities(text);
        return { text, ...(entities.length > 0 ? { entities } : {}), ...replyTo(chat, opts.replyTo) };
      }),
    pressButton: (message, callbackData) => {
      const chat = emu.chats.get(Number(message.chat_id));
      if (chat.type === 'private' && chat.id !== id) {
        throw new Error(`user ${id} cannot see private chat ${chat.id}`);
      }
      const current = chat.messages.get(message.message_id);
      if (!current || chat.deletedIds.has(message.message_id) || !chat.botMessageIds.has(message.message_id)) {
        throw new Error(`message ${message.message_id} in chat ${message.chat_id} is not a bot message the user can see`);
      }
      const markup = 'reply_markup' in current ? current.reply_markup : undefined;
      const available = (markup?.inline_keyboard ?? []).flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
      if (!available.includes(callbackData)) {
        throw new Error(
          `message ${message.message_id} has no inline button with callback_data ${JSON.stringify(callbackData)}; ` +
            `it has ${JSON.stringify(available)}`,
        );
      }
      if (chat.type === 'private') chat.started = true;
      const queryId = `${id}${String(emu.nextCallbackId++).padStart(6, '0')}`;
      emu.pendingCallbackIds.add(queryId);
      const update: Update.CallbackQueryUpdate<CallbackQueryWithData> = {
        update_id: emu.nextUpdateId++,
        callback_query: {
          id: queryId,
          from,
          message: current,
          // Stable per chat, as Telegram's is; only its equality matters to bots.
          chat_instance: `ci${Math.abs(chat.id)}`,
          data: callbackData,
        },
      };
      emu.delivery.enqueue(update);
      return update;
    },
    sendLocation: (chatId, latitude, longitude) => post<Message.LocationMessage>(chatId, () => ({ location: { latitude, longitude } })),
    sendContact: (chatId, phone) =>
      post<Message.ContactMessage>(chatId, () => ({ contact: { phone_number: phone, first_name: from.first_name, user_id: id } })),
    sendPhoto: (chatId, fileId, caption) => {
      const bytes = host(emu, fileId, 'photos', 'jpg', sampleJpeg());
      const size = (suffix: string, width: number, height: number): PhotoSize => ({
        file_id: `${fileId}${suffix}`,
        file_unique_id: `u_${fileId}${suffix}`,
        width,
        height,
        file_size: suffix === '' ? bytes.length : width * height,
      });
      return post<Message.PhotoMessage>(chatId, () => ({
        photo: [size('_s', 90, 68), size('_m', 320, 240), size('', 1280, 960)],
        ...(caption !== undefined ? { caption } : {}),
      }));
    },
    sendVoice: (chatId, fileId) => {
      const bytes = host(emu, fileId, 'voice', 'oga', Buffer.concat([Buffer.from('OggS'), sampleAac()]));
      return post<Message.VoiceMessage>(chatId, () => ({
        voice: { file_id: fileId, file_unique_id: `u_${fileId}`, duration: 3, mime_type: 'audio/ogg', file_size: bytes.length },
      }));
    },
    sendVideo: (chatId, fileId) => {
      host(
        emu,
        fileId,
        'videos',
        'mp4',
        Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(900_000 - 12, 1)]),
      );
      return post<Message.VideoMessage>(chatId, () => ({
        video: {
          file_id: fileId,
          file_unique_id: `u_${fileId}`,
          width: 1280,
          height: 720,
          duration: 5,
          mime_type: 'video/mp4',
          file_size: 900_000,
        },
      }));
    },
    sendSticker: (chatId, fileId) =>
      post<Message.StickerMessage>(chatId, () => ({
        sticker: {
          file_id: fileId,
          file_unique_id: `u_${fileId}`,
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: '👍',
        },
      })),
    shareLiveLocation: (chatId, latitude, longitude, livePeriod = 900) => {
      const started = post<Message.LocationMessage>(chatId, () => ({
        location: { latitude, longitude, live_period: livePeriod, horizontal_accuracy: 12 },
      }));
      return {
        started,
        move: (lat, lon) => edit(started.message, { location: { latitude: lat, longitude: lon, live_period: livePeriod } }),
      };
    },
    editText: (sent, text) => edit(sent.message, { text }),
    addBotToGroup: (groupId, title) => {
      if (groupId >= 0) throw new Error(`group ids are negative (got ${groupId}); supergroups look like -100…`);
      const chat = emu.chats.get(groupId);
      chat.title = title;
      chat.botIsMember = true;
      const chatObj = emu.chats.object(chat);
      const date = nowSeconds();
      const memberUpdate: Update.MyChatMemberUpdate = {
        update_id: emu.nextUpdateId++,
        my_chat_member: {
          chat: chatObj,
          from,
          date,
          old_chat_member: { status: 'left', user: emu.botUser },
          new_chat_member: { status: 'member', user: emu.botUser },
        },
      };
      const message: Message.NewChatMembersMessage & { from: User; chat: TgChat } = {
        message_id: chat.nextMessageId++,
        date,
        chat: chatObj,
        from,
        new_chat_members: [emu.botUser],
      };
      chat.messages.set(message.message_id, message);
      const messageUpdate: Update.MessageUpdate<Message.NewChatMembersMessage> = {
        update_id: emu.nextUpdateId++,
        message,
      };
      emu.delivery.enqueue(memberUpdate);
      emu.delivery.enqueue(messageUpdate);
      return [memberUpdate, messageUpdate];
    },
  };
}

/** `/command`, `/command@bot` and `@mention` entities, as Telegram clients produce them. */
function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const re = /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{5,32})(?=$|[\s.,!?:;)])/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const offset = m.index + m[1].length; // JS indices are UTF-16 units, as Telegram's offsets are
    entities.push({ type: m[2].startsWith('/') ? 'bot_command' : 'mention', offset, length: m[2].length });
  }
  return entities;
}
