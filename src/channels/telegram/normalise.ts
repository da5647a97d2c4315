import type { Attachment, InboundMessage } from '../../conversations/messages';
import { parseCommand } from '../../conversations/parse-command';

/**
 * Telegram update → InboundMessage. Updates arrive from the network (webhook bodies anyone can
 * POST to, if they get past the secret), so nothing is assumed: every field is checked for type,
 * and anything unexpected becomes `unsupported` or null rather than an exception.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const id = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v.length > 0 && v.length < 64 ? v : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function normaliseTelegramUpdate(update: unknown, botUsername: string, botId?: number): InboundMessage | null {
  const u = obj(update);
  const updateId = u && num(u.update_id);
  if (!u || updateId === undefined) return null;
  const base = { channel: 'telegram' as const, updateId: String(updateId) };

  const cb = obj(u.callback_query);
  if (cb) {
    const from = obj(cb.from);
    const chat = obj(obj(cb.message)?.chat);
    const userId = id(from?.id);
    const chatId = id(chat?.id) ?? userId;
    const data = str(cb.data);
    if (!userId || !chatId) return null;
    return {
      ...base,
      chatId,
      userId,
      chatType: chatTypeOf(chat),
      languageHint: str(from?.language_code),
      choice: data?.slice(0, 64),
      unsupported: data === undefined ? 'callback' : undefined,
    };
  }

  const member = obj(u.my_chat_member);
  if (member) {
    const chat = obj(member.chat);
    const chatId = id(chat?.id);
    const userId = id(obj(member.from)?.id);
    const status = str(obj(member.new_chat_member)?.status);
    if (!chatId || !userId || chatTypeOf(chat) !== 'group') return null;
    if (status !== 'member' && status !== 'administrator') return null;
    return { ...base, chatId, userId, chatType: 'group', botAddedToGroup: true, groupTitle: str(chat?.title)?.slice(0, 256) };
  }

  // Only new messages. An edit is not a new message: handled as one, a live location shared as an
  // answer to an officer would stream the tipster's position (each move is an `edited_message`),
  // and a corrected text would be taken as the answer to the next question. The bot does not ask
  // Telegram for edits (ALLOWED_UPDATES); a webhook body is anyone's, so they are dropped here too.
  const m = obj(u.message);
  if (!m) return null;
  const chat = obj(m.chat);
  const from = obj(m.from);
  const chatId = id(chat?.id);
  const userId = id(from?.id);
  if (!chatId || !userId) return null;
  const msg: InboundMessage = {
    ...base,
    chatId,
    userId,
    chatType: chatTypeOf(chat),
    languageHint: str(from?.language_code),
    groupTitle: str(chat?.title)?.slice(0, 256),
  };

  const newMembers = Array.isArray(m.new_chat_members) ? m.new_chat_members.map(obj) : [];
  if (
    newMembers.some(
      (nm) => (botId !== undefined && num(nm?.id) === botId) || str(nm?.username)?.toLowerCase() === botUsername.toLowerCase(),
    )
  ) {
    // The same event also comes as my_chat_member; the service registers groups idempotently.
    return { ...msg, botAddedToGroup: true };
  }

  const text = str(m.text) ?? str(m.caption);
  if (text !== undefined) {
    msg.text = text.normalize('NFC');
    // "/cmd@otherbot" in a group is for another bot: parseCommand leaves it as text.
    msg.command = parseCommand(msg.text, botUsername);
    if (msg.chatType === 'group' && mentionsBot(msg.text, m, botUsername, botId)) msg.mentionsBot = true;
  }
  const loc = obj(m.location);
  const lat = num(loc?.latitude);
  const lon = num(loc?.longitude);
  // A live location (`live_period`) is refused: its later positions would follow the tipster home.
  if (loc && loc.live_period !== undefined) msg.unsupported = 'live_location';
  else if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180)
    msg.location = { latitude: lat, longitude: lon };
  const contact = obj(m.contact);
  // Only the sender's own number counts as "sharing my contact", not a forwarded card.
  if (contact && str(contact.phone_number) && num(contact.user_id) === num(from?.id))
    msg.contactPhone = str(contact.phone_number)!
      .replace(/[^\d+]/g, '')
      .slice(0, 20);

  const attachments: Attachment[] = [];
  if (Array.isArray(m.photo) && m.photo.length > 0) {
    const largest = obj(m.photo[m.photo.length - 1]);
    const ref = str(largest?.file_id);
    if (ref) attachments.push({ kind: 'photo', ref });
  }
  for (const kind of ['video', 'voice', 'document'] as const) {
    const ref = str(obj(m[kind])?.file_id);
    if (ref) attachments.push({ kind, ref });
  }
  if (attachments.length) msg.attachments = attachments;

  if (msg.text === undefined && !msg.location && !msg.contactPhone && !msg.attachments && !msg.unsupported) {
    msg.unsupported =
      ['sticker', 'animation', 'video_note', 'audio', 'poll', 'dice', 'game', 'venue', 'contact'].find((k) => k in m) ?? 'other';
  }
  return msg;
}

/** "@ourbot …" anywhere in the text, or a reply to one of the bot's own messages. */
function mentionsBot(text: string, m: Obj, botUsername: string, botId?: number): boolean {
  const name = botUsername.replace(/[^A-Za-z0-9_]/g, '');
  if (name && new RegExp(`(^|[^A-Za-z0-9_])@${name}(?![A-Za-z0-9_])`, 'i').test(text)) return true;
  const repliedTo = obj(obj(m.reply_to_message)?.from);
  return botId !== undefined && num(repliedTo?.id) === botId;
}

function chatTypeOf(chat: Obj | undefined): 'private' | 'group' {
  const type = str(chat?.type);
  return type === 'group' || type === 'supergroup' || type === 'channel' ? 'group' : 'private';
}
