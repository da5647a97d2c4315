/**
 * The Telegram emulator, driven by the real telegraf client: if these pass, tests that use the
 * emulator exercise telegraf's real HTTP, polling, webhook and error paths.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Markup, Telegraf, Telegram, TelegramError } from 'telegraf';
import { message } from 'telegraf/filters';
import { TelegramEmulator } from '../support/telegram-emulator';

const TOKEN = '123456:TEST-TOKEN';
type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

describe('TelegramEmulator with real telegraf', () => {
  let emu: TelegramEmulator;
  let bot: Telegraf;
  let launched: Promise<void> | undefined;

  beforeEach(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    bot = new Telegraf(TOKEN, { telegram: { apiRoot: emu.apiRoot } });
    launched = undefined;
  });

  afterEach(async () => {
    if (launched) {
      bot.stop('test over');
      // launch() settles once polling has stopped and telegraf has confirmed the last offset.
      await launched.catch(() => undefined);
    }
    await emu.stop();
  });

  /** bot.stop() throws until polling really runs, so wait for the first long poll. */
  async function startPolling(): Promise<void> {
    launched = bot.launch();
    launched.catch(() => undefined); // a failure shows up in the assertions, not as an unhandled rejection
    await emu.waitForCall('getUpdates', (p) => Number(p.timeout) === 50);
  }

  it('runs /start, an inline button, the callback answer and the edit end to end over long polling', async () => {
    const seenByBot: string[] = [];
    bot.start((ctx) => ctx.reply('Xin chào! Bạn muốn làm gì?', Markup.inlineKeyboard([Markup.button.callback('Báo tin', 'tip')])));
    bot.action('tip', async (ctx) => {
      const msg = ctx.callbackQuery.message;
      seenByBot.push(msg && 'text' in msg ? msg.text : '(no text)');
      await ctx.answerCbQuery('Đã nhận');
      await ctx.editMessageText('Bạn chọn: <b>báo tin</b>', { parse_mode: 'HTML' });
    });
    await startPolling();

    const lan = emu.user(1001, { firstName: 'Lan' });
    const update = lan.sendText(1001, '/start');
    expect(update.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(update.message.chat).toEqual({ id: 1001, type: 'private', first_name: 'Lan' });

    const hello = await emu.waitFor((m) => m.chat_id === '1001');
    expect(hello).toMatchObject({
      method: 'sendMessage',
      chat_id: '1001',
      message_id: 2, // the user's /start was message 1 in this chat
      text: 'Xin chào! Bạn muốn làm gì?',
      reply_markup: { inline_keyboard: [[{ text: 'Báo tin', callback_data: 'tip' }]] },
    });

    lan.pressButton(hello, 'tip');
    const edit = await emu.waitForEdit((m) => m.message_id === hello.message_id);
    expect(edit).toMatchObject({ method: 'editMessageText', chat_id: '1001', text: 'Bạn chọn: <b>báo tin</b>' });
    expect(seenByBot).toEqual(['Xin chào! Bạn muốn làm gì?']);
    expect(emu.callbackAnswers).toEqual([expect.objectContaining({ text: 'Đã nhận' })]);
    // The edit carried no keyboard, so the button is gone, as in a real client.
    expect(() => lan.pressButton(hello, 'tip')).toThrow(/no inline button with callback_data "tip"/);
    expect(emu.calls).toMatchObject({ getMe: 1, deleteWebhook: 1, sendMessage: 1, answerCallbackQuery: 1, editMessageText: 1 });
  });

  it('delivers group updates: bot added to a supergroup, then a /command@bot', async () => {
    const events: string[] = [];
    bot.on('my_chat_member', (ctx) => {
      events.push(`my_chat_member:${ctx.myChatMember.old_chat_member.status}->${ctx.myChatMember.new_chat_member.status}`);
    });
    bot.on(message('new_chat_members'), async (ctx) => {
      events.push(`joined:${ctx.chat.type}:${'title' in ctx.chat ? ctx.chat.title : ''}`);
      await ctx.reply('Chào cả nhóm');
    });
    bot.command('help', (ctx) => ctx.reply(`help in ${ctx.chat.type}`));
    await startPolling();

    const admin = emu.user(2002, { firstName: 'Tổ trưởng' });
    const [memberUpdate, joinUpdate] = admin.addBotToGroup(-1001234, 'Tổ 5 phường Bến Nghé');
    expect(memberUpdate.update_id + 1).toBe(joinUpdate.update_id);
    expect(joinUpdate.message.new_chat_members[0]).toMatchObject({ id: 123456, is_bot: true, username: 'totuquan_test_bot' });

    await emu.waitFor((m) => m.text === 'Chào cả nhóm');
    admin.sendText(-1001234, '/help@totuquan_test_bot');
    const help = await emu.waitFor((m) => m.text === 'help in supergroup');
    expect(help.chat_id).toBe('-1001234');
    expect(events).toEqual(['my_chat_member:left->member', 'joined:supergroup:Tổ 5 phường Bến Nghé']);
  });

  it('delivers location, contact, photo, voice, video and sticker messages as Telegram shapes them', async () => {
    bot.on(message('location'), (ctx) => ctx.reply(`loc ${ctx.message.location.latitude},${ctx.message.location.longitude}`));
    bot.on(message('contact'), (ctx) =>
      ctx.reply(`contact ${ctx.message.contact.phone_number} own=${ctx.message.contact.user_id === ctx.from.id}`),
    );
    bot.on(message('photo'), (ctx) =>
      ctx.reply(`photo ${ctx.message.photo[ctx.message.photo.length - 1].file_id} ${ctx.message.caption ?? ''}`),
    );
    bot.on(message('voice'), (ctx) => ctx.reply(`voice ${ctx.message.voice.file_id}`));
    bot.on(message('video'), (ctx) => ctx.reply(`video ${ctx.message.video.file_id}`));
    bot.on(message('sticker'), (ctx) => ctx.reply(`sticker ${ctx.message.sticker.file_id}`));
    await startPolling();

    const u = emu.user(3003);
    u.sendLocation(3003, 10.7769, 106.7009);
    u.sendContact(3003, '84901234567');
    u.sendPhoto(3003, 'PHOTO1', 'cháy');
    u.sendVoice(3003, 'VOICE1');
    u.sendVideo(3003, 'VIDEO1');
    u.sendSticker(3003, 'STICKER1');
    for (const expected of [
      'loc 10.7769,106.7009',
      'contact 84901234567 own=true',
      'photo PHOTO1 cháy',
      'voice VOICE1',
      'video VIDEO1',
      'sticker STICKER1',
    ]) {
      await emu.waitFor((m) => m.text === expected);
    }
    expect(() => u.sendText(4004, 'hi')).toThrow(/private chat's id is the user's id/);
  });

  it('keeps polling after a malformed raw update, given bot.catch', async () => {
    const caught: string[] = [];
    bot.start((ctx) => ctx.reply('still alive'));
    // Without bot.catch telegraf rethrows: launch() rejects, polling ends, the update is dropped.
    bot.catch((err) => {
      caught.push((err as Error).message);
    });
    await startPolling();
    const raw = emu.pushUpdate({
      message: { message_id: 1, date: 0, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] },
    }); // no chat and no from: ctx.reply has nowhere to go
    expect(raw.update_id).toBe(1);
    emu.user(5005).sendText(5005, '/start');
    await emu.waitFor((m) => m.text === 'still alive');
    expect(caught).toHaveLength(1);
  });

  it('answers 429 with parameters.retry_after, which telegraf surfaces on TelegramError', async () => {
    emu.failNext('sendMessage', 1, { status: 429, retryAfter: 3 });
    const err = await bot.telegram.sendMessage(1, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramError);
    expect(err).toMatchObject({ code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    await expect(bot.telegram.sendMessage(1, 'x')).resolves.toMatchObject({ message_id: 1, text: 'x' });
    expect(emu.calls.sendMessage).toBe(2);
    expect(emu.stats.tooManyRequests).toBe(1);
    expect(emu.sent()).toHaveLength(1);
  });

  it('enforces per-chat and per-group limits when they are turned on', async () => {
    const limited = new TelegramEmulator({ limits: { perChatPerSecond: 1, perGroupPerMinute: 2 } });
    await limited.start();
    try {
      const tg = new Telegram(TOKEN, { apiRoot: limited.apiRoot });
      await tg.sendMessage(10, 'one');
      await expect(tg.sendMessage(10, 'two')).rejects.toMatchObject({ code: 429, parameters: { retry_after: 1 } });
      await tg.sendMessage(11, 'other chat is fine');

      await tg.sendMessage(-100200, 'g1');
      await new Promise((r) => setTimeout(r, 1050)); // past the per-chat second, still inside the minute
      await tg.sendMessage(-100200, 'g2');
      await new Promise((r) => setTimeout(r, 1050));
      const err = await tg.sendMessage(-100200, 'g3').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 429 });
      expect((err as TelegramError).parameters?.retry_after).toBeGreaterThan(50);
      expect(limited.stats.tooManyRequests).toBe(2);
      expect(limited.sent().map((m) => m.text)).toEqual(['one', 'other chat is fine', 'g1', 'g2']);
    } finally {
      await limited.stop();
    }
  });

  it('answers 403 once the user blocked the bot', async () => {
    emu.blockBot(777);
    const err = await bot.telegram.sendMessage(777, 'hello').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramError);
    expect(err).toMatchObject({ code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(emu.sent(777)).toEqual([]);
    // Writing to the bot again means the user unblocked it.
    emu.user(777).sendText(777, 'hi again');
    await expect(bot.telegram.sendMessage(777, 'hello')).resolves.toMatchObject({ chat: { id: 777, type: 'private' } });
  });

  it('answers 401 for a wrong token and 404 for an unknown method', async () => {
    const wrong = new Telegram('999:WRONG', { apiRoot: emu.apiRoot });
    await expect(wrong.getMe()).rejects.toMatchObject({ code: 401, description: 'Unauthorized' });
    const res = await httpPost(`${emu.apiRoot}/bot${TOKEN}/noSuchMethod`, 'application/json', '{}');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    await expect(bot.telegram.getMe()).resolves.toMatchObject({ id: 123456, is_bot: true, username: 'totuquan_test_bot' });
  });

  it('delivers to a webhook with the secret header and executes telegraf webhook replies', async () => {
    const secrets: Array<string | undefined> = [];
    bot.start((ctx) => ctx.reply('qua webhook', Markup.inlineKeyboard([Markup.button.callback('OK', 'ok')])));
    bot.action('ok', (ctx) => ctx.answerCbQuery('xong')); // telegraf answers this in the webhook response body
    const handle = bot.webhookCallback('/hook', { secretToken: 'S3cret_token-1' });
    const server = http.createServer((req, res) => {
      const header = req.headers['x-telegram-bot-api-secret-token'];
      secrets.push(Array.isArray(header) ? header[0] : header);
      void handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await bot.telegram.setWebhook(url, { secret_token: 'S3cret_token-1' });
      await expect(bot.telegram.getWebhookInfo()).resolves.toMatchObject({ url, pending_update_count: 0 });
      await expect(bot.telegram.callApi('getUpdates', { timeout: 0 })).rejects.toMatchObject({ code: 409 });

      const user = emu.user(4242);
      user.sendText(4242, '/start');
      const greeting = await emu.waitFor((m) => m.text === 'qua webhook');
      user.pressButton(greeting, 'ok');
      await emu.webhookIdle();
      expect(secrets).toEqual(['S3cret_token-1', 'S3cret_token-1']);
      expect(emu.webhookResponses.map((r) => [r.status, r.replyMethod])).toEqual([
        [200, undefined],
        [200, 'answerCallbackQuery'],
      ]);
      expect(emu.callbackAnswers).toEqual([expect.objectContaining({ text: 'xong' })]);

      // A webhook that checks the secret refuses updates signed with another one.
      await bot.telegram.setWebhook(url, { secret_token: 'not-the-one' });
      user.sendText(4242, '/start');
      await emu.webhookIdle();
      expect(emu.webhookResponses[2].status).toBe(403);
      await expect(bot.telegram.getWebhookInfo()).resolves.toMatchObject({ last_error_message: expect.stringContaining('403') });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('long-polls: answers at once when updates wait, wakes on push, confirms by offset, 409s a second poller', async () => {
    const tg = bot.telegram;
    const first = emu.user(1).sendText(1, 'a');
    await expect(tg.getUpdates(50, 100, 0, [])).resolves.toEqual([first]);

    const started = Date.now();
    const waiting = tg.getUpdates(5, 100, first.update_id + 1, []);
    setTimeout(() => emu.user(1).sendText(1, 'b'), 100);
    const woken = await waiting;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(woken).toHaveLength(1);
    expect(woken[0]).toMatchObject({ update_id: first.update_id + 1, message: { text: 'b', message_id: 2 } });

    // Confirmed updates are gone; nothing new arrives within a 1 s poll.
    await expect(tg.getUpdates(1, 100, woken[0].update_id + 1, [])).resolves.toEqual([]);

    const older = tg.getUpdates(5, 100, 0, []).catch((e: unknown) => e);
    await emu.waitForCall('getUpdates', (p) => Number(p.timeout) === 5 && Number(p.offset) === 0);
    await tg.getUpdates(0, 100, 0, []);
    expect(await older).toMatchObject({ code: 409, description: expect.stringContaining('terminated by other getUpdates request') });
  });

  it("hangs a call for a 'timeout' fault until the client gives up", async () => {
    emu.failNext('getMe', 1, 'timeout');
    const abort = new AbortController();
    // telegraf types `signal` as the abort-controller polyfill's; node-fetch takes Node's own at runtime.
    const signal = abort.signal as unknown as TelegrafSignal;
    const pending = bot.telegram.callApi('getMe', {}, { signal }).catch((e: unknown) => e);
    await emu.waitForCall('getMe');
    abort.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await expect(bot.telegram.getMe()).resolves.toMatchObject({ id: 123456 });
    expect(emu.calls.getMe).toBe(2);
  });

  it('serves the files users sent through getFile and the file URL, and refuses unknown ids', async () => {
    emu.hostFile('photo-with-bytes', Buffer.from('jpeg-bytes'), 'photos/file_7.jpg');
    emu.user(57).sendPhoto(57, 'photo-with-bytes');
    const file = await bot.telegram.getFile('photo-with-bytes');
    expect(file).toMatchObject({ file_id: 'photo-with-bytes', file_size: 10, file_path: 'photos/file_7.jpg' });
    const res = await fetch(`${emu.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('jpeg-bytes');
    expect((await fetch(`${emu.apiRoot}/file/botWRONG/${file.file_path}`)).status).toBe(404);
    // A voice note sent without set bytes gets a sample, as every file a user sends exists on Telegram.
    emu.user(57).sendVoice(57, 'voice-sample');
    expect((await bot.telegram.getFile('voice-sample')).file_path).toMatch(/^voice\//);
    await expect(bot.telegram.getFile('never-sent')).rejects.toMatchObject({
      response: { error_code: 400, description: 'Bad Request: invalid file_id' },
    });
  });

  it('reads multipart uploads, urlencoded bodies and media groups', async () => {
    const photo = await bot.telegram.sendPhoto(55, Input.fromBuffer(Buffer.from('fake-jpeg'), 'hien-truong.jpg'), {
      caption: 'Ảnh <b>hiện trường</b>',
      parse_mode: 'HTML',
      reply_markup: Markup.inlineKeyboard([Markup.button.callback('Xem', 'view:1')]).reply_markup,
    });
    expect(photo).toMatchObject({ caption: 'Ảnh hiện trường', reply_markup: { inline_keyboard: [[{ callback_data: 'view:1' }]] } });
    expect(emu.uploads).toEqual([
      { field: 'photo', filename: 'hien-truong.jpg', size: 9, file_id: 'emu-upload-1', data: Buffer.from('fake-jpeg') },
    ]);
    expect(emu.sent(55)[0]).toMatchObject({
      method: 'sendPhoto',
      photo: 'emu-upload-1',
      caption: 'Ảnh <b>hiện trường</b>',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Xem', callback_data: 'view:1' }]] },
    });

    const res = await httpPost(`${emu.apiRoot}/bot${TOKEN}/sendMessage`, 'application/x-www-form-urlencoded', 'chat_id=56&text=Ch%C3%A0o');
    expect(res.status).toBe(200);
    expect(emu.sent(56)[0]).toMatchObject({ method: 'sendMessage', text: 'Chào' });

    const album = await bot.telegram.sendMediaGroup(57, [
      { type: 'photo', media: Input.fromBuffer(Buffer.from('one'), '1.jpg'), caption: 'hai ảnh' },
      { type: 'photo', media: 'EXISTING_FILE_ID' },
    ]);
    expect(album).toHaveLength(2);
    expect(album[0].media_group_id).toBe(album[1].media_group_id);
    expect(emu.sent(57).map((m) => m.photo)).toEqual(['emu-upload-2', 'EXISTING_FILE_ID']);
    await expect(bot.telegram.sendLocation(58, 10.5, 106.5)).resolves.toMatchObject({ location: { latitude: 10.5, longitude: 106.5 } });
  });

  it('refuses what Telegram refuses: broken HTML, long callback_data, unchanged edits, double callback answers', async () => {
    await expect(bot.telegram.sendMessage(60, 'a < b', { parse_mode: 'HTML' })).rejects.toMatchObject({
      code: 400,
      description: expect.stringContaining("can't parse entities"),
    });
    await expect(bot.telegram.sendMessage(60, 'Hẹn 9.30 nhé', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description: expect.stringContaining("Character '.' is reserved"),
    });
    await expect(
      bot.telegram.sendMessage(60, 'x', Markup.inlineKeyboard([Markup.button.callback('x', 'đ'.repeat(33))])),
    ).rejects.toMatchObject({ code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' });
    await expect(bot.telegram.sendMessage(60, '')).rejects.toMatchObject({ description: 'Bad Request: message text is empty' });

    const m = await bot.telegram.sendMessage(60, 'same');
    await expect(bot.telegram.editMessageText(60, m.message_id, undefined, 'same')).rejects.toMatchObject({
      description: expect.stringContaining('message is not modified'),
    });
    await expect(bot.telegram.answerCbQuery('never-issued')).rejects.toMatchObject({ code: 400 });
    emu.pushUpdate({ callback_query: { id: 'cb-1', from: { id: 60, is_bot: false, first_name: 'X' }, chat_instance: 'c', data: 'd' } });
    await expect(bot.telegram.answerCbQuery('cb-1')).resolves.toBe(true);
    await expect(bot.telegram.answerCbQuery('cb-1')).rejects.toMatchObject({
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    await expect(bot.telegram.deleteMessage(60, m.message_id)).resolves.toBe(true);
    await expect(bot.telegram.deleteMessage(60, m.message_id)).rejects.toMatchObject({
      description: 'Bad Request: message to delete not found',
    });
  });

  it('answers admins, members, chats, commands, chat actions and leaveChat', async () => {
    emu.setAdmins(-100300, [7, 8], { creator: 7 });
    const admins = await bot.telegram.getChatAdministrators(-100300);
    expect(admins.map((a) => [a.user.id, a.status])).toEqual([
      [7, 'creator'],
      [8, 'administrator'],
    ]);
    await expect(bot.telegram.getChatMember(-100300, 9)).resolves.toMatchObject({ status: 'member', user: { id: 9 } });
    await expect(bot.telegram.getChat(-100300)).resolves.toMatchObject({ id: -100300, type: 'supergroup' });

    await bot.telegram.setMyCommands([{ command: 'baotin', description: 'Báo tin' }], { language_code: 'vi' });
    await expect(bot.telegram.getMyCommands({ language_code: 'vi' })).resolves.toEqual([{ command: 'baotin', description: 'Báo tin' }]);
    await expect(bot.telegram.getMyCommands()).resolves.toEqual([]);
    await bot.telegram.deleteMyCommands({ language_code: 'vi' });
    await expect(bot.telegram.getMyCommands({ language_code: 'vi' })).resolves.toEqual([]);

    await expect(bot.telegram.sendChatAction(-100300, 'typing')).resolves.toBe(true);
    await expect(bot.telegram.leaveChat(-100300)).resolves.toBe(true);
    await expect(bot.telegram.sendMessage(-100300, 'still here?')).rejects.toMatchObject({ code: 403 });
  });

  it('sends voice, video and documents by file_id and edits inline keyboards', async () => {
    await bot.telegram.sendVoice(80, 'VOICE_ID');
    await bot.telegram.sendVideo(80, 'VIDEO_ID', { caption: 'clip' });
    await bot.telegram.sendDocument(80, 'DOC_ID');
    expect(emu.sent(80).map((m) => [m.method, m.voice ?? m.video ?? m.document, m.caption])).toEqual([
      ['sendVoice', 'VOICE_ID', undefined],
      ['sendVideo', 'VIDEO_ID', 'clip'],
      ['sendDocument', 'DOC_ID', undefined],
    ]);
    const m = await bot.telegram.sendMessage(80, 'chọn', Markup.inlineKeyboard([Markup.button.callback('A', 'a')]));
    const user = emu.user(80);
    const [sent] = emu.sent(80).slice(-1);
    await bot.telegram.editMessageReplyMarkup(
      80,
      m.message_id,
      undefined,
      Markup.inlineKeyboard([Markup.button.callback('B', 'b')]).reply_markup,
    );
    expect(() => user.pressButton(sent, 'a')).toThrow(/it has \["b"\]/);
    expect(user.pressButton(sent, 'b').callback_query.message).toMatchObject({
      text: 'chọn',
      reply_markup: { inline_keyboard: [[{ callback_data: 'b' }]] },
    });
  });

  it('with privacyMode and requireStart, behaves like a fresh bot in a real group', async () => {
    const strict = new TelegramEmulator({ privacyMode: true, requireStart: true });
    await strict.start();
    try {
      const tg = new Telegram(TOKEN, { apiRoot: strict.apiRoot });
      await expect(tg.getMe()).resolves.toMatchObject({ can_read_all_group_messages: false });
      await expect(tg.sendMessage(90, 'xin chào')).rejects.toMatchObject({
        code: 403,
        description: "Forbidden: bot can't initiate conversation with a user",
      });

      const u = strict.user(90);
      u.addBotToGroup(-100900, 'Tổ 9');
      u.sendText(-100900, 'chuyện riêng của nhóm');
      u.sendText(-100900, '/baotin');
      const botMsg = await tg.sendMessage(-100900, 'Bấm vào đây');
      u.sendText(-100900, 'trả lời bot', { replyTo: botMsg.message_id });
      u.sendText(90, '/start');
      const updates = await tg.getUpdates(0, 100, 0, []);
      const texts = updates.flatMap((x) => ('message' in x && 'text' in x.message ? [x.message.text] : []));
      expect(texts).toEqual(['/baotin', 'trả lời bot', '/start']);
      expect(strict.stats.hiddenByPrivacy).toBe(1);
      await expect(tg.sendMessage(90, 'giờ thì được')).resolves.toMatchObject({ chat: { type: 'private' } });
    } finally {
      await strict.stop();
    }
  });

  it('waitFor explains what was sent when nothing matches in time', async () => {
    await bot.telegram.sendMessage(70, 'hello');
    await expect(emu.waitFor((m) => m.text === 'nope', 100)).rejects.toThrow(/Sent so far:\n.*sendMessage chat=70 #1: "hello"/);
    emu.clearSent();
    expect(emu.sent()).toEqual([]);
  });
});

/** A bare POST, to send bodies telegraf never sends (urlencoded) or hit methods it does not know. */
function httpPost(url: string, contentType: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
