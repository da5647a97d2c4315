import type { Rng } from './prng';
import { fuzzText, garbageValue, hugeText, randomText } from './strings';

/**
 * Random Telegram updates for one lane of the fuzz run: mostly messages from the lane's own
 * residents (so that conversations get deep: a third of them press a button or type an option the
 * bot really offered), plus group traffic, re-deliveries, wrong types in every field, unknown
 * update kinds and plain garbage.
 */

export interface TelegramView {
  /** The newest message the bot sent into that chat with a keyboard, if any. */
  lastKeyboard(chatId: number): { message_id: number; reply_markup?: unknown } | undefined;
}

const OTHER_KINDS = [
  'channel_post',
  'edited_channel_post',
  'inline_query',
  'chosen_inline_result',
  'shipping_query',
  'pre_checkout_query',
  'poll',
  'poll_answer',
  'chat_member',
  'chat_join_request',
  'message_reaction',
  'business_message',
  '__proto__',
  'constructor',
];
const NON_TEXT = [
  'sticker',
  'animation',
  'video_note',
  'audio',
  'poll',
  'dice',
  'game',
  'venue',
  'story',
  'invoice',
  'left_chat_member',
  'pinned_message',
  'new_chat_title',
];
const REAL_CHOICES = [
  'menu:tip',
  'menu:mediation',
  'menu:join',
  'menu:lang',
  'lang:vi',
  'lang:en',
  'nav:back',
  'nav:cancel',
  'nav:done',
  'nav:skip',
  'nav:confirm',
  'nav:edit',
  'nav:summary',
  'category:theft',
  'category:other',
  'category:noise',
  'when:earlier',
  'identity:contact',
  'identity:anonymous',
  '__edit:what',
  '__edit:joinCode',
  '__edit:nope',
  'menu:',
  'lang:xx',
  '__proto__',
];

export class TelegramUpdateFuzzer {
  private nextId: number;
  private readonly recent: unknown[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly users: readonly number[],
    private readonly groups: readonly number[],
    private readonly view: TelegramView,
    firstUpdateId: number,
  ) {
    this.nextId = firstUpdateId;
  }

  next(): unknown {
    const { rng } = this;
    const kind = rng.weighted([
      [6, 'garbage'],
      [3, 'redelivery'],
      [10, 'group'],
      [6, 'bad-ids'],
      [3, 'other-kind'],
      [72, 'private'],
    ] as const);
    let update: unknown;
    switch (kind) {
      case 'garbage':
        update = this.garbage();
        break;
      case 'redelivery':
        update = this.recent.length ? rng.pick(this.recent) : this.garbage();
        break;
      case 'group':
        update = this.groupUpdate();
        break;
      case 'bad-ids':
        update = this.badIds();
        break;
      case 'other-kind':
        update = { update_id: this.id(), [rng.pick(OTHER_KINDS)]: garbageValue(rng) };
        break;
      case 'private':
        update = this.privateUpdate(rng.pick(this.users));
        break;
    }
    if (this.recent.length < 50) this.recent.push(update);
    else this.recent[rng.int(0, 49)] = update;
    return update;
  }

  private id(): number {
    return this.nextId++;
  }

  private garbage(): unknown {
    const { rng } = this;
    return rng.pick<() => unknown>([
      () => null,
      () => undefined,
      () => 42,
      () => 'update',
      () => [],
      () => [{ update_id: 1 }],
      () => ({}),
      () => ({ update_id: 'x', message: { text: 'hi' } }),
      () => ({ update_id: NaN, message: {} }),
      () => ({ update_id: Infinity }),
      () => ({ update_id: -1, message: null }),
      () => ({ update_id: this.id(), message: 'not an object' }),
      () => ({ update_id: this.id(), message: [] }),
      () => ({ update_id: this.id(), callback_query: 7 }),
      () => ({ update_id: this.id(), my_chat_member: [] }),
      () => JSON.parse(`{"update_id": ${this.id()}, "__proto__": {"message": {"text": "/start"}}}`),
      () => garbageValue(rng),
      () => ({ update_id: this.id(), message: garbageValue(rng) }),
      () => ({ update_id: this.id(), edited_message: garbageValue(rng), callback_query: garbageValue(rng) }),
    ])();
  }

  private from(userId: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
    const { rng } = this;
    return {
      id: userId,
      is_bot: rng.chance(0.02) ? 'yes' : false,
      first_name: rng.chance(0.9) ? randomText(rng, 20) : garbageValue(rng),
      ...(rng.chance(0.8) ? { language_code: rng.pick(['vi', 'en', 'en-US', 'vi-VN', 'zz', '', 'VI', 42, null, hugeText(rng)]) } : {}),
      ...over,
    };
  }

