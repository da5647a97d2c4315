import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { outboxQueueName } from '../../src/outbox/jobs';
import type { Officer } from '../../src/store/officers/officer.schema';
import type { AppHarness } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * What reaches an officer is decided again when it goes out, and a tipster's position never
 * streams to anyone. Against the real telegraf bot and worker, the Telegram emulator (polling),
 * real Redis, BullMQ and the database:
 * - edits and live locations: a tipster answering an officer's question with a live location,
 *   moving, or correcting a message sent, passes nothing on (Telegram sends the moves and the
 *   corrections as `edited_message`);
 * - an officer deactivated or moved to another area after asking a question gets no answer: the
 *   question closes and the tipster is told; an alert or a relayed answer already queued when the
 *   operator made the change is not sent either.
 */
const OFFICER = 100000001;
const text = (m: SentMessage) => m.text ?? m.caption ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;
let intake: QueueCaseIntake;
let outbox: Queue;
let khoa: Officer;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp());
  intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 3, backoffMs: 100, box: app.rt.box });
  outbox = new Queue(outboxQueueName('telegram'), { connection: app.rt.queueRedis });
  khoa = (await app.rt.store.officers.byId('cskv-sg-01'))!;
}, 30_000);

afterEach(async () => {
  await outbox.resume();
  await app.rt.store.officers.upsert(khoa);
});

afterAll(async () => {
  await outbox?.close();
  await intake?.close();
  await stop?.();
});

/** A tip from `resident` in KP1 Tổ 3 (officer Khoa's area), queued as the bot queues it. */
async function queueTip(resident: number): Promise<CaseSubmission> {
  const sub: CaseSubmission = {
    caseId: newCaseId(),
    refCode: await intake.nextReferenceCode('tip', new Date()),
    kind: 'tip',
    category: 'theft',
    fields: { what: 'Hai thanh niên bẻ khóa xe máy', where: 'Hẻm 45 Lê Lợi', when: 'now' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal(String(resident)) },
    lang: 'vi',
    joinCode: 'KP1TO3',
    submittedAt: new Date().toISOString(),
  };
  await intake.submit(sub);
  return sub;
}

/** A tip whose alert reached officer Khoa, and his question about it, received by the tipster. */
async function askedTip(resident: number, question: string) {
  const sub = await queueTip(resident);
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes(sub.refCode) && text(m).includes('MỚI'));
  emu.user(OFFICER).sendText(OFFICER, `/hoi ${sub.refCode} ${question}`);
  await chatReader(emu, resident).next((m) => text(m).includes(question));
  // The question acknowledged the case, so the tipster is also told it was received, before or
  // after the question: both are waited for, and the tipster's chat is read from after them.
  await emu.waitFor((m) => m.chat_id === String(resident) && text(m).includes(sub.refCode) && text(m).includes('tiếp nhận'));
  const tipsterChat = chatReader(emu, resident, 'now');
  // The officer's own answer (the confirmation, then the case card, whose history ends with the
  // question) may arrive after the tipster's question: waited for here, to its last message, so
  // that what reaches the officer afterwards is only what the tipster sends.
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && Boolean(m.reply_markup) && text(m).includes(`: ${question}`));
  return { sub, tipster: emu.user(resident), tipsterChat };
}

const toOfficer = () => emu.sent(OFFICER);

