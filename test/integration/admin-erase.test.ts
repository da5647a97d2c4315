import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { reporterIndexOf } from '../../src/domain/reporter-index';
import { ChatLock } from '../../src/redis/chat-lock';
import { RedisChatSlots } from '../../src/redis/chat-slots';
import { RedisProfiles } from '../../src/redis/profiles';
import { RESIDENT_ERASED } from '../../src/store/notices/notice.repository';
import { startApp, TEST_HMAC_SECRET, type AppHarness } from '../support/app-harness';

/**
 * `scripts/admin erase-user <channel> <userId>`, the operator's tool for an erasure request made
 * at the ward office, run as a process of its own against the real database and Redis the app
 * uses: the resident's profile and conversation go, their cases are unlinked (found by the blind
 * index) and their waiting notices failed; another resident's data is untouched; a second run
 * finds nothing more.
 */
const root = path.join(__dirname, '..', '..');
let app: AppHarness;
let profiles: RedisProfiles;
let slots: RedisChatSlots;

beforeAll(async () => {
  app = await startApp({}, { roles: 'none' });
  profiles = new RedisProfiles(app.rt.redis, app.rt.box, app.rt.hash);
  slots = new RedisChatSlots(app.rt.redis, new ChatLock(app.rt.redis, app.rt.hash), app.rt.box, app.rt.hash);
});

afterAll(async () => {
  await app?.close();
});

function admin(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      MONGODB_URI: app.rt.config.mongodbUri,
      REDIS_URL: app.rt.config.redisUrl,
      KEY_HMAC_SECRET: TEST_HMAC_SECRET,
    },
  });
}

/** What a resident has: a sent case with a contact, a notice waiting for them, a profile, a draft. */
async function resident(userId: string, cases: number): Promise<string[]> {
  const { box, hash, store } = app.rt;
  const ids: string[] = [];
  for (let i = 0; i < cases; i++) {
    const caseId = `admin${userId}case${i}`;
    await store.cases.insertIfAbsent({
      caseId,
      refCode: `TB-2612-${userId}${i}`,
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Mất xe máy trước nhà', where: 'Hẻm 45 Lê Lợi', when: 'today' },
      attachments: [],
      anonymous: false,
      contactEnc: box.seal('0903123456'),
      replyTo: { channel: 'telegram', chatIdEnc: box.seal(userId) },
      reporterIndex: reporterIndexOf(hash, 'telegram', userId),
      lang: 'vi',
      areaCode: 'kp1-to3',
      submittedAt: new Date(),
    });
    await store.notices.ensure({
      noticeId: `n.${caseId}.ack`,
      caseId,
      channel: 'telegram',
      chatIdEnc: box.seal(userId),
      parts: [{ text: 'Tin báo của bạn đã được tiếp nhận' }],
    });
    ids.push(caseId);
  }
  await profiles.update('telegram', userId, { lang: 'en', joinCode: 'KP1TO3' });
  const now = Date.now();
  await slots.save(`telegram:${userId}`, {
    active: { owner: 'flow', state: { draft: { values: { what: 'đang viết dở' } } }, expiresAt: now + 60_000 },
  });
  return ids;
}

it('erases the resident named at the ward office, and only them; a second run finds nothing more', async () => {
  const mine = await resident('821', 2);
  const theirs = await resident('822', 1);
  const other = await app.rt.store.cases.byCaseId(theirs[0]);

  const run = admin('erase-user', 'telegram', '821');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(
    'telegram user 821 erased: 2 case(s) unlinked (reports kept for the officers), 2 notice(s) to them cleared, profile deleted, conversation deleted',
  );

  expect(await profiles.get('telegram', '821')).toEqual({});
  expect(await slots.load('telegram:821')).toBeNull();
  for (const caseId of mine) {
    const c = (await app.rt.store.cases.byCaseId(caseId))!;
    expect([c.contactEnc, c.replyTo, c.reporterIndex]).toEqual([undefined, undefined, undefined]);
    expect(c.fields.what).toBe('Mất xe máy trước nhà');
    const [notice] = await app.rt.store.notices.forCase(caseId);
    expect(notice).toMatchObject({ status: 'failed', lastError: RESIDENT_ERASED, parts: [] });
    expect(notice.chatIdEnc).toBeUndefined();
  }
  expect(await app.rt.store.cases.idsByReporterIndex(reporterIndexOf(app.rt.hash, 'telegram', '821'))).toEqual([]);

  // The other resident keeps everything.
  expect(await profiles.get('telegram', '822')).toEqual({ lang: 'en', joinCode: 'KP1TO3' });
  expect(await slots.load('telegram:822')).not.toBeNull();
  expect(await app.rt.store.cases.byCaseId(theirs[0])).toEqual(other);
  expect((await app.rt.store.notices.forCase(theirs[0]))[0]).toMatchObject({ status: 'pending' });

  const again = admin('erase-user', 'telegram', '821');
  expect(again.status).toBe(0);
  expect(again.stdout.trim()).toBe(
    'telegram user 821 erased: 0 case(s) unlinked (reports kept for the officers), 0 notice(s) to them cleared, profile none, conversation none',
  );
});

it('refuses a mistyped command, and a run without the keyed-hash secret, erasing nothing', async () => {
  await resident('823', 1);
  const missing = admin('erase-user', 'telegram');
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('erase-user needs the channel and the user id');
  const wrongChannel = admin('erase-user', 'viber', '823');
  expect(wrongChannel.status).toBe(2);
  const noSecret = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', 'erase-user', 'telegram', '823'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, MONGODB_URI: app.rt.config.mongodbUri, REDIS_URL: app.rt.config.redisUrl, KEY_HMAC_SECRET: '' },
    },
  );
  expect(noSecret.status).toBe(1);
  expect(noSecret.stderr).toContain('KEY_HMAC_SECRET is not set');
  expect(await profiles.get('telegram', '823')).toEqual({ lang: 'en', joinCode: 'KP1TO3' });
  expect((await app.rt.store.cases.byCaseId('admin823case0'))!.reporterIndex).toBeDefined();
});
