import { normaliseZaloUpdate } from '../../src/channels/zalo/normalise';
import { CONTENT_WITHHELD } from '../../src/conversations/messages';

/**
 * The Zalo Bot API as it is, where live captures and the docs differ (docs/zalo.md, "What the
 * sources say"): both forms are read.
 */

const BOT_ID = '1234567890';

function live(eventName: string, content: Record<string, unknown>, chat: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: eventName,
    message: {
      message_id: 'a1b2c3d4e5f607182930',
      date: 1789033572455,
      chat: { id: 'u-1', chat_type: 'PRIVATE', ...chat },
      from: { id: 'u-1', display_name: 'Nguyễn Văn A', is_bot: false },
      ...content,
    },
  };
}

const inGroup = (eventName: string, content: Record<string, unknown>) => live(eventName, content, { id: 'g-1', chat_type: 'GROUP' });

describe('normaliseZaloUpdate: webhook bodies', () => {
  it('reads the documented wrapped body and the live flat one alike', () => {
    const flat = live('message.text.received', { text: 'Xin chào' });
    const wrapped = { ok: true, result: flat };
    expect(normaliseZaloUpdate(wrapped)).toEqual(normaliseZaloUpdate(flat));
    expect(normaliseZaloUpdate(wrapped)?.text).toBe('Xin chào');
  });

  it('drops the probe bodies Zalo sends (no event, nothing inside)', () => {
    expect(normaliseZaloUpdate({})).toBeNull();
    expect(normaliseZaloUpdate({ ok: true, result: {} })).toBeNull();
    expect(normaliseZaloUpdate({ ok: true, result: null })).toBeNull();
  });
});

describe('normaliseZaloUpdate: media', () => {
  it('takes a live photo_url and a documented photo', () => {
    const viaUrl = normaliseZaloUpdate(
      live('message.image.received', { photo_url: 'https://photo-stal-1.zdn.vn/a.jpg', caption: 'Xe lạ' }),
    );
    expect(viaUrl).toMatchObject({ attachments: [{ kind: 'photo', ref: 'https://photo-stal-1.zdn.vn/a.jpg' }], text: 'Xe lạ' });
    const documented = normaliseZaloUpdate(live('message.image.received', { photo: 'https://f.zalo.me/p.jpg' }));
    expect(documented?.attachments).toEqual([{ kind: 'photo', ref: 'https://f.zalo.me/p.jpg' }]);
    // Without event_name the content still says what it is.
    expect(normaliseZaloUpdate({ ...live('', { photo_url: 'https://x.zdn.vn/b.jpg' }), event_name: undefined })?.attachments).toEqual([
      { kind: 'photo', ref: 'https://x.zdn.vn/b.jpg' },
    ]);
  });

  it('turns a voice note into a voice attachment, not "cannot read"', () => {
    const voice = normaliseZaloUpdate(
      live('message.voice.received', { voice_url: 'https://f2-voice-aac-dl.zdn.vn/v.aac', message_type: 'CHAT_VOICE' }),
    );
    expect(voice?.attachments).toEqual([{ kind: 'voice', ref: 'https://f2-voice-aac-dl.zdn.vn/v.aac' }]);
    expect(voice?.unsupported).toBeUndefined();
    expect(normaliseZaloUpdate(live('message.voice.received', { voice_url: 'ftp://x' }))?.unsupported).toBe('voice');
    expect(normaliseZaloUpdate({ ...live('', { voice_url: 'https://v.zdn.vn/1.aac' }), event_name: undefined })?.attachments).toEqual([
      { kind: 'voice', ref: 'https://v.zdn.vn/1.aac' },
    ]);
  });

  it('marks the empty unsupported event of protected accounts as withheld content', () => {
    expect(normaliseZaloUpdate(live('message.unsupported.received', {}))?.unsupported).toBe(CONTENT_WITHHELD);
  });
});

describe('normaliseZaloUpdate: groups', () => {
  it('strips the leading mention so the command is read, and marks the message as addressed to the bot', () => {
    const msg = normaliseZaloUpdate(inGroup('message.text.received', { text: '@Bot Tổ tự quản /baotin' }));
    expect(msg).toMatchObject({ chatType: 'group', mentionsBot: true, text: '/baotin', command: { name: 'baotin', args: '' } });
    const withArgs = normaliseZaloUpdate(inGroup('message.text.received', { text: '@Bot KP1 /khuvuc  kp1-to3 ' }));
    expect(withArgs?.command).toEqual({ name: 'khuvuc', args: 'kp1-to3' });
  });

  it('keeps other group text whole (the mention cannot be told from the words), still addressed to the bot', () => {
    const msg = normaliseZaloUpdate(inGroup('message.text.received', { text: '@Bot Tổ tự quản cho hỏi giờ họp' }));
    expect(msg).toMatchObject({ mentionsBot: true, text: '@Bot Tổ tự quản cho hỏi giờ họp' });
    expect(msg?.command).toBeUndefined();
  });

  it('reads a command in the caption of a photo that mentions the bot', () => {
    const msg = normaliseZaloUpdate(inGroup('message.image.received', { photo_url: 'https://x.zdn.vn/c.jpg', caption: '@Bot Tổ /baotin' }));
    expect(msg).toMatchObject({ mentionsBot: true, command: { name: 'baotin' }, attachments: [{ kind: 'photo' }] });
  });

  it('leaves a private chat alone: no mention flag, nothing stripped', () => {
    const msg = normaliseZaloUpdate(live('message.text.received', { text: '@Bot /baotin' }));
    expect(msg?.mentionsBot).toBeUndefined();
    expect(msg?.text).toBe('@Bot /baotin');
  });
});

describe("normaliseZaloUpdate: the bot's own messages", () => {
  const echo = (from: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const update = live('message.text.received', { text: 'Tin báo đã nhận', ...extra });
    (update.message as Record<string, unknown>).from = from;
    return update;
  };

  it('drops an update sent by a bot or by this bot', () => {
    expect(normaliseZaloUpdate(echo({ id: 'x-1', is_bot: true }))).toBeNull();
    expect(normaliseZaloUpdate(echo({ id: 'x-1' }, { sender: { id: 'x-1', is_bot: true } }))).toBeNull();
    expect(normaliseZaloUpdate(echo({ id: BOT_ID }), { botId: BOT_ID })).toBeNull();
  });

  it('keeps a resident whose id is not the bot’s', () => {
    expect(normaliseZaloUpdate(echo({ id: 'u-1', is_bot: false }), { botId: BOT_ID })?.text).toBe('Tin báo đã nhận');
  });
});
