import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, type AppHarness } from '../support/app-harness';
import { buttons, chatReader } from '../support/telegram-chat';
import { strippedJpeg } from '../support/sample-media';
import { TelegramEmulator, type SentMessage } from '../support/telegram-emulator';

/**
 * The officer desk end to end: the real telegraf bot and worker against the Telegram emulator,
 * real Redis, BullMQ and the database. Officers act on alerts with buttons and commands, the
 * tipster is asked and answers through the bot without either side learning who the other is, the
 * resident follows their own case, and everyone else is refused.
 */
describe('officer desk on Telegram', () => {
  let emu: TelegramEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  const OFFICER = 100000001;
  const OFFICER_KP2 = 100000002;
  const SUPERVISOR = 100000003;
  const MEDIATOR = 100000004;
  const SECOND_OFFICER = 100000005;
  const SUPERADMIN = 900;
  const officer = () => chatReader(emu, OFFICER);
  const text = (m: SentMessage) => m.text ?? m.caption ?? '';

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      SUPERADMINS: `telegram:${SUPERADMIN}`,
      TELEGRAM_CHAT_INTERVAL_MS: '0',
      HOTSPOT_THRESHOLD: '1000',
      FLOOD_MESSAGES_PER_10S: '200',
    });
    await emu.waitForCall('getUpdates');
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
    // A second officer over the whole ward (not alerted first: routing takes the nearest), to reassign to;
    // and a group in kp2-to1 for counting.
    await app.rt.store.officers.upsert({
      officerId: 'cskv-sg-03',
      name: 'Thiếu úy Võ Văn Tâm',
      role: 'officer',
      areaCodes: ['phuong-sai-gon'],
      chats: [{ channel: 'telegram', chatId: String(SECOND_OFFICER) }],
      lang: 'vi',
      active: true,
    });
    await app.rt.store.groups.register('telegram', '-1001000000021', 'Tổ tự quản KP2 – Tổ 1', { joinCode: 'KP2TO1' });
    await app.rt.store.groups.bindArea('telegram', '-1001000000021', 'kp2-to1');
  });

  afterAll(async () => {
    await intake?.close();
    await app?.close();
    await emu?.stop();
  });

  /** A confirmed case from `resident`, queued as the bot queues it; resolves with the alert the officer got. */
  async function submit(resident: number, over: Partial<CaseSubmission> = {}, alertedChat = OFFICER) {
    const kind = over.kind ?? 'tip';
    const sub: CaseSubmission = {
      caseId: newCaseId(),
      refCode: await intake.nextReferenceCode(kind, new Date()),
      kind,
      category: kind === 'tip' ? 'theft' : 'noise',
      fields:
        kind === 'tip'
          ? { what: 'Hai thanh niên bẻ khóa xe máy', where: 'Hẻm 45 Lê Lợi', when: 'now' }
          : { parties: 'Nhà số 5 và nhà số 7', description: 'Karaoke đến khuya', mediatedBefore: 'no', reachTime: 'evening' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal(String(resident)) },
      lang: 'vi',
      joinCode: 'KP1TO3',
      submittedAt: new Date().toISOString(),
      ...over,
    };
    await intake.submit(sub);
    const alert = await emu.waitFor((m) => m.chat_id === String(alertedChat) && text(m).includes(sub.refCode) && text(m).includes('MỚI'));
    return { ...sub, alert };
  }

  const statusOf = async (caseId: string) => (await app.rt.store.cases.byCaseId(caseId))?.status;

  it('puts action buttons on the alert; acknowledging tells the resident once', async () => {
    // The resident goes through the real conversation.
    const resident = emu.user(601, { firstName: 'Cư dân Sáu Lẻ Một' });
    const chat = chatReader(emu, 601);
    resident.sendText(601, '/baotin');
    await chat.question('Bạn ở tổ dân phố nào?');
    resident.sendText(601, 'KP1TO3');
    resident.pressButton(await chat.question('Tin báo về việc gì?'), 'category:theft');
    await chat.question('Chuyện gì đã xảy ra?');
    resident.sendText(601, 'Có người lạ rình xe máy trước nhà số 9');
    await chat.next((m) => text(m).includes('Ở đâu?'));
    resident.sendText(601, 'Hẻm 45 Lê Lợi');
    resident.pressButton(await chat.question('Khi nào?'), 'when:today');
    resident.pressButton(await chat.question('Bạn có ảnh'), 'nav:done');
    resident.pressButton(await chat.question('ẩn danh'), 'identity:anonymous');
    resident.pressButton(await chat.question('Kiểm tra lại tin báo'), 'nav:confirm');
    const code = /TB-\d{4}-\d{4}/.exec(text(await chat.next((m) => text(m).includes('Đã nhận tin báo'))))![0];

    const reader = officer();
    const alert = await reader.next((m) => text(m).includes(code));
    const stored = (await app.rt.store.cases.byRefCode(code))!;
    const actions = buttons(alert);
    expect(actions).toEqual([
      `case:ack:${stored.caseId}`,
      `case:note:${stored.caseId}`,
      `case:ask:${stored.caseId}`,
      `case:done:${stored.caseId}`,
      `case:move:${stored.caseId}`,
    ]);
    for (const data of actions) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(alert.parse_mode).toBeUndefined();

    const me = emu.user(OFFICER, { firstName: 'Khoa' });
    me.pressButton(alert, `case:ack:${stored.caseId}`);
    await reader.next((m) => text(m).includes(`Đã tiếp nhận ${code}`));
    const card = await reader.next((m) => text(m).startsWith(`📋 ${code}`));
    expect(text(card)).toContain('Trạng thái: 🟡 Đã tiếp nhận');
    expect(text(card)).toContain('Phụ trách: Thiếu úy Trần Minh Khoa (cskv-sg-01)');
    expect(buttons(card)).not.toContain(`case:ack:${stored.caseId}`);
    await chat.next((m) => text(m).includes(`Tin báo ${code} của bạn đã được cán bộ công an khu vực tiếp nhận`));
    expect(await app.rt.store.cases.byCaseId(stored.caseId)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'cskv-sg-01',
      assignedTo: 'cskv-sg-01',
    });

    // Pressing again (or a second officer's phone) changes nothing and tells nobody twice.
    me.pressButton(alert, `case:ack:${stored.caseId}`);
    await reader.next((m) => text(m).includes(`${code} đã được tiếp nhận trước đó`));
    me.sendText(OFFICER, `/nhan ${code.toLowerCase()}`);
    await reader.next((m) => text(m).includes(`${code} đã được tiếp nhận trước đó`));
    expect(emu.sent(601).filter((m) => text(m).includes('đã được cán bộ công an khu vực tiếp nhận'))).toHaveLength(1);
    expect((await app.rt.store.cases.byCaseId(stored.caseId))!.history.filter((h) => h.action === 'acknowledged')).toHaveLength(1);
  });

  it('relays a question to the tipster and the answer back, revealing neither side', async () => {
    const c = await submit(602);
    const reader = officer();
    const me = emu.user(OFFICER, { firstName: 'Khoa' });
    const tipster = emu.user(602, { firstName: 'Cư dân Sáu Lẻ Hai', username: 'cudan602' });
    const tipsterChat = chatReader(emu, 602);

    me.sendText(OFFICER, `/ghichu ${c.refCode} Đã báo tổ trưởng theo dõi`);
    await reader.next((m) => text(m).includes(`Đã lưu ghi chú cho ${c.refCode}`));
    const noted = await reader.next((m) => text(m).startsWith(`📋 ${c.refCode}`));
    expect(text(noted)).toContain('cskv-sg-01 — ghi chú: Đã báo tổ trưởng theo dõi');
    // A note on a new case acknowledges it: the tipster hears so.
    await tipsterChat.next((m) => text(m).includes(`${c.refCode} của bạn đã được cán bộ công an khu vực tiếp nhận`));

    me.pressButton(noted, `case:ask:${c.caseId}`);
    await reader.next((m) => text(m).includes(`Gõ câu hỏi gửi người báo của ${c.refCode}`));
    me.sendText(OFFICER, 'Xe máy của nhóm đó màu gì, biển số bao nhiêu?');
    await reader.next((m) => text(m).includes(`Đã gửi câu hỏi tới người báo (${c.refCode})`));

    const question = await tipsterChat.next((m) => text(m).includes('Cán bộ phụ trách hỏi'));
    expect(text(question)).toContain(c.refCode);
    expect(text(question)).toContain('Xe máy của nhóm đó màu gì, biển số bao nhiêu?');
    for (const secret of ['Trần Minh Khoa', 'cskv-sg-01', String(OFFICER), 'Khoa']) expect(text(question)).not.toContain(secret);

    // An answer that reads like an emergency still reaches the officer (after the emergency numbers).
    tipster.sendText(602, 'Màu đỏ, biển 59X1, hôm qua tụi nó cướp giật túi xách ở chợ');
    await tipsterChat.next((m) => text(m).includes('113'));
    await tipsterChat.next((m) => text(m).includes(`Đã chuyển câu trả lời của bạn tới cán bộ phụ trách (${c.refCode})`));
    const answer = await reader.next((m) => text(m).includes('Người báo trả lời'));
    expect(text(answer)).toContain(`(${c.refCode}):\nMàu đỏ, biển 59X1, hôm qua tụi nó cướp giật túi xách ở chợ`);
    for (const secret of ['602', 'Cư dân', 'cudan602']) expect(text(answer)).not.toContain(secret);
    expect(buttons(answer)).toContain(`case:ask:${c.caseId}`);

    // Only the next message is the answer; the one after is an ordinary message again.
    tipster.sendText(602, 'Cảm ơn anh');
    await tipsterChat.next();
    expect(emu.sent(OFFICER).filter((m) => text(m).includes('Cảm ơn anh'))).toEqual([]);

    // The tipster may decline a question; the officer may drop a note half typed.
    me.sendText(OFFICER, `/hoi ${c.refCode} Anh/chị có ảnh không?`);
    await tipsterChat.next((m) => text(m).includes('Anh/chị có ảnh không?'));
    tipster.sendText(602, '/huy');
    await tipsterChat.next((m) => text(m).includes(`Đã bỏ qua câu hỏi về ${c.refCode}.`));
    tipster.sendText(602, 'Không có ảnh');
    await tipsterChat.next();
    expect(emu.sent(OFFICER).filter((m) => text(m).includes('Không có ảnh'))).toEqual([]);
    // A photo as the answer is kept in the evidence store and uploaded from there, under the same anonymous header.
    me.sendText(OFFICER, `/hoi ${c.refCode} Gửi giúp ảnh biển số nhé`);
    await tipsterChat.next((m) => text(m).includes('Gửi giúp ảnh biển số nhé'));
    tipster.sendPhoto(602, 'AgACAgUAAxkBAAIB-answer-photo');
    await tipsterChat.next((m) => text(m).includes('Đã chuyển câu trả lời'));
    await reader.next((m) => text(m).includes(`Người báo trả lời (${c.refCode}):\n(ảnh/tệp/vị trí gửi kèm bên dưới)`));
    const photo = await reader.next((m) => m.method === 'sendPhoto');
    expect(photo).toMatchObject({ caption: `📎 Đính kèm · ${c.refCode}` });
    expect(emu.uploads.find((u) => u.file_id === photo.photo)?.data.equals(strippedJpeg())).toBe(true);
    me.pressButton(noted, `case:note:${c.caseId}`);
    await reader.next((m) => text(m).includes(`Gõ nội dung ghi chú cho ${c.refCode}`));
    me.sendText(OFFICER, '/huy');
    await reader.next((m) => text(m) === 'Đã hủy.');
    me.sendText(OFFICER, '/canbo');
    expect(text(await reader.next((m) => text(m).startsWith('Lệnh dành cho cán bộ')))).toContain('/hoi MÃ câu hỏi');

    const history = (await app.rt.store.cases.byCaseId(c.caseId))!.history.map((h) => [h.action, h.by]);
    expect(history).toEqual([
      ['submitted', 'resident'],
      ['acknowledged', 'cskv-sg-01'],
      ['note', 'cskv-sg-01'],
      ['question', 'cskv-sg-01'],
      ['answer', 'resident'],
      ['question', 'cskv-sg-01'],
      ['question', 'cskv-sg-01'],
      ['answer', 'resident'],
    ]);

    // The resident's status shows the milestones, never the notes or the conversation.
    tipster.sendText(602, `/trangthai ${c.refCode}`);
    const status = await tipsterChat.next((m) => text(m).includes(`Tin báo ${c.refCode}`));
    expect(text(status)).toContain('Cán bộ đã tiếp nhận và đang xử lý');
    for (const internal of ['tổ trưởng theo dõi', 'biển số', 'cskv-sg-01']) expect(text(status)).not.toContain(internal);
  });

  it('holds the tipster chat for the question: a courtesy is confirmed, the real answer arrives, an open draft waits', async () => {
    const c = await submit(612);
    const reader = officer();
    const me = emu.user(OFFICER, { firstName: 'Khoa' });
    const tipster = emu.user(612, { firstName: 'Cư dân Sáu Một Hai' });
    const tipsterChat = chatReader(emu, 612);
    // The tipster has started another tip when the question comes.
    tipster.sendText(612, '/baotin');
    await tipsterChat.question('Bạn ở tổ dân phố nào?');

    me.sendText(OFFICER, `/hoi ${c.refCode} Nhóm đó đi xe gì?`);
    await reader.next((m) => text(m).includes(`Đã gửi câu hỏi tới người báo (${c.refCode})`));
    await tipsterChat.next((m) => text(m).includes('Nhóm đó đi xe gì?'));

    // "Cảm ơn anh" is manners, not the answer: the tipster is asked, and says no.
    tipster.sendText(612, 'Cảm ơn anh ạ');
    const asked = await tipsterChat.next((m) => text(m).includes(`câu trả lời của bạn cho câu hỏi của cán bộ về ${c.refCode}`));
    tipster.pressButton(asked, 'relay:no');
    await tipsterChat.next((m) => text(m).includes(`Hãy gửi câu trả lời cho câu hỏi về ${c.refCode}`));
    // The real answer goes to the officer, not into the open draft.
    tipster.sendText(612, 'Hai chiếc Exciter màu xanh');
    await tipsterChat.next((m) => text(m).includes(`Đã chuyển câu trả lời của bạn tới cán bộ phụ trách (${c.refCode})`));
    // The draft comes back where it stopped.
    await tipsterChat.next((m) => text(m).includes('Tiếp tục phần bạn đang soạn dở'));
    await tipsterChat.question('Bạn ở tổ dân phố nào?');
    const answer = await reader.next((m) => text(m).includes('Người báo trả lời'));
    expect(text(answer)).toContain('Hai chiếc Exciter màu xanh');
    expect(emu.sent(OFFICER).filter((m) => text(m).includes('Cảm ơn anh'))).toEqual([]);
  });

  it('closes a case with an outcome: the resident is told, the relay closes, and nothing changes it after', async () => {
    const c = await submit(603);
    const reader = officer();
    const me = emu.user(OFFICER);
    const tipster = emu.user(603);
    const tipsterChat = chatReader(emu, 603);

    me.sendText(OFFICER, `/hoi ${c.refCode} Anh/chị còn thấy nhóm đó không?`);
    await reader.next((m) => text(m).includes(`Đã gửi câu hỏi tới người báo (${c.refCode})`));
    await tipsterChat.next((m) => text(m).includes('Anh/chị còn thấy nhóm đó không?'));

    me.sendText(OFFICER, `/xong ${c.refCode}`);
    const pick = await reader.next((m) => text(m).includes(`Kết quả xử lý ${c.refCode}?`));
    expect(buttons(pick)).toEqual(['verified_handled', 'transferred', 'not_confirmed'].map((o) => `case:out:${c.caseId}:${o}`));
    me.pressButton(pick, `case:out:${c.caseId}:verified_handled`);
    await reader.next((m) => text(m).includes(`Đã kết thúc ${c.refCode}: Đã xác minh, xử lý`));
    const card = await reader.next((m) => text(m).startsWith(`📋 ${c.refCode}`));
    expect(card.reply_markup).toEqual({ remove_keyboard: true });
    await tipsterChat.next((m) => text(m).includes(`Tin báo ${c.refCode} đã được xử lý xong. Kết quả: Đã xác minh, xử lý.`));
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({ status: 'resolved', outcome: 'verified_handled' });

    // The relay closed with the case: the tipster's next message is not passed on.
    tipster.sendText(603, 'Tối nay tôi lại thấy họ');
    await tipsterChat.next();
    expect(emu.sent(OFFICER).filter((m) => text(m).includes('Tối nay tôi lại thấy họ'))).toEqual([]);

    me.sendText(OFFICER, `/ghichu ${c.refCode} thêm ghi chú`);
    await reader.next((m) => text(m).includes(`Vụ việc ${c.refCode} đã kết thúc, không thay đổi được nữa.`));
    me.pressButton(pick, `case:out:${c.caseId}:not_confirmed`);
    await reader.next((m) => text(m).includes(`Vụ việc ${c.refCode} đã kết thúc`));
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({ status: 'resolved', outcome: 'verified_handled' });
    expect(emu.sent(603).filter((m) => text(m).includes('đã được xử lý xong'))).toHaveLength(1);

    tipster.sendText(603, `/trangthai ${c.refCode}`);
    const status = await tipsterChat.next((m) => text(m).includes(`Tin báo ${c.refCode}`));
    expect(text(status)).toContain('Trạng thái: Đã xử lý xong');
    expect(text(status)).toContain('Kết quả: Đã xác minh, xử lý');
  });

  it('the supervisor reassigns a case to another officer of the area, who gets the alert with its buttons', async () => {
    const c = await submit(604);
    const boss = emu.user(SUPERVISOR);
    const bossChat = chatReader(emu, SUPERVISOR);
    boss.sendText(SUPERVISOR, `/chuyen ${c.refCode}`);
    const pick = await bossChat.next((m) => text(m).includes(`Chuyển ${c.refCode} cho cán bộ nào?`));
    expect(pick.reply_markup).toMatchObject({
      inline_keyboard: [[{ text: 'Thiếu úy Trần Minh Khoa (cskv-sg-01)' }], [{ text: 'Thiếu úy Võ Văn Tâm (cskv-sg-03)' }]],
    });
    boss.pressButton(pick, `case:to:${c.caseId}:1`);
    await bossChat.next((m) => text(m).includes(`Đã chuyển ${c.refCode} cho Thiếu úy Võ Văn Tâm`));

    const second = chatReader(emu, SECOND_OFFICER);
    const assigned = await second.next((m) => text(m).includes(`Đồng chí được giao xử lý ${c.refCode} (do truong-ca-sg chuyển)`));
    expect(buttons(assigned)).toContain(`case:ack:${c.caseId}`);
    const alert = await emu.waitFor((m) => m.chat_id === String(SECOND_OFFICER) && text(m).includes(`TIN BÁO MỚI · ${c.refCode}`));
    expect(buttons(alert)[0]).toBe(`case:ack:${c.caseId}`);
    expect(emu.sent(SECOND_OFFICER).filter((m) => text(m).includes(c.refCode) && text(m).includes('MỚI'))).toHaveLength(1);
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({
      assignedTo: 'cskv-sg-03',
      status: 'new',
      recipients: ['cskv-sg-01', 'cskv-sg-03'],
    });

    // The case is now on the second officer's list, not on the first one's.
    const tam = emu.user(SECOND_OFFICER);
    tam.sendText(SECOND_OFFICER, '/vuviec');
    expect(text(await second.next((m) => text(m).includes('📂')))).toContain(c.refCode);
    emu.user(OFFICER).sendText(OFFICER, '/vuviec');
    expect(text(await officer().next((m) => text(m).includes('📂')))).not.toContain(c.refCode);

    tam.pressButton(alert, `case:ack:${c.caseId}`);
    await second.next((m) => text(m).includes(`Đã tiếp nhận ${c.refCode}`));
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'cskv-sg-03',
      assignedTo: 'cskv-sg-03',
    });
  });

  it('/trangthai and the menu show residents their own case only; anyone else gets the same refusal as for a code that does not exist', async () => {
    const c = await submit(605);
    const owner = emu.user(605);
    const ownerChat = chatReader(emu, 605);
    owner.sendText(605, '/start');
    const menu = await ownerChat.question();
    expect(buttons(menu)).toContain('status:ask');
    owner.pressButton(menu, 'status:ask');
    await ownerChat.next((m) => text(m).includes('Hãy gửi mã tin báo'));
    owner.sendText(605, c.refCode.toLowerCase());
    const status = await ownerChat.next((m) => text(m).includes(`📄 Tin báo ${c.refCode}`));
    expect(text(status)).toContain('Trộm cắp, cướp giật');
    expect(text(status)).toContain('Đã nhận, đang chờ cán bộ tiếp nhận');

    const other = emu.user(606);
    const otherChat = chatReader(emu, 606);
    other.sendText(606, `/trangthai ${c.refCode}`);
    const refused = text(await otherChat.next((m) => text(m).includes('Không tìm thấy')));
    other.sendText(606, '/trangthai TB-0001-9999');
    const missing = text(await otherChat.next((m) => text(m).includes('Không tìm thấy')));
    expect(refused.replace(c.refCode, 'CODE')).toBe(missing.replace('TB-0001-9999', 'CODE'));
    expect(refused).not.toContain('Trộm');
    // Not even an officer can read it with the residents' command.
    emu.user(OFFICER).sendText(OFFICER, `/trangthai ${c.refCode}`);
    await officer().next((m) => text(m).includes(`Không tìm thấy tin nào mã ${c.refCode}`));
  });

  it('refuses residents, other areas, mediators on tips, and groups; a superadmin may act anywhere', async () => {
    const c = await submit(607);
    const resident = emu.user(608);
    const residentChat = chatReader(emu, 608);
    resident.sendText(608, `/nhan ${c.refCode}`);
    await residentChat.next((m) => text(m).includes('lệnh này chỉ dành cho cán bộ'));
    // A forged button press is refused the same way.
    emu.pushUpdate({
      callback_query: {
        id: 'forged-1',
        from: { id: 608, is_bot: false, first_name: 'X' },
        message: { message_id: 1, date: 0, chat: { id: 608, type: 'private' } },
        data: `case:ack:${c.caseId}`,
      },
    });
    await residentChat.next((m) => text(m).includes('lệnh này chỉ dành cho cán bộ'));
    resident.sendText(608, '/vuviec');
    await residentChat.next((m) => text(m).includes('lệnh này chỉ dành cho cán bộ'));

    const kp2 = emu.user(OFFICER_KP2);
    const kp2Chat = chatReader(emu, OFFICER_KP2);
    kp2.sendText(OFFICER_KP2, `/nhan ${c.refCode}`);
    await kp2Chat.next((m) => text(m).includes(`Vụ việc ${c.refCode} không thuộc địa bàn đồng chí phụ trách.`));
    kp2.sendText(OFFICER_KP2, `/xem ${c.refCode}`);
    await kp2Chat.next((m) => text(m).includes(`Vụ việc ${c.refCode} không thuộc địa bàn`));

    const mediator = emu.user(MEDIATOR);
    const mediatorChat = chatReader(emu, MEDIATOR);
    mediator.sendText(MEDIATOR, `/nhan ${c.refCode}`);
    await mediatorChat.next((m) => text(m).includes('Hòa giải viên chỉ xử lý các yêu cầu hòa giải.'));
    expect(await statusOf(c.caseId)).toBe('new');

    const group = -1001000000777;
    emu.user(OFFICER).sendText(group, `/nhan ${c.refCode}`);
    await emu.waitFor((m) => m.chat_id === String(group) && text(m).includes('chỉ làm trong tin nhắn riêng'));
    expect(await statusOf(c.caseId)).toBe('new');

    // The mediator may take a mediation request of their area, but not reassign it.
    const hg = await submit(609, { kind: 'mediation' });
    mediator.sendText(MEDIATOR, `/chuyen ${hg.refCode}`);
    await mediatorChat.next((m) => text(m).includes('Đồng chí không có quyền thực hiện thao tác này.'));
    mediator.sendText(MEDIATOR, `/nhan ${hg.refCode}`);
    await mediatorChat.next((m) => text(m).includes(`Đã tiếp nhận ${hg.refCode}`));
    await chatReader(emu, 609).next((m) => text(m).includes(`Yêu cầu hòa giải ${hg.refCode} của bạn đã được tiếp nhận`));

    // A superadmin without an officer record acts anywhere; the history says 'superadmin', not who.
    const admin = emu.user(SUPERADMIN);
    const adminChat = chatReader(emu, SUPERADMIN);
    admin.sendText(SUPERADMIN, `/nhan ${c.refCode}`);
    await adminChat.next((m) => text(m).includes(`Đã tiếp nhận ${c.refCode}`));
    expect(await app.rt.store.cases.byCaseId(c.caseId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'superadmin' });

    const logs = app.logs.filter((l) => l.includes('desk.refused')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.map((l) => l.reason)).toEqual(expect.arrayContaining(['not_staff', 'out_of_area', 'wrong_kind', 'not_allowed']));
    // The timestamp, the process id and the case's random id are left out: they may contain "60x" by chance.
    for (const { time: _time, pid: _pid, caseId: _caseId, ...l } of logs) expect(JSON.stringify(l)).not.toMatch(/60[0-9]|10000000\d|"900"/);
  });

  it('/vuviec pages through the open cases oldest first with status and category filters; /thongke counts them', async () => {
    const inKp2 = { joinCode: 'KP2TO1' };
    const made: Awaited<ReturnType<typeof submit>>[] = [];
    for (let i = 0; i < 9; i++) made.push(await submit(610, { ...inKp2, category: i < 7 ? 'theft' : 'drugs' }, OFFICER_KP2));
    made.push(await submit(610, { ...inKp2, kind: 'mediation' }, OFFICER_KP2));
    const kp2 = emu.user(OFFICER_KP2);
    const kp2Chat = chatReader(emu, OFFICER_KP2);
    kp2.pressButton(made[0].alert, `case:ack:${made[0].caseId}`);
    await kp2Chat.next((m) => text(m).startsWith(`📋 ${made[0].refCode}`));

    kp2.sendText(OFFICER_KP2, '/vuviec');
    const page1 = await kp2Chat.next((m) => text(m).startsWith('📂'));
    expect(text(page1)).toContain('Khu phố 2 – Tổ dân phố 1: 10 (trang 1/2, cũ nhất trước)');
    const order = (m: SentMessage) => [...text(m).matchAll(/(TB|HG)-\d{4}-\d{4}/g)].map((x) => x[0]);
    expect(order(page1)).toEqual(made.slice(0, 8).map((c) => c.refCode));
    expect(buttons(page1)).toContain('desk:list:8:open:-');
    kp2.pressButton(page1, 'desk:list:8:open:-');
    const page2 = await kp2Chat.next((m) => text(m).startsWith('📂'));
    expect(order(page2)).toEqual(made.slice(8).map((c) => c.refCode));
    kp2.pressButton(page2, `case:view:${made[9].caseId}`);
    expect(text(await kp2Chat.next((m) => text(m).startsWith('📋')))).toContain(made[9].refCode);

    kp2.sendText(OFFICER_KP2, '/vuviec moi ma tuy');
    const drugs = await kp2Chat.next((m) => text(m).startsWith('📂'));
    expect(order(drugs)).toEqual([made[7].refCode, made[8].refCode]);
    kp2.sendText(OFFICER_KP2, '/vuviec tiepnhan');
    expect(order(await kp2Chat.next((m) => text(m).startsWith('📂')))).toEqual([made[0].refCode]);
    kp2.sendText(OFFICER_KP2, '/vuviec xong');
    await kp2Chat.next((m) => text(m).includes('Không có vụ việc'));
    kp2.sendText(OFFICER_KP2, '/vuviec khong co loai nay');
    await kp2Chat.next((m) => text(m).includes('Cách dùng: /vuviec'));

    kp2.sendText(OFFICER_KP2, '/thongke 7');
    const stats = text(await kp2Chat.next((m) => text(m).startsWith('📊')));
    expect(stats).toContain('📊 Thống kê 7 ngày qua · Khu phố 2 – Tổ dân phố 1');
    expect(stats).toContain('Tổng số: 10');
    expect(stats).toContain('• Tin báo · Trộm cắp, cướp giật: 7');
    expect(stats).toContain('• Tin báo · Ma túy: 2');
    expect(stats).toContain('• Hòa giải · Tiếng ồn, làm phiền: 1');
    expect(stats).toContain('🔴 Mới: 9 · 🟡 Đã tiếp nhận: 1');
    expect(stats).toContain('• Khu phố 2 – Tổ dân phố 1 (kp2-to1): 10');
    kp2.sendText(OFFICER_KP2, '/thongke 0');
    await kp2Chat.next((m) => text(m).includes('Cách dùng: /thongke'));
  });

  it('/xem shows the whole tip again once the alert has scrolled away: what, where, when, the contact the tipster left, the pin and each attachment', async () => {
    const photo = 'AgACAgUAAxkBAAIB-xem-photo';
    const video = 'BAACAgUAAxkBAAIB-xem-video';
    const c = await submit(611, {
      category: 'drugs',
      fields: {
        what: 'Nhóm thanh niên tụ tập chích hút',
        where: 'Cuối hẻm 12 Nguyễn Huệ',
        when: 'earlier',
        whenDetail: 'khoảng 23 giờ tối qua',
      },
      location: { latitude: 10.7731, longitude: 106.7041 },
      attachments: [
        { kind: 'photo', ref: photo },
        { kind: 'video', ref: video },
      ],
      anonymous: false,
      contactSealed: app.rt.box.seal('0912345678'),
    });
    const reader = officer();
    // The alert's own pin and media come first; what /xem sends follows them.
    await reader.next((m) => m.video === video);

    emu.user(OFFICER).sendText(OFFICER, `/xem ${c.refCode}`);
    const view = await reader.next((m) => text(m).startsWith(`📋 ${c.refCode}`));
    for (const line of [
      'Sự việc: Nhóm thanh niên tụ tập chích hút',
      'Địa điểm: Cuối hẻm 12 Nguyễn Huệ',
      'Thời gian: Trước đó',
      'Cụ thể: khoảng 23 giờ tối qua',
      'Địa điểm: 📍 vị trí gửi kèm bên dưới',
      'Đính kèm: 2 tệp gửi kèm bên dưới',
      'Người báo: 0912345678 (người báo đồng ý cung cấp)',
      'Trạng thái: 🔴 Mới',
    ])
      expect(text(view).split('\n')).toContain(line);
    // Every line of the alert but its "new tip" title, in the same order.
    expect(text(view)).toContain(text(c.alert).split('\n').slice(1).join('\n'));
    expect(buttons(view)).toContain(`case:ack:${c.caseId}`);

    const pin = await reader.next((m) => m.method === 'sendLocation');
    expect([pin.latitude, pin.longitude]).toEqual([10.7731, 106.7041]);
    expect(await reader.next((m) => m.method === 'sendPhoto')).toMatchObject({ photo, caption: `📎 Đính kèm · ${c.refCode}` });
    expect(await reader.next((m) => m.method === 'sendVideo')).toMatchObject({ video, caption: `📎 Đính kèm · ${c.refCode}` });
  });

  it('/xem of an anonymous tip says "Ẩn danh" and shows no phone number, even one sealed with it', async () => {
    // The flow seals no contact for an anonymous tip; a job that carries one anyway must not show it.
    const c = await submit(612, { anonymous: true, contactSealed: app.rt.box.seal('0987000111') });
    const reader = officer();
    emu.user(OFFICER).sendText(OFFICER, `/case ${c.refCode}`);
    const view = text(await reader.next((m) => text(m).startsWith(`📋 ${c.refCode}`)));
    expect(view).toContain('Sự việc: Hai thanh niên bẻ khóa xe máy');
    expect(view.split('\n')).toContain('Người báo: Ẩn danh');
    expect(view).not.toContain('0987000111');
    expect(view).not.toMatch(/\d{9}/);
  });

  it('keeps personal data out of the logs', () => {
    const logs = app.logs.join('\n');
    for (const secret of [
      'Cư dân',
      'Màu đỏ',
      'tổ trưởng theo dõi',
      'biển số',
      'Tối nay',
      '"601"',
      '"602"',
      '100000001',
      'Trần Minh Khoa',
      '0912345678',
      '0987000111',
      'chích hút',
    ])
      expect(logs).not.toContain(secret);
    expect(logs).toContain('desk.action');
    expect(logs).toContain('relay.answered');
  });
});