  private chat(id: unknown, type: unknown): Record<string, unknown> {
    const { rng } = this;
    return { id, type, ...(rng.chance(0.3) ? { title: rng.chance(0.8) ? randomText(rng, 40) : garbageValue(rng) } : {}) };
  }

  private messageUpdate(
    chat: Record<string, unknown>,
    from: Record<string, unknown>,
    content: Record<string, unknown>,
  ): Record<string, unknown> {
    const { rng } = this;
    const message = {
      message_id: rng.chance(0.95) ? this.rng.int(1, 1e6) : garbageValue(rng),
      date: rng.chance(0.95) ? 1_700_000_000 : garbageValue(rng),
      chat,
      from,
      ...content,
    };
    return { update_id: this.id(), [rng.chance(0.93) ? 'message' : 'edited_message']: message };
  }

  private privateUpdate(userId: number): unknown {
    const { rng } = this;
    const chat = this.chat(userId, rng.chance(0.97) ? 'private' : rng.pick(['PRIVATE', 'secret', '', 3]));
    const from = this.from(userId);
    const keyboard = this.view.lastKeyboard(userId);
    if (keyboard && rng.chance(0.5)) {
      const smart = this.answerKeyboard(userId, keyboard, chat, from);
      if (smart) return smart;
    }
    const content = rng.weighted<() => unknown>([
      [45, () => ({ text: fuzzText(rng) })],
      [6, () => ({ text: garbageValue(rng) })],
      [8, () => this.callback(userId, chat, from, rng.chance(0.7) ? rng.pick(REAL_CHOICES) : garbageValue(rng))],
      [6, () => ({ photo: this.photoSizes(), ...(rng.chance(0.4) ? { caption: fuzzText(rng) } : {}) })],
      [
        4,
        () => ({
          [rng.pick(['video', 'voice', 'document'])]: rng.chance(0.8) ? { file_id: randomText(rng, 60) || 'f' } : garbageValue(rng),
        }),
      ],
      [6, () => ({ location: this.location() })],
      [
        5,
        () => ({
          contact: {
            phone_number: rng.chance(0.7) ? fuzzText(rng) : garbageValue(rng),
            first_name: 'A',
            user_id: rng.chance(0.8) ? userId : garbageValue(rng),
          },
        }),
      ],
      [5, () => ({ [rng.pick(NON_TEXT)]: garbageValue(rng) })],
      [3, () => ({})],
      [3, () => ({ text: fuzzText(rng), caption: fuzzText(rng), location: this.location(), photo: this.photoSizes(), sticker: {} })],
      [3, () => ({ new_chat_members: garbageValue(rng) })],
    ]);
    const made = content();
    if (made && typeof made === 'object' && 'update_id' in made) return made;
    return this.messageUpdate(chat, from, made as Record<string, unknown>);
  }

  /** Presses one of the buttons the bot offered, or types a reply-keyboard label, or shares what it asks for. */
  private answerKeyboard(
    userId: number,
    keyboard: { message_id: number; reply_markup?: unknown },
    chat: Record<string, unknown>,
    from: Record<string, unknown>,
  ): unknown {
    const { rng } = this;
    const markup = keyboard.reply_markup as
      | {
          inline_keyboard?: { callback_data?: string }[][];
          keyboard?: { text: string; request_location?: boolean; request_contact?: boolean }[][];
        }
      | undefined;
    const inline = (markup?.inline_keyboard ?? []).flat().flatMap((b) => (b.callback_data ? [b.callback_data] : []));
    if (inline.length) {
      // Mostly forward (confirm when offered), sometimes back, cancel or edit: deep conversations, all paths.
      const forward = inline.filter((d) => !/^nav:(back|cancel|edit|summary)$/.test(d));
      const data =
        inline.includes('nav:confirm') && rng.chance(0.6)
          ? 'nav:confirm'
          : forward.length && rng.chance(0.8)
            ? rng.pick(forward)
            : rng.pick(inline);
      return this.callback(userId, chat, from, data, keyboard.message_id);
    }
    const reply = (markup?.keyboard ?? []).flat();
    if (reply.length) {
      const button = rng.pick(reply);
      if (button.request_location) return this.messageUpdate(chat, from, { location: { latitude: 10.7769, longitude: 106.7009 } });
      if (button.request_contact)
        return this.messageUpdate(chat, from, {
          contact: {
            phone_number: rng.pick(['+84912000502', '0912345678', '84 90 123 4567', '+1 555 0100']),
            first_name: 'A',
            user_id: userId,
          },
        });
      return this.messageUpdate(chat, from, {
        text: rng.chance(0.5) ? button.text : rng.pick(['Hẻm 45 Lê Lợi', 'Hai thanh niên bẻ khóa xe máy', '0912345678', 'KP1TO3']),
      });
    }
    return undefined;
  }