/** Lets anything already on its way arrive: the bot and the outbox are asynchronous. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

it('a live location, its moves and an edited answer are never passed on to the officer', async () => {
  const { sub, tipster, tipsterChat } = await askedTip(701, 'Nhóm đó đang ở đâu?');
  const before = toOfficer().length;

  const live = tipster.shareLiveLocation(701, 10.7769, 106.7009);
  expect(text(await tipsterChat.next())).toBe(app.rt.t('vi', 'errors.liveLocation'));
  const moved = live.move(10.7801, 106.7042);
  // Telegram is not asked for edits (allowed_updates); one that reaches the bot anyway, as a
  // forged webhook body could, is dropped by the normaliser.
  await app.bot!.telegram!.handleUpdate(moved);
  await settle();
  expect(toOfficer().slice(before)).toEqual([]);

  // The relay is still open: a typed answer goes through; correcting it afterwards does not.
  const answer = tipster.sendText(701, 'Ở đầu hẻm 45, gần tiệm tạp hóa');
  await tipsterChat.next((m) => text(m).includes(`Đã chuyển câu trả lời của bạn tới cán bộ phụ trách (${sub.refCode})`));
  await emu.waitFor((m) => m.chat_id === String(OFFICER) && text(m).includes('Ở đầu hẻm 45, gần tiệm tạp hóa'));
  const edited = tipster.editText(answer, 'Ở nhà số 12 hẻm 45, nhà tôi');
  await app.bot!.telegram!.handleUpdate(edited);
  await settle();
  expect(toOfficer().filter((m) => m.method === 'sendLocation' || text(m).includes('nhà tôi'))).toEqual([]);
  expect(emu.sent(701).filter((m) => text(m).includes('nhà tôi'))).toEqual([]);
  const history = (await app.rt.store.cases.byCaseId(sub.caseId))!.history.filter((h) => h.action === 'answer');
  expect(history.map((h) => h.note)).toEqual(['Ở đầu hẻm 45, gần tiệm tạp hóa']);
});

it.each([
  ['deactivated', (o: Officer): Officer => ({ ...o, active: false })],
  ['moved to another area', (o: Officer): Officer => ({ ...o, areaCodes: ['kp2-to1'] })],
])('an officer %s after asking gets no answer; the question closes and the tipster is told', async (_what, change) => {
  const resident = _what === 'deactivated' ? 702 : 703;
  const { sub, tipster, tipsterChat } = await askedTip(resident, 'Anh/chị có thấy biển số không?');
  await app.rt.store.officers.upsert(change(khoa));

  tipster.sendText(resident, 'Biển số 59X1-123.45');
  expect(text(await tipsterChat.next())).toBe(app.rt.t('vi', 'officer.relay.askerGone', { code: sub.refCode }));
  // Closed for good: the next message is an ordinary one, not an answer either.
  tipster.sendText(resident, 'Xe màu đỏ');
  await tipsterChat.next();
  await settle();
  expect(toOfficer().filter((m) => /59X1|Xe màu đỏ/.test(text(m)))).toEqual([]);
  const history = (await app.rt.store.cases.byCaseId(sub.caseId))!.history.map((h) => h.action);
  expect(history).not.toContain('answer');
});

it('an alert queued for an officer deactivated before it goes out is not sent', async () => {
  await outbox.pause();
  const sub = await queueTip(704);
  const notificationId = `${sub.caseId}.cskv-sg-01.telegram`;
  const deadline = Date.now() + 10_000;
  while (!(await app.rt.store.notifications.byId(notificationId))) {
    if (Date.now() > deadline) throw new Error('the alert was never queued');
    await new Promise((r) => setTimeout(r, 50));
  }
  await app.rt.store.officers.upsert({ ...khoa, active: false });
  await outbox.resume();
  for (;;) {
    const n = await app.rt.store.notifications.byId(notificationId);
    if (n?.status !== 'pending') {
      expect(n).toMatchObject({ status: 'failed', lastError: 'RecipientNotResponsible' });
      break;
    }
    if (Date.now() > deadline + 10_000) throw new Error('the alert stayed pending');
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(toOfficer().filter((m) => text(m).includes(sub.refCode))).toEqual([]);
});

it('a relayed answer queued before the officer was moved is not sent to them', async () => {
  const { sub, tipster, tipsterChat } = await askedTip(705, 'Có mấy người?');
  await outbox.pause();
  tipster.sendText(705, 'Ba người, một người đội mũ đỏ');
  await tipsterChat.next((m) => text(m).includes(`Đã chuyển câu trả lời của bạn tới cán bộ phụ trách (${sub.refCode})`));
  await app.rt.store.officers.upsert({ ...khoa, areaCodes: ['kp2-to1'] });
  await outbox.resume();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answers = (await app.rt.store.notices.forCase(sub.caseId)).filter((n) => n.noticeId.startsWith(`n.${sub.caseId}.a.`));
    if (answers.length === 1 && answers[0].status !== 'pending') {
      expect(answers[0]).toMatchObject({ status: 'failed', lastError: 'RecipientNotResponsible', officerId: 'cskv-sg-01' });
      break;
    }
    if (Date.now() > deadline) throw new Error(`the answer stayed pending: ${JSON.stringify(answers)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(toOfficer().filter((m) => text(m).includes('mũ đỏ'))).toEqual([]);
});
