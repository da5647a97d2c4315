import { spawnSync } from 'node:child_process';
import { caseFieldAad, openCaseField } from '../../src/domain/case-seals';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { inboxQueueName } from '../../src/channels/inbox/update-inbox';
import { SealedBox } from '../../src/domain/sealed-box';
import { caseJobAad, unsealCaseJob } from '../../src/features/reporting/adapters/case-submission.schema';
import { outboxQueueName } from '../../src/outbox/jobs';
import { OutboxProducer } from '../../src/outbox/producer';
import { CASES_QUEUE } from '../../src/queues/names';
import { ChatLock } from '../../src/redis/chat-lock';
import { RedisChatSlots, chatSlotKey } from '../../src/redis/chat-slots';
import { createRedis } from '../../src/redis/connection';
import { RedisProfiles } from '../../src/redis/profiles';
import { EvidenceRepository } from '../../src/store/evidence/evidence.repository';
import { startApp, TEST_KEY, type AppHarness } from '../support/app-harness';
import { dumpRedis } from '../support/redis-dump';

/**
 * `scripts/admin rotate-key`, run as operators run it, against the real database and Redis the app
 * uses: everything the app sealed with the old key (TEST_KEY) — a case's contact and chat, a notice's
 * chat, an evidence file, a chat's slot, a profile, and the jobs that carry sealed data, queued or
 * failed — opens with the new key alone afterwards and nothing in Redis or the database is left on
 * the old key; a second run re-seals nothing; a file's re-sealing cut short either side of its switch
 * is finished by the next run.
 */
const root = path.join(__dirname, '..', '..');
const NEW_KEY = Buffer.alloc(32, 11);
let app: AppHarness;
const newOnly = new SealedBox(NEW_KEY);
const oldId = new SealedBox(Buffer.from(TEST_KEY, 'base64')).currentKeyId;

beforeAll(async () => {
  app = await startApp({}, { roles: 'none' });
});

afterAll(async () => {
  await app?.close();
});

function rotate(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', 'rotate-key', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: app.rt.config.mongodbUri,
      REDIS_URL: app.rt.config.redisUrl,
      CONTACT_ENCRYPTION_KEY: NEW_KEY.toString('base64'),
      CONTACT_ENCRYPTION_OLD_KEYS: TEST_KEY,
    },
  });
}

/** Every document of every collection, as text (evidence chunks' bytes left out: they are read through the store). */
async function dumpDatabase(): Promise<string[]> {
  const out: string[] = [];
  for (const { name } of await app.rt.db.db!.listCollections().toArray()) {
    if (name === 'evidence_chunks') continue;
    for (const doc of await app.rt.db.collection(name).find({}).toArray()) out.push(`${name} ${JSON.stringify(doc)}`);
  }
  return out;
}

