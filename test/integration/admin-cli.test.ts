import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { CASES_QUEUE } from '../../src/queues/names';
import { createRedis, waitReady } from '../../src/redis/connection';
import { loadSeed } from '../../src/store/seed';
import { testSettings } from '../support/app-harness';
import { openTestDatabase, type TestDatabase } from '../support/db';

/**
 * The operators' commands of issue 16, run as operators run them (`scripts/admin …`, the same entry
 * as `docker compose run --rm bot admin …`) against the real database and Redis: an officer
 * deactivated at once, a group unbound from its area, the failed jobs listed without their
 * content and put back in their queue.
 */
const root = path.join(__dirname, '..', '..');
const ward = JSON.parse(readFileSync(path.join(root, 'scripts', 'seed-data', 'ward.json'), 'utf8')) as Parameters<typeof loadSeed>[1];

let db: TestDatabase;
let redisUrl: string;
let redis: IORedis;

beforeAll(async () => {
  db = await openTestDatabase();
  await loadSeed(db.store, ward);
  redisUrl = testSettings().REDIS_URL;
  redis = createRedis(redisUrl, 'blocking', 'test-admin');
  await waitReady(redis);
  await redis.flushdb();
});

afterAll(async () => {
  redis?.disconnect();
  await db?.close();
});

function admin(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', MONGODB_URI: db.uri, REDIS_URL: redisUrl }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('scripts/admin for operators', () => {
  it('deactivates an officer, who then receives nothing, and says so', async () => {
    expect((await db.store.officers.byId('cskv-sg-01'))?.active).toBe(true);
    const result = await admin(['deactivate-officer', '--id', 'cskv-sg-01']);
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining('officer cskv-sg-01 deactivated') });
    expect((await db.store.officers.byId('cskv-sg-01'))?.active).toBe(false);
    expect((await db.store.officers.inAreas(['kp1-to3'])).map((o) => o.officerId)).not.toContain('cskv-sg-01');
    expect(await admin(['deactivate-officer', '--id', 'nobody'])).toMatchObject({
      code: 1,
      out: expect.stringContaining('no officer nobody'),
    });
  });

  it('unbinds a group from its area', async () => {
    const [group] = await db.store.groups.all();
    expect(group.areaCode).not.toBeNull();
    const result = await admin(['unbind-group', '--channel', group.channel, '--chat', group.chatId]);
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining('reports to no area now') });
    expect((await db.store.groups.byChat(group.channel, group.chatId))?.areaCode).toBeNull();
  });

  it('lists failed jobs without their content and puts them back in the queue', async () => {
    const queue = new Queue(CASES_QUEUE, { connection: redis });
    const words = 'Hai thanh niên bẻ khóa xe máy trước nhà số 12';
    await queue.add('case', { fields: { what: words } }, { jobId: 'job-1', attempts: 1 });
    await queue.add('case', { fields: { what: words } }, { jobId: 'job-2', attempts: 1 });
    const workerRedis = createRedis(redisUrl, 'blocking', 'test-admin-worker');
    const worker = new Worker(
      CASES_QUEUE,
      () => {
        throw new UnrecoverableError('store_unavailable: the database did not answer');
      },
      { connection: workerRedis },
    );
    while ((await queue.getFailedCount()) < 2) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    workerRedis.disconnect();

    const listed = await admin(['failed-jobs']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/cases\tjob-1\tcase\t1 attempts\t\d{4}-\d\d-\d\dT.*\tstore_unavailable: the database did not answer/);
    expect(listed.out).toContain('job-2');
    expect(listed.out).not.toContain('bẻ khóa');

    expect(await admin(['retry-failed', '--queue', 'cases', '--id', 'job-1'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('1 job(s)'),
    });
    expect(await queue.getFailedCount()).toBe(1);
    expect(await admin(['retry-failed', '--queue', 'cases', '--all'])).toMatchObject({ code: 0, out: expect.stringContaining('1 job(s)') });
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(2);
    expect(await admin(['retry-failed', '--queue', 'cases'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--id JOB_ID or --all'),
    });
    expect(await admin(['failed-jobs', '--queue', 'nope'])).toMatchObject({ code: 1, out: expect.stringContaining('unknown queue nope') });
    await queue.obliterate({ force: true });
    await queue.close();
  }, 60_000);
});
