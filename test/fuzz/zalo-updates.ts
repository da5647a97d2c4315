import type { Rng } from './prng';
import { fuzzText, garbageValue, hugeText, randomText } from './strings';

/**
 * Random Zalo updates for one lane of the fuzz run: the documented shape with its fields missing,
 * mistyped or oversized, unknown event names, odd ids, and (for a third of the residents'
 * messages) the number of an option the bot really offered, so conversations get deep.
 */

export interface ZaloView {
  /** The numbered options the newest message to that chat offered, in order (empty when none). */
  options(chatId: string): string[];
}

const EVENTS = [
  'message.text.received',
  'message.image.received',
  'message.sticker.received',
  'message.unsupported.received',
  'message.link.received',
  'message.file.received',
  'user.follow',
  'message.text.received ',
  'MESSAGE.TEXT.RECEIVED',
  '',
  'x'.repeat(200),
];

export class ZaloUpdateFuzzer {
  private nextId = 0;
  private readonly recent: unknown[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly users: readonly string[],
    private readonly groups: readonly string[],
    private readonly view: ZaloView,
    private readonly lane: number,
  ) {}

  next(): unknown {
    const { rng } = this;
    const kind = rng.weighted([
      [6, 'garbage'],
      [3, 'redelivery'],
      [8, 'group'],
      [6, 'bad-ids'],
      [77, 'private'],
    ] as const);
    let update: unknown;
    switch (kind) {
      case 'garbage':
        update = this.garbage();
        break;
      case 'redelivery':
        update = this.recent.length ? rng.pick(this.recent) : this.garbage();
        break;
      case 'group': {
        const user = rng.pick(this.users);
        update = this.update(
          rng.pick(this.groups),
          user,
          rng.chance(0.7) ? 'GROUP' : rng.pick([undefined, 'group', 7]),
          this.content(user),
        );
        break;
      }
      case 'bad-ids': {
        const bad = () =>
          rng.pick<unknown>([undefined, null, '', '   ', 42, 1.5, NaN, 2 ** 60, 'x'.repeat(200), {}, [], true, 'zl-officer-cskv-1']);
        const user = rng.pick(this.users);
        update = this.update(rng.chance(0.5) ? bad() : user, rng.chance(0.5) ? bad() : user, rng.pick(['PRIVATE', 'GROUP', undefined]), {
          event_name: 'message.text.received',
          text: fuzzText(rng),
        });
        break;
      }
      case 'private': {
        const user = rng.pick(this.users);
        const chatType = rng.chance(0.95) ? 'PRIVATE' : rng.pick([undefined, 'private', 'GROUP', 0]);
        update = this.update(user, user, chatType, this.content(user));
        break;
      }
    }
    if (this.recent.length < 50) this.recent.push(update);
    else this.recent[rng.int(0, 49)] = update;
    return update;
  }

  private messageId(): unknown {
    const { rng } = this;
    this.nextId++;
    if (rng.chance(0.93)) return `fz${this.lane}-${this.nextId}`;
    return rng.pick<unknown>([undefined, null, '', 12345 + this.nextId + this.lane * 1e7, 1.5, {}, 'x'.repeat(300)]);
  }

  private content(user: string): Record<string, unknown> {
    const { rng } = this;
    const options = this.view.options(user);
    if (options.length > 0 && rng.chance(0.5)) {
      // Mostly forward (send when offered), sometimes back, cancel or edit, typed as the number or the words.
      const numbered = options.map((label, i) => ({ label, n: i + 1 }));
      const forward = numbered.filter((o) => !/Quay lại|Hủy|Sửa|Back|Cancel|Edit/.test(o.label));
      const send = numbered.find((o) => /Gửi$|Send$/.test(o.label));
      const choice = send && rng.chance(0.6) ? send : forward.length && rng.chance(0.8) ? rng.pick(forward) : rng.pick(numbered);
      return { event_name: 'message.text.received', text: rng.chance(0.85) ? String(choice.n) : choice.label };
    }
    return rng.weighted<() => Record<string, unknown>>([
      [50, () => ({ event_name: 'message.text.received', text: fuzzText(rng) })],
      [6, () => ({ event_name: 'message.text.received', text: garbageValue(rng) })],
      [
        8,
        () => ({
          event_name: 'message.image.received',
          photo: rng.chance(0.7) ? `https://zalo.example/p/${rng.int(0, 1e6)}.jpg` : garbageValue(rng),
          ...(rng.chance(0.5) ? { caption: fuzzText(rng) } : {}),
        }),
      ],
      [
        3,
        () => ({
          event_name: 'message.image.received',
          photo_url: rng.pick(['https://x.example/a b', `https://${'a'.repeat(3000)}.example`, 'ftp://x', 'http://ok.example/1.png']),
        }),
      ],
      [5, () => ({ event_name: 'message.sticker.received', sticker: randomText(rng, 10) })],
      [3, () => ({ event_name: 'message.unsupported.received' })],
      [6, () => ({ event_name: rng.pick(EVENTS), text: fuzzText(rng) })],
      [5, () => ({ event_name: garbageValue(rng), text: fuzzText(rng), photo: garbageValue(rng) })],
      [5, () => ({ text: fuzzText(rng) })],
      [3, () => ({ photo: 'https://zalo.example/p/no-event.jpg' })],
      [3, () => ({ event_name: 'message.text.received', text: hugeText(rng) })],
      [3, () => ({ event_name: 'message.text.received' })],
    ])();
  }

  private update(chatId: unknown, userId: unknown, chatType: unknown, content: Record<string, unknown>): unknown {
    const { rng } = this;
    const { event_name: eventName, ...fields } = content;
    const message: Record<string, unknown> = {
      message_id: this.messageId(),
      date: rng.chance(0.95) ? 1_766_619_597_466 + this.nextId : garbageValue(rng),
      chat: rng.chance(0.97) ? { id: chatId, ...(chatType === undefined ? {} : { chat_type: chatType }) } : garbageValue(rng),
      from: rng.chance(0.97)
        ? {
            id: userId,
            ...(rng.chance(0.8)
              ? { display_name: rng.chance(0.9) ? randomText(rng, 30) : garbageValue(rng) }
              : { first_name: hugeText(rng) }),
          }
        : garbageValue(rng),
      ...fields,
    };
    return { ...('event_name' in content ? { event_name: eventName } : {}), message };
  }

  private garbage(): unknown {
    const { rng } = this;
    return rng.pick<() => unknown>([
      () => null,
      () => undefined,
      () => 'message.text.received',
      () => 7,
      () => [],
      () => ({}),
      () => ({ event_name: 'message.text.received' }),
      () => ({ event_name: 'message.text.received', message: null }),
      () => ({ event_name: 'message.text.received', message: 'hi' }),
      () => ({ event_name: 'message.text.received', message: [{ text: 'hi' }] }),
      () => ({ result: { message: { text: 'hi' } } }),
      () => JSON.parse('{"event_name":"message.text.received","message":{"__proto__":{"chat":{"id":"p"}},"text":"hi"}}'),
      () => ({ event_name: garbageValue(rng), message: garbageValue(rng) }),
      () => garbageValue(rng),
    ])();
  }
}
