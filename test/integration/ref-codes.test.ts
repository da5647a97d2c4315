import { Queue } from 'bullmq';
import { newCaseId } from '../../src/app/bot';
import type { CaseSubmission } from '../../src/conversations/ports';
import { QueueCaseIntake } from '../../src/features/reporting/adapters/case-intake';
import { CASES_QUEUE } from '../../src/queues/names';
import { startApp, type AppHarness } from '../support/app-harness';
import { dumpRedis } from '../support/redis-dump';
import { refCodeIn, TelegramDriver } from '../support/telegram-driver';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * Reference codes never repeat, even when Redis's counter goes back (a restart losing its last
 * second, a failover, a restore), against the real bot and worker, Redis and the database:
 * - the counter is wiped between two tips: the second still gets a code of its own and is stored;
 * - a code already used by a stored case (given out before codes were recorded) is skipped;
 * - a case queued with a code another case holds is stored under a fresh code, and the resident
 *   is told the new one;
 * - a case job that fails for good keeps its ids in BullMQ's failed set, not the resident's words.
 */
let emu: TelegramEmulator;
let app: AppHarness;
let driver: TelegramDriver;
let intake: QueueCaseIntake;

beforeAll(async () => {
  emu = new TelegramEmulator();
  await emu.start();
  app = await startApp({
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    JOB_ATTEMPTS: '2',
  });
  driver = new TelegramDriver(app.bot!.telegram!, 1);
  intake = new QueueCaseIntake(app.rt.queueRedis, app.rt.refCodes, { attempts: 2, backoffMs: 50, box: app.rt.box });
}, 30_000);

afterAll(async () => {
  await intake?.close();
  await app?.close();
  await emu?.stop();
});

const toldCode = (resident: number) =>
  refCodeIn(
    emu
      .sent(resident)
      .map((m) => m.text)
      .join('\n'),
  );

async function storedWith(refCode: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = await app.rt.store.cases.byRefCode(refCode);
    if (c) return c;
    if (Date.now() > deadline) throw new Error(`no case stored with ${refCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const wipeCounters = async () => {
  const keys = await app.rt.redis.keys('refseq:*');
  expect(keys.length).toBeGreaterThan(0);
  await app.rt.redis.del(...keys);
};

it('the tip after the counter is wiped still gets a code of its own and is stored', async () => {
  await driver.tip(810_001);
  const first = toldCode(810_001)!;
  await storedWith(first);
  await wipeCounters();

  await driver.tip(810_002);
  const second = toldCode(810_002)!;
  expect(second).toMatch(/^TB-\d{4}-\d{4}$/);
  expect(second).not.toBe(first);
  const [a, b] = [await storedWith(first), await storedWith(second)];
  expect(a.caseId).not.toBe(b.caseId);
  expect(await app.rt.db.db!.collection('ref_codes').countDocuments({ _id: { $in: [first, second] } as never })).toBe(2);
});

it('skips a code a stored case already has, though it was never recorded as given out', async () => {
  const now = new Date();
  const code = await app.rt.refCodes.next('tip', now);
  const seq = Number(code.split('-')[2]);
  // A case from before codes were recorded, holding the very next number.
  const legacy = `${code.slice(0, code.lastIndexOf('-') + 1)}${String(seq + 1).padStart(4, '0')}`;
  await app.rt.store.cases.insertIfAbsent({
    caseId: newCaseId(),
    refCode: legacy,
    kind: 'tip',
    category: 'theft',
    fields: { what: 'cũ' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('810009') },
    lang: 'vi',
    areaCode: null,
    recipients: [],
    submittedAt: now,
  });
  await wipeCounters();
  const next = await app.rt.refCodes.next('tip', now);
  expect([code, legacy]).not.toContain(next);
});

it('a case queued with a code another case holds is stored under a fresh code, and the resident is told it', async () => {
  await driver.tip(810_003);
  const taken = toldCode(810_003)!;
  await storedWith(taken);

  const sub: CaseSubmission = {
    caseId: newCaseId(),
    refCode: taken,
    kind: 'tip',
    category: 'drugs',
    fields: { what: 'Có người bán ma túy ở quán nước', where: 'Hẻm 12', when: 'now' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdSealed: app.rt.box.seal('810004') },
    lang: 'vi',
    joinCode: 'KP1TO3',
    submittedAt: new Date().toISOString(),
  };
  await intake.submit(sub);
  const told = await emu.waitFor((m) => m.chat_id === '810004' && (m.text ?? '').includes(taken), 15_000);
  const fresh = refCodeIn((told.text ?? '').replace(taken, ''))!;
  expect(told.text).toBe(app.rt.t('vi', 'submit.recoded', { old: taken, code: fresh }));
  const stored = await app.rt.store.cases.byCaseId(sub.caseId);
  expect(stored?.refCode).toBe(fresh);
  expect((await app.rt.store.cases.byRefCode(taken))?.caseId).not.toBe(sub.caseId);
});

it('a case job that fails for good keeps its ids, not the resident’s words', async () => {
  const words = 'Ông Đặng Văn Quýt ở nhà số 88 tàng trữ pháo';
  const queue = new Queue(CASES_QUEUE, { connection: app.rt.queueRedis });
  const caseId = newCaseId();
  // A job no worker can ever take (a kind that does not exist): it fails for good at once.
  await queue.add('case', { caseId, refCode: 'TB-2612-9999', kind: 'no-such-kind', fields: { what: words } }, { jobId: caseId });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const job = await queue.getJob(caseId);
    if ((await job?.getState()) === 'failed' && (job?.data as { stripped?: boolean }).stripped) {
      expect(job!.data).toEqual({ caseId, refCode: 'TB-2612-9999', stripped: true, kind: 'no-such-kind' });
      expect(job!.failedReason).toBe('Invalid case submission');
      break;
    }
    if (Date.now() > deadline) throw new Error('the job was not failed and stripped');
    await new Promise((r) => setTimeout(r, 50));
  }
  await queue.close();
  expect((await dumpRedis(app.rt.redis)).filter((e) => e.includes('Quýt') || e.includes('tàng trữ'))).toEqual([]);
  expect(app.logs.some((l) => l.includes('case.failed_for_good') && l.includes(caseId))).toBe(true);
});
