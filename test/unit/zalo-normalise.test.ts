import { normaliseZaloUpdate } from '../../src/channels/zalo/normalise';
import { CONTENT_WITHHELD } from '../../src/conversations/messages';

function sample(overrides: Record<string, unknown> = {}, message: Record<string, unknown> = {}): unknown {
  return {
    event_name: 'message.text.received',
    message: {
      message_id: '16f6366b3f02645a3d15',
      date: 1766619597466,
      chat: { id: 'e4ea2cd5189df1c3a88c', chat_type: 'PRIVATE' },
      from: { id: 'e4ea2cd5189df1c3a88c', display_name: 'Nguyen Van A' },
      text: 'Xin chào',
      ...message,
    },
    ...overrides,
  };
}

describe('normaliseZaloUpdate', () => {
  it('normalises the documented text sample', () => {
    expect(normaliseZaloUpdate(sample())).toEqual({
      channel: 'zalo',
      updateId: 'zalo:16f6366b3f02645a3d15',
      chatId: 'e4ea2cd5189df1c3a88c',
      chatType: 'private',
      userId: 'e4ea2cd5189df1c3a88c',
      userName: 'Nguyen Van A',
      text: 'Xin chào',
    });
  });

  it('takes the sender name from first_name when display_name is absent', () => {
    const msg = normaliseZaloUpdate(sample({}, { from: { id: 'u1', first_name: 'Trần Thị B' } }));
    expect(msg?.userName).toBe('Trần Thị B');
    expect(msg?.userId).toBe('u1');
  });

  it('maps GROUP chats and keeps ids as strings', () => {
    const msg = normaliseZaloUpdate(sample({}, { chat: { id: 'g1', chat_type: 'GROUP' }, from: { id: 'u1' } }));
    expect(msg?.chatType).toBe('group');
    expect(msg?.chatId).toBe('g1');
  });

  it('judges an unknown chat type by the ids rather than assuming a private chat', () => {
    expect(normaliseZaloUpdate(sample({}, { chat: { id: 'g1' }, from: { id: 'u1' } }))?.chatType).toBe('group');
    expect(normaliseZaloUpdate(sample({}, { chat: { id: 'u1', chat_type: 'X' }, from: { id: 'u1' } }))?.chatType).toBe('private');
  });

  it('NFC-normalises text and names', () => {
    const msg = normaliseZaloUpdate(
      sample({}, { text: 'Đánh nhau ở ngõ 5'.normalize('NFD'), from: { id: 'u', display_name: 'Lê Văn Đức'.normalize('NFD') } }),
    );
    expect(msg?.text).toBe('Đánh nhau ở ngõ 5'.normalize('NFC'));
    expect(msg?.userName).toBe('Lê Văn Đức'.normalize('NFC'));
  });

  it.each([
    ['/start', { name: 'start', args: '' }],
    ['/START  abc-123  ', { name: 'start', args: 'abc-123' }],
    ['/join@bot.emulator  NGO5 ', { name: 'join', args: 'NGO5' }],
    ['  /help\nmore lines', { name: 'help', args: 'more lines' }],
  ])('parses the command in %j', (text, command) => {
    expect(normaliseZaloUpdate(sample({}, { text }))?.command).toEqual(command);
  });

  it.each(['hello /start', '/', '/ start', '//x'])('finds no command in %j', (text) => {
    expect(normaliseZaloUpdate(sample({}, { text }))?.command).toBeUndefined();
  });

  it('turns an image into a photo attachment with the caption as text', () => {
    const msg = normaliseZaloUpdate(
      sample({ event_name: 'message.image.received' }, { text: undefined, photo: 'https://f.zalo.me/p.jpg', caption: 'Xe lạ' }),
    );
    expect(msg?.attachments).toEqual([{ kind: 'photo', ref: 'https://f.zalo.me/p.jpg' }]);
    expect(msg?.text).toBe('Xe lạ');
    expect(msg?.unsupported).toBeUndefined();
  });

  it('keeps an image without caption as a bare attachment, and rejects a non-http photo reference', () => {
    const bare = normaliseZaloUpdate(
      sample({ event_name: 'message.image.received' }, { text: undefined, photo: 'https://f.zalo.me/p.jpg' }),
    );
    expect(bare?.text).toBeUndefined();
    expect(bare?.attachments).toHaveLength(1);
    const bad = normaliseZaloUpdate(sample({ event_name: 'message.image.received' }, { text: undefined, photo: 'javascript:alert(1)' }));
    expect(bad?.attachments).toBeUndefined();
    expect(bad?.unsupported).toBe('image');
  });

  it.each([
    ['message.sticker.received', 'sticker'],
    ['message.unsupported.received', CONTENT_WITHHELD],
    ['message.poll.received', 'message.poll.received'],
  ])('marks %s as unsupported', (eventName, unsupported) => {
    const msg = normaliseZaloUpdate(sample({ event_name: eventName }, { text: undefined }));
    expect(msg?.unsupported).toBe(unsupported);
    expect(msg?.text).toBeUndefined();
  });

  it('reads an update without event_name (as in some published samples) by its content', () => {
    expect(normaliseZaloUpdate(sample({ event_name: undefined }))?.text).toBe('Xin chào');
    expect(normaliseZaloUpdate(sample({ event_name: 42 }))?.unsupported).toBe('unknown');
  });

  it('marks a text event without text as unsupported rather than an empty message', () => {
    expect(normaliseZaloUpdate(sample({}, { text: 12 }))?.unsupported).toBe('empty');
    expect(normaliseZaloUpdate(sample({}, { text: '   ' }))?.unsupported).toBe('empty');
  });

  it('still gives an update id when message_id is missing', () => {
    expect(normaliseZaloUpdate(sample({}, { message_id: undefined }))?.updateId).toBe('zalo:e4ea2cd5189df1c3a88c:1766619597466');
    const a = normaliseZaloUpdate(sample({}, { message_id: undefined, date: undefined }))?.updateId;
    const b = normaliseZaloUpdate(sample({}, { message_id: undefined, date: undefined }))?.updateId;
    expect(a).toMatch(/^zalo:e4ea2cd5189df1c3a88c:/);
    expect(a).not.toBe(b);
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', [sample()]],
    ['no message', { event_name: 'message.text.received' }],
    ['no chat', sample({}, { chat: undefined })],
    ['no sender', sample({}, { from: undefined })],
    ['an empty chat id', sample({}, { chat: { id: '  ' } })],
    ['an object as sender id', sample({}, { from: { id: { $gt: '' } } })],
    ['a huge chat id', sample({}, { chat: { id: 'x'.repeat(10_000) } })],
    ['a fractional numeric id', sample({}, { from: { id: 1.5 } })],
  ])('returns null for %s', (_label, update) => {
    expect(normaliseZaloUpdate(update)).toBeNull();
  });

  it('bounds huge strings', () => {
    const msg = normaliseZaloUpdate(sample({}, { text: 'a'.repeat(5_000_000), from: { id: 'u', display_name: 'n'.repeat(100_000) } }));
    expect(msg?.text?.length).toBeLessThanOrEqual(8000);
    expect(msg?.userName?.length).toBeLessThanOrEqual(128);
  });

  it('never throws on thousands of random malformed updates', () => {
    const random = seeded(20240601);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const strings = [
      '',
      ' ',
      'PRIVATE',
      'GROUP',
      '/start x',
      'https://x.y/z.png',
      '\uD800',
      'x'.repeat(70_000),
      '🙂'.repeat(5000),
      'Đ'.normalize('NFD'),
    ];
    const scalar = (): unknown =>
      pick<() => unknown>([
        () => undefined,
        () => null,
        () => pick(strings),
        () => random() * 1e20 - 1e10,
        () => Math.floor(random() * 100),
        () => NaN,
        () => Infinity,
        () => random() < 0.5,
        () => [],
        () => ({}),
        () => Object.create(null) as unknown,
        () => [pick(strings)],
      ])();
    const value = (depth: number): unknown => {
      if (depth > 3 || random() < 0.4) return scalar();
      const keys = [
        'event_name',
        'message',
        'chat',
        'from',
        'id',
        'chat_type',
        'text',
        'photo',
        'caption',
        'message_id',
        'date',
        'display_name',
        'first_name',
        '__proto__',
        'constructor',
      ];
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(random() * 6); i++) obj[pick(keys)] = value(depth + 1);
      return obj;
    };
    const mutate = (base: unknown): unknown => {
      const copy = JSON.parse(JSON.stringify(base)) as { message: Record<string, unknown> } & Record<string, unknown>;
      const targets: Record<string, unknown>[] = [
        copy,
        copy.message,
        copy.message.chat as Record<string, unknown>,
        copy.message.from as Record<string, unknown>,
      ];
      for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
        const target = pick(targets);
        const key = pick(Object.keys(target).concat(['extra']));
        target[key] = random() < 0.2 ? value(2) : scalar();
      }
      return copy;
    };

    let normalised = 0;
    for (let i = 0; i < 5000; i++) {
      const update =
        random() < 0.5
          ? value(0)
          : mutate(sample({ event_name: pick(['message.text.received', 'message.image.received', 'message.sticker.received', 'x']) }));
      const msg = normaliseZaloUpdate(update);
      if (msg === null) continue;
      normalised++;
      expect(typeof msg.chatId).toBe('string');
      expect(typeof msg.userId).toBe('string');
      expect(msg.updateId.startsWith('zalo:')).toBe(true);
      expect(['private', 'group']).toContain(msg.chatType);
      if (msg.text !== undefined) expect(typeof msg.text).toBe('string');
      expect(msg.text !== undefined || msg.attachments !== undefined || msg.unsupported !== undefined).toBe(true);
    }
    // The mutations keep many updates usable, so the checks above ran on real output.
    expect(normalised).toBeGreaterThan(500);
  });
});

/** Deterministic, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