  private callback(
    userId: unknown,
    chat: Record<string, unknown>,
    from: Record<string, unknown>,
    data: unknown,
    messageId?: number,
  ): Record<string, unknown> {
    const { rng } = this;
    const message = rng.chance(0.9)
      ? { message_id: messageId ?? rng.int(1, 1000), date: 1_700_000_000, chat }
      : rng.chance(0.5)
        ? undefined
        : garbageValue(rng);
    return {
      update_id: this.id(),
      callback_query: {
        id: rng.chance(0.9) ? `${String(userId)}${rng.int(0, 1e9)}` : garbageValue(rng),
        from,
        message,
        chat_instance: 'ci',
        ...(data === undefined ? {} : { data: typeof data === 'string' && rng.chance(0.05) ? data + 'x'.repeat(80) : data }),
      },
    };
  }

  private photoSizes(): unknown {
    const { rng } = this;
    if (rng.chance(0.15)) return garbageValue(rng);
    return Array.from({ length: rng.int(0, 4) }, (_, i) =>
      rng.chance(0.9)
        ? { file_id: rng.chance(0.9) ? `AgAC-${rng.int(0, 1e6)}-${i}` : garbageValue(rng), width: 90, height: 90 }
        : garbageValue(rng),
    );
  }

  private location(): unknown {
    const { rng } = this;
    if (rng.chance(0.2)) return garbageValue(rng);
    const coord = () => rng.pick<unknown>([10.7769, 106.7009, 0, -90, 90, 180, -180, 90.0001, 181, NaN, Infinity, '10.5', null, 1e308]);
    return { latitude: coord(), longitude: coord() };
  }

  private groupUpdate(): unknown {
    const { rng } = this;
    const groupId = rng.pick(this.groups);
    const userId = rng.pick(this.users);
    const chat = this.chat(groupId, rng.pick(['supergroup', 'group', 'supergroup', 'channel']));
    const from = this.from(userId);
    return rng.weighted<() => unknown>([
      [
        40,
        () =>
          this.messageUpdate(chat, from, {
            text: rng.chance(0.6)
              ? rng.pick([
                  '/baotin',
                  '/hoagiai',
                  '/start',
                  '/khuvuc kp1-to3',
                  '/khuvuc',
                  '/khuvuc nowhere',
                  '/area kp2-to1',
                  '/help',
                  '/menu',
                  '/tip@totuquan_test_bot',
                  '/huy',
                ])
              : fuzzText(rng),
          }),
      ],
      [
        15,
        () => ({
          update_id: this.id(),
          my_chat_member: {
            chat,
            from,
            date: 1,
            old_chat_member: { status: 'left' },
            new_chat_member: { status: rng.pick(['member', 'administrator', 'left', 'kicked', garbageValue(rng)]) },
          },
        }),
      ],
      [
        10,
        () =>
          this.messageUpdate(chat, from, {
            new_chat_members: [rng.chance(0.7) ? { id: 123456, is_bot: true, username: 'totuquan_test_bot' } : garbageValue(rng)],
          }),
      ],
      [10, () => this.callback(userId, chat, from, rng.pick(REAL_CHOICES))],
      [10, () => this.messageUpdate(chat, from, { photo: this.photoSizes() })],
      [15, () => this.messageUpdate(chat, from, { text: fuzzText(rng) })],
    ])();
  }

  private badIds(): unknown {
    const { rng } = this;
    const badId = () =>
      rng.pick<unknown>([
        undefined,
        null,
        '',
        'abc',
        '12a',
        ' ',
        'x'.repeat(70),
        1.5,
        -0,
        NaN,
        Infinity,
        2 ** 60,
        -(2 ** 60),
        {},
        [],
        true,
        '100000001',
        0,
      ]);
    const chatId = rng.chance(0.5) ? badId() : rng.pick(this.users);
    const userId = rng.chance(0.5) ? badId() : rng.pick(this.users);
    return this.messageUpdate(this.chat(chatId, rng.pick(['private', 'supergroup', undefined, 7])), this.from(userId), {
      text: fuzzText(rng),
    });
  }
}
