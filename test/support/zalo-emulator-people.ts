import { randomBytes } from 'node:crypto';
import type { Delivery } from './zalo-emulator';

/**
 * The people of the Zalo emulator: residents in private chats and members of group chats, whose
 * every message becomes an update shaped as the live API sends it (docs/zalo-api.md). Where the
 * docs show another shape (`photo` instead of `photo_url`), `{ documented: true }` sends that one.
 */

export interface ZaloSample {
  event_name: string;
  message: {
    message_id: string;
    date: number;
    chat: { id: string; chat_type: 'PRIVATE' | 'GROUP' };
    from: { id: string; display_name: string; is_bot: boolean };
    message_type?: string;
    text?: string;
    /** Live image updates. */
    photo_url?: string;
    /** Documented image updates. */
    photo?: string;
    caption?: string;
    sticker?: string;
    voice_url?: string;
  };
}

type Content = Omit<ZaloSample['message'], 'message_id' | 'date' | 'chat' | 'from'>;

/** What the people need of the emulator: a way to hand an update on, and the bot's name. */
export interface UpdateSink {
  pushRaw<U>(update: U): Promise<Delivery<U>>;
  readonly botName: string;
}

/** Shape shared by every update: who sent it where, and when. */
export function buildUpdate(
  eventName: string,
  chat: ZaloSample['message']['chat'],
  from: ZaloSample['message']['from'],
  content: Content,
): ZaloSample {
  return { event_name: eventName, message: { message_id: randomHex(), date: Date.now(), chat, from, ...content } };
}

function imageContent(url: string, caption: string | undefined, documented: boolean): Content {
  const picture = documented ? { photo: url } : { photo_url: url, message_type: 'CHAT_PHOTO' };
  return caption === undefined ? picture : { ...picture, caption };
}

/** A resident in a private chat with the bot (Zalo's private chat id is the user's id). */
export class EmulatedUser {
  constructor(
    private readonly sink: UpdateSink,
    readonly id: string,
    readonly name: string,
  ) {}

  sendText(text: string): Promise<Delivery<ZaloSample>> {
    return this.push('message.text.received', { text });
  }

  sendImage(url: string, caption?: string, opts: { documented?: boolean } = {}): Promise<Delivery<ZaloSample>> {
    return this.push('message.image.received', imageContent(url, caption, opts.documented ?? false));
  }

  /** A voice note: live updates carry an .aac URL. */
  sendVoice(url: string): Promise<Delivery<ZaloSample>> {
    return this.push('message.voice.received', { voice_url: url, message_type: 'CHAT_VOICE' });
  }

  sendSticker(): Promise<Delivery<ZaloSample>> {
    return this.push('message.sticker.received', { sticker: randomHex() });
  }

  /** What a protected account (a child's, for one) sends whatever it writes: no content at all. */
  sendUnsupported(): Promise<Delivery<ZaloSample>> {
    return this.push('message.unsupported.received', {});
  }

  private push(eventName: string, content: Content): Promise<Delivery<ZaloSample>> {
    const update = buildUpdate(
      eventName,
      { id: this.id, chat_type: 'PRIVATE' },
      { id: this.id, display_name: this.name, is_bot: false },
      content,
    );
    return this.sink.pushRaw(update);
  }
}

/**
 * A group chat with the bot in it. Zalo hands the bot only what @mentions it (the mention first in
 * the text, the bot named by its display name) or replies to it; anything else said in the group
 * never reaches the bot, so `say` delivers nothing.
 */
export class EmulatedGroup {
  constructor(
    private readonly sink: UpdateSink,
    readonly id: string,
  ) {}

  member(id: string, name = 'Nguyen Van A'): EmulatedGroupMember {
    return new EmulatedGroupMember(this.sink, this.id, id, name);
  }
}

export class EmulatedGroupMember {
  constructor(
    private readonly sink: UpdateSink,
    readonly groupId: string,
    readonly id: string,
    readonly name: string,
  ) {}

  /** "@Bot Tổ tự quản /baotin", as Zalo delivers it. */
  mention(text: string): Promise<Delivery<ZaloSample>> {
    return this.push('message.text.received', { text: `@${this.sink.botName} ${text}` });
  }

  /** Said in the group without naming the bot: Zalo does not deliver it, so nothing is pushed. */
  say(text: string): null {
    void text;
    return null;
  }

  /** A photo reaches the bot only when its caption mentions it. */
  sendImage(url: string, caption: string, opts: { mention: boolean }): Promise<Delivery<ZaloSample>> | null {
    if (!opts.mention) return null;
    return this.push('message.image.received', imageContent(url, `@${this.sink.botName} ${caption}`, false));
  }

  private push(eventName: string, content: Content): Promise<Delivery<ZaloSample>> {
    const update = buildUpdate(
      eventName,
      { id: this.groupId, chat_type: 'GROUP' },
      { id: this.id, display_name: this.name, is_bot: false },
      content,
    );
    return this.sink.pushRaw(update);
  }
}

export function randomHex(): string {
  return randomBytes(10).toString('hex');
}
