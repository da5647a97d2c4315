/**
 * The raw ceilings the pipeline and intake benchmarks are compared with, measured in the same run
 * on the same Redis and database: what BullMQ alone and the database alone can do.
 */
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { connectDatabase } from '../../src/store/connection';
import { lanes, round, until } from './kit';

/** Empty BullMQ jobs added (`adders` in flight) and processed by 8 workers, per second, on this Redis. */
export async function bullmqCeiling(redisUrl: string, n: number, adders: number): Promise<{ jobsPerSecond: number; ms: number }> {
  const producer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const consumer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const name = `bench-raw-${Date.now()}`;
  const queue = new Queue(name, { connection: producer });
  let done = 0;
  const worker = new Worker(name, async () => undefined, { connection: consumer, concurrency: 8 });
  worker.on('completed', () => done++);
  await worker.waitUntilReady();
  const t0 = Date.now();
  await lanes(n, adders, async (i) => {
    await queue.add('empty', {}, { jobId: `j${i}`, removeOnComplete: true, removeOnFail: true });
  });
  await until(() => done >= n, 600_000, 20);
  const ms = Date.now() - t0;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  return { jobsPerSecond: round((n / ms) * 1000), ms };
}

/** Inserts of ~1 KB case-like documents (16 in flight) per second, into this database. */
export async function insertCeiling(uri: string, n: number): Promise<{ insertsPerSecond: number; ms: number }> {
  const conn = await connectDatabase(uri);
  const collection = conn.db!.collection<{ _id: string }>('bench_raw_inserts');
  const what = 'Hai thanh niên đi xe Wave màu đỏ bẻ khóa xe máy trước nhà số 12, '.repeat(3);
  const t0 = Date.now();
  await lanes(n, 16, async (i) => {
    await collection.insertOne({
      _id: `raw${i}`,
      refCode: `TB-2611-${i}`,
      kind: 'tip',
      category: 'theft',
      fields: { what, where: 'Hẻm 45 Lê Lợi', when: 'now' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: 'v1.'.padEnd(60, 'x') },
      areaCode: 'kp1-to3',
      status: 'new',
      recipients: ['cskv-sg-01'],
      history: [{ at: new Date(), action: 'submitted', by: 'resident' }],
      submittedAt: new Date(),
    } as never);
  });
  const ms = Date.now() - t0;
  await collection.drop().catch(() => undefined);
  await conn.close();
  return { insertsPerSecond: round((n / ms) * 1000), ms };
}

/**
 * The database alone doing one tip's commands as the stage profile counts them (intake: insert the
 * case, upsert its notification; alert: take the notification up, read the case and the officer,
 * mark it sent), tips 16 in flight, commands of one tip in order: tips per second. Intake alone
 * set beside it tells whether our worker waits on those commands or on something else.
 */
export async function tipCommandsCeiling(uri: string, n: number): Promise<{ tipsPerSecond: number; commandsPerTip: number; ms: number }> {
  const conn = await connectDatabase(uri);
  const cases = conn.db!.collection<{ _id: string }>('bench_raw_cases');
  const notifications = conn.db!.collection<{ _id: string }>('bench_raw_notifications');
  const officers = conn.db!.collection<{ _id: string }>('bench_raw_officers');
  await officers.insertOne({ _id: 'officer', officerId: 'cskv-sg-01', active: true, areaCodes: ['kp1-to3'] } as never);
  const what = 'Hai thanh niên đi xe Wave màu đỏ bẻ khóa xe máy trước nhà số 12, '.repeat(3);
  const t0 = Date.now();
  await lanes(n, 16, async (i) => {
    const id = `raw${i}`;
    await cases.insertOne({ _id: id, refCode: `TB-2611-${i}`, kind: 'tip', category: 'theft', fields: { what }, status: 'new' } as never);
    await notifications.findOneAndUpdate(
      { _id: `${id}.cskv` },
      { $setOnInsert: { caseId: id, status: 'pending', partsSent: 0, attempts: 0 } },
      { upsert: true, returnDocument: 'after' },
    );
    await notifications.findOneAndUpdate({ _id: `${id}.cskv`, status: 'pending' }, { $inc: { attempts: 1 } }, { returnDocument: 'after' });
    await cases.findOne({ _id: id });
    await officers.findOne({ officerId: 'cskv-sg-01' } as never);
    await notifications.findOneAndUpdate({ _id: `${id}.cskv` }, { $set: { status: 'sent', sentAt: new Date() }, $max: { partsSent: 1 } });
  });
  const ms = Date.now() - t0;
  for (const c of [cases, notifications, officers]) await c.drop().catch(() => undefined);
  await conn.close();
  return { tipsPerSecond: round((n / ms) * 1000), commandsPerTip: 6, ms };
}
