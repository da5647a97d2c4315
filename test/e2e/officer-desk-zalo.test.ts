import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type SentRecord } from '../support/zalo-emulator';

/**
 * The officer desk on a platform without buttons: the alert spells out the commands, the officer
 * types them, and picks from numbered lists by number; the tipster is told and asked on Zalo.
 */
describe('officer desk on Zalo', () => {
  let emu: ZaloEmulator;
  let app: AppHarness;
  let intake: QueueCaseIntake;
  const OFFICER = 'zl-officer-cskv-1';
  const RESIDENT = 'zl-resident-901';
  const content = (r: SentRecord) => r.text ?? r.caption ?? '';

  beforeAll(async () => {
    emu = new ZaloEmulator();
    await emu.start();
    app = await startApp({
      ZALO_BOT_TOKEN: emu.token,
      ZALO_API_BASE: emu.apiBase,
      ZALO_RATE_PER_SECOND: '20',
      FLOOD_MESSAGES_PER_10S: '200',
      HOTSPOT_THRESHOLD: '1000',
    });
    intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
  });

  afterAll(async () => {
    await intake?.close();
    await app?.close();
    await emu?.stop();
  });

  /** Sends and waits for the first new message in `chat` that contains `until`. */
  async function reply(from: string, words: string, chat: string, until: string): Promise<SentRecord> {
    const seen = new Set(emu.sent(chat).map((r) => r.messageId));
    await emu.user(from).sendText(words);
    return emu.waitFor((r) => r.chatId === chat && !seen.has(r.messageId) && content(r).includes(until), 10_000);
  }

  it('acknowledges, asks, relays the answer and closes a case with typed commands and numbers', async () => {
    const sub: CaseSubmission = {
      caseId: newCaseId(),
      refCode: await intake.nextReferenceCode('tip', new Date()),
      kind: 'tip',
      category: 'drugs',
      fields: { what: 'Nhóm thanh niên tụ tập ban đêm', where: 'Công viên đầu hẻm', when: 'today' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'zalo', chatIdSealed: app.rt.box.seal(RESIDENT) },
      lang: 'vi',
      joinCode: 'KP1TO3',
      submittedAt: new Date().toISOString(),
    };
    await intake.submit(sub);
    const code = sub.refCode;
    const alert = await emu.waitFor((r) => r.chatId === OFFICER && content(r).includes(`TIN BÁO MỚI · ${code}`), 10_000);
    expect(content(alert)).toContain(
      `Thao tác: /nhan ${code} · /ghichu ${code} nội dung · /hoi ${code} câu hỏi · /xong ${code} · /chuyen ${code}`,
    );

    const card = await reply(OFFICER, `/nhan ${code}`, OFFICER, `📋 ${code}`);
    expect(content(card)).toContain('1. 📝 Ghi chú\n2. ❓ Hỏi người báo\n3. 🏁 Kết thúc\n4. 🔁 Chuyển cán bộ');
    await emu.waitFor(
      (r) => r.chatId === RESIDENT && content(r).includes(`Tin báo ${code} của bạn đã được cán bộ công an khu vực tiếp nhận`),
      10_000,
    );

    // "2" picks "Hỏi người báo" from the card's numbered list.
    await reply(OFFICER, '2', OFFICER, `Gõ câu hỏi gửi người báo của ${code}`);
    await reply(OFFICER, 'Nhóm đó thường tụ tập lúc mấy giờ?', OFFICER, `Đã gửi câu hỏi tới người báo (${code})`);
    await emu.waitFor((r) => r.chatId === RESIDENT && content(r).includes('Nhóm đó thường tụ tập lúc mấy giờ?'), 10_000);
    await reply(RESIDENT, 'Khoảng 11 giờ đêm', RESIDENT, 'Đã chuyển câu trả lời');
    const answer = await emu.waitFor((r) => r.chatId === OFFICER && content(r).includes('Người báo trả lời'), 10_000);
    expect(content(answer)).toContain(`(${code}):\nKhoảng 11 giờ đêm`);
    expect(content(answer)).toContain(`/xong ${code}`);
    expect(content(answer)).not.toContain(RESIDENT);

    const pick = await reply(OFFICER, `/xong ${code}`, OFFICER, `Kết quả xử lý ${code}?`);
    expect(content(pick)).toContain('1. Đã xác minh, xử lý\n2. Đã chuyển cơ quan có thẩm quyền\n3. Chưa xác minh được sự việc');
    await reply(OFFICER, '2', OFFICER, `Đã kết thúc ${code}: Đã chuyển cơ quan có thẩm quyền`);
    await emu.waitFor(
      (r) => r.chatId === RESIDENT && content(r).includes(`Tin báo ${code} đã được xử lý xong. Kết quả: Đã chuyển cơ quan có thẩm quyền.`),
      10_000,
    );
    expect(await app.rt.store.cases.byCaseId(sub.caseId)).toMatchObject({ status: 'resolved', outcome: 'transferred' });

    // Closed, it leaves the officer's list of open cases.
    expect(content(await reply(OFFICER, '/vuviec', OFFICER, 'vụ việc'))).not.toContain(code);
    const status = await reply(RESIDENT, `/trangthai ${code}`, RESIDENT, code);
    expect(content(status)).toContain('Kết quả: Đã chuyển cơ quan có thẩm quyền');

    // Asked in the resident's own words, the bot leads to the same lookup and reads the code typed next.
    await reply(RESIDENT, 'tin tôi báo hôm qua sao rồi', RESIDENT, 'Hãy gửi mã tin báo');
    const looked = await reply(RESIDENT, code, RESIDENT, code);
    expect(content(looked)).toContain('Kết quả: Đã chuyển cơ quan có thẩm quyền');
  });
});