it('re-seals every stored value with the newest key, so the old one can go; a second run changes nothing', async () => {
  const { box, store, redis, hash } = app.rt;
  expect(box.currentKeyId).toBe(oldId);

  await store.cases.insertIfAbsent({
    caseId: 'rotatecase0001',
    refCode: 'TB-2612-0901',
    kind: 'tip',
    category: 'theft',
    fields: { what: 'Mất xe máy trước nhà' },
    attachments: [{ kind: 'photo', ref: 'evidence:rotfile1' }],
    anonymous: false,
    contactEnc: box.seal('0903123456'),
    replyTo: { channel: 'telegram', chatIdEnc: box.seal('7301957') },
    lang: 'vi',
    areaCode: 'kp1-to3',
    submittedAt: new Date(),
  });
  await store.notices.ensure({
    noticeId: 'n.rotatecase0001.ack',
    caseId: 'rotatecase0001',
    channel: 'telegram',
    chatIdEnc: box.seal('7301957'),
    parts: [{ text: 'Tin báo của bạn đã được tiếp nhận' }],
  });
  const photo = randomBytes(600_000); // three chunks
  await app.rt.evidence.put('rotfile1', 'photo', 'image/jpeg', photo);
  const voice = randomBytes(1000);
  await app.rt.evidence.put('rotfile2', 'voice', 'audio/ogg', voice);
  // A run cut short before its switch left a new copy's chunks behind (here: garbage).
  await app.rt.db.collection('evidence_chunks').insertOne({
    _id: `rotfile2:${newOnly.currentKeyId}:0` as never,
    evidenceId: 'rotfile2',
    n: 0,
    data: randomBytes(50),
    set: newOnly.currentKeyId,
  });

  const profiles = new RedisProfiles(redis, box, hash);
  const slots = new RedisChatSlots(redis, new ChatLock(redis, hash), box, hash);
  await profiles.update('telegram', '7301957', { lang: 'en', joinCode: 'KP1TO3' });
  const slot = { active: { owner: 'flow', state: { draft: { values: { what: 'đang viết dở' } } }, expiresAt: Date.now() + 600_000 } };
  await slots.save('telegram:7301957', slot);

  const submission = {
    caseId: 'rotatecase0002',
    contactSealed: box.seal('0911222333'),
    replyTo: { channel: 'telegram', chatIdSealed: box.seal('7301958') },
    fields: { what: 'Có người lạ' },
  };
  const cases = new Queue(CASES_QUEUE, { connection: app.rt.queueRedis });
  await cases.add(
    'case',
    { sealed: box.seal(JSON.stringify(submission), caseJobAad('rotatecase0002')) },
    { jobId: 'rotatecase0002', delay: 3_600_000 },
  );
  const inbox = new Queue(inboxQueueName('telegram'), { connection: app.rt.queueRedis });
  await inbox.add('update', { sealed: box.seal('{"update_id":5,"message":{"text":"xin chào"}}') }, { jobId: 'u5', delay: 3_600_000 });
  await new OutboxProducer(app.rt.queueRedis, { attempts: 1, backoffMs: 100 }).enqueueOperatorMessage(
    'zalo',
    'op.test.1',
    box.seal(JSON.stringify({ chatId: 'ops', parts: [{ text: 'xin chào' }] })),
  );
  // A failed update, kept for the operator.
  const failing = new Queue(inboxQueueName('zalo'), { connection: app.rt.queueRedis });
  await failing.add('update', { sealed: box.seal('{"event_name":"message.text.received"}') }, { jobId: 'z1', attempts: 1 });
  const workerRedis = createRedis(app.rt.config.redisUrl, 'blocking', 'test-rotate-worker');
  const worker = new Worker(
    inboxQueueName('zalo'),
    () => {
      throw new UnrecoverableError('handler_failed');
    },
    { connection: workerRedis },
  );
  await new Promise<void>((resolve) => worker.on('failed', () => resolve()));
  await worker.close();
  workerRedis.disconnect();

  expect((await dumpRedis(redis)).join('\n')).toContain(`v2.${oldId}.`);
  expect((await dumpDatabase()).join('\n')).toContain(`v2.${oldId}.`);

  const run = rotate('--batch', '2');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`Re-sealing with key ${newOnly.currentKeyId}`);
  expect(run.stdout).toContain('cases: 2 re-sealed, 0 already current, 0 unreadable');
  expect(run.stdout).toContain('notices: 1 re-sealed');
  expect(run.stdout).toContain('evidence files: 2 re-sealed');
  expect(run.stdout).toContain('chat slots (Redis): 1 re-sealed');
  expect(run.stdout).toContain('profiles (Redis): 2 re-sealed');
  expect(run.stdout).toContain('queued cases: 1 re-sealed');
  expect(run.stdout).toContain('queued updates (telegram): 1 re-sealed');
  expect(run.stdout).toContain('queued updates (zalo): 1 re-sealed');
  expect(run.stdout).toContain('queued outbox jobs (zalo): 1 re-sealed');
  expect(run.stdout).toContain('the old keys can be removed');

  // Nothing is left on the old key, anywhere.
  expect((await dumpRedis(redis)).join('\n')).not.toContain(`v2.${oldId}.`);
  expect((await dumpDatabase()).join('\n')).not.toContain(`v2.${oldId}.`);

  // And everything opens with the new key alone; a case's fields, sealed before they were bound to
  // their case, are bound now (domain/case-seals.ts): copied into another case, they open nowhere.
  const c = (await store.cases.byCaseId('rotatecase0001'))!;
  expect(newOnly.open(c.contactEnc!, caseFieldAad('rotatecase0001', 'contact'))).toBe('0903123456');
  expect(newOnly.open(c.replyTo!.chatIdEnc, caseFieldAad('rotatecase0001', 'replyTo'))).toBe('7301957');
  expect(() => newOnly.open(c.contactEnc!)).toThrow();
  expect(() => openCaseField(newOnly, c.replyTo!.chatIdEnc, 'rotatecase0002', 'replyTo')).toThrow();
  expect(c.fields.what).toBe('Mất xe máy trước nhà');
  const [notice] = await store.notices.forCase('rotatecase0001');
  expect(newOnly.open(notice.chatIdEnc!, caseFieldAad('rotatecase0001', 'replyTo'))).toBe('7301957');
  const files = new EvidenceRepository(app.rt.db, newOnly);
  expect((await files.read('rotfile1'))!.bytes.equals(photo)).toBe(true);
  expect((await files.read('rotfile2'))!.bytes.equals(voice)).toBe(true);
  expect(await app.rt.db.collection('evidence_chunks').countDocuments({ evidenceId: 'rotfile1' })).toBe(3);
  expect(await app.rt.db.collection('evidence_chunks').countDocuments({ evidenceId: 'rotfile2' })).toBe(1);

  expect(await new RedisProfiles(redis, newOnly, hash).get('telegram', '7301957')).toEqual({ lang: 'en', joinCode: 'KP1TO3' });
  expect(await new RedisChatSlots(redis, new ChatLock(redis, hash), newOnly, hash).load('telegram:7301957')).toEqual(slot);
  expect(await redis.pttl(chatSlotKey(hash, 'telegram:7301957'))).toBeGreaterThan(500_000);

  const job = (await cases.getJob('rotatecase0002'))!;
  const opened = unsealCaseJob(job.data, job.id, (s, aad) => newOnly.open(s, aad)) as typeof submission;
  expect(newOnly.open(opened.contactSealed, caseFieldAad('rotatecase0002', 'contact'))).toBe('0911222333');
  expect(newOnly.open(opened.replyTo.chatIdSealed, caseFieldAad('rotatecase0002', 'replyTo'))).toBe('7301958');
  expect(opened.fields.what).toBe('Có người lạ');
  expect(newOnly.open((await inbox.getJob('u5'))!.data.sealed as string)).toContain('xin chào');
  expect(newOnly.open((await failing.getJob('z1'))!.data.sealed as string)).toContain('message.text.received');
  expect(await failing.getJobState('z1')).toBe('failed');
  const ops = new Queue(outboxQueueName('zalo'), { connection: app.rt.queueRedis });
  const [opJob] = await ops.getJobs(['waiting', 'prioritized', 'delayed']);
  expect(JSON.parse(newOnly.open(opJob.data.sealed as string))).toMatchObject({ chatId: 'ops' });

  // A run cut short after a file's switch left its old chunks: the next run deletes them.
  await app.rt.db
    .collection('evidence_chunks')
    .insertOne({ _id: 'rotfile2:0' as never, evidenceId: 'rotfile2', n: 0, data: randomBytes(50) });
  const again = rotate();
  expect(again.status).toBe(0);
  for (const line of again.stdout.trim().split('\n').slice(1, -1))
    expect(line).toMatch(/: 0 re-sealed, \d+ already current, 0 unreadable$/);
  expect(again.stdout).toContain('evidence files: 0 re-sealed, 2 already current');
  expect(await app.rt.db.collection('evidence_chunks').countDocuments({ evidenceId: 'rotfile2' })).toBe(1);
  expect((await files.read('rotfile2'))!.bytes.equals(voice)).toBe(true);

  await Promise.all([cases.close(), inbox.close(), failing.close(), ops.close()]);
});

it('refuses to run without a valid new key', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', 'rotate-key'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: app.rt.config.mongodbUri,
      REDIS_URL: app.rt.config.redisUrl,
      CONTACT_ENCRYPTION_KEY: 'short',
    },
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('CONTACT_ENCRYPTION_KEY must be 32 bytes');
  expect(run.stderr).not.toContain('short');
});
