import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('sets an area’s map boundary from a GeoJSON file, checked first; removes it with --remove', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'boundary-'));
    const file = (name: string, value: unknown) => {
      const where = path.join(dir, name);
      writeFileSync(where, JSON.stringify(value));
      return where;
    };
    const ring = [
      [106.699, 10.776],
      [106.701, 10.776],
      [106.701, 10.778],
      [106.699, 10.778],
      [106.699, 10.776],
    ];
    const boundaryOf = async (code: string) => (await db.store.areas.withCodes([code]))[0]?.boundary;
    const before = await boundaryOf('kp1-to3');

    // As geojson.io exports it: a FeatureCollection of one feature.
    const good = file('good.geojson', {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'Tổ 3' }, geometry: { type: 'Polygon', coordinates: [ring] } }],
    });
    expect(await admin(['set-area-boundary', 'kp1-to3', good])).toMatchObject({
      code: 0,
      out: expect.stringContaining('area kp1-to3 boundary saved: a Polygon of 5 positions'),
    });
    expect(await boundaryOf('kp1-to3')).toEqual({ type: 'Polygon', coordinates: [ring] });
    expect(before).not.toEqual(await boundaryOf('kp1-to3'));

    // Refused, naming the problem, and nothing changes.
    const refusals: [string, unknown, string][] = [
      ['open.geojson', { type: 'Polygon', coordinates: [ring.slice(0, 4)] }, 'is not closed'],
      [
        'swapped.geojson',
        { type: 'Polygon', coordinates: [ring.map(([lon, lat]) => [lat, lon])] },
        'latitude 106.699 is outside [-90, 90]',
      ],
      ['point.geojson', { type: 'Point', coordinates: [106.7, 10.77] }, 'must be a Polygon or a MultiPolygon'],
    ];
    for (const [name, value, message] of refusals) {
      expect(await admin(['set-area-boundary', 'kp1-to3', file(name, value)])).toMatchObject({
        code: 1,
        out: expect.stringContaining(message),
      });
    }
    writeFileSync(path.join(dir, 'broken.geojson'), '{"type": "Polygon", ');
    expect(await admin(['set-area-boundary', 'kp1-to3', path.join(dir, 'broken.geojson')])).toMatchObject({
      code: 1,
      out: expect.stringContaining('not a readable JSON file'),
    });
    expect(await boundaryOf('kp1-to3')).toEqual({ type: 'Polygon', coordinates: [ring] });

    expect(await admin(['set-area-boundary', 'nowhere', good])).toMatchObject({
      code: 1,
      out: expect.stringContaining('area nowhere does not exist'),
    });
    expect(await admin(['set-area-boundary', 'kp1-to3'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('set-area-boundary needs'),
    });
    expect(await admin(['set-area-boundary', 'kp1-to3', '--remove'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('has no boundary now'),
    });
    expect(await boundaryOf('kp1-to3')).toBeUndefined();
  }, 60_000);
});
