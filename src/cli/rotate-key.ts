import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { contactKeys } from '../config';
import { CHANNEL_NAMES } from '../domain/chat';
import { SealedBox } from '../domain/sealed-box';
import { inboxQueueName } from '../channels/inbox/update-inbox';
import { resealCaseJob } from '../features/reporting/adapters/case-submission.schema';
import { outboxQueueName } from '../outbox/jobs';
import { CASES_QUEUE } from '../queues/names';
import { RedisKeyRotation, resealSealedField } from '../redis/key-rotation';
import { DatabaseKeyRotation, type ResealCount } from '../store/key-rotation';

/**
 * `scripts/admin rotate-key`: everything stored sealed with the contact key, sealed again with the
 * newest (CONTACT_ENCRYPTION_KEY), opening what the keys before it (CONTACT_ENCRYPTION_OLD_KEYS)
 * sealed. Where sealed values are written: the cases and notices (conversation-service, the desk's
 * messenger), the evidence store, the chats' slots and the profiles in Redis, and the jobs that
 * carry sealed data (cases, inbox updates, operators' messages in the outbox). Once it reports
 * nothing left on an old key, with the bot already running on the new one, the old key can go.
 */
export function rotationBox(env: NodeJS.ProcessEnv): SealedBox {
  const parsed = contactKeys.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const { CONTACT_ENCRYPTION_KEY: current, CONTACT_ENCRYPTION_OLD_KEYS: old } = parsed.data;
  return new SealedBox([current, ...old].map((k) => Buffer.from(k, 'base64')));
}

export type RotationReport = [part: string, count: ResealCount][];

export async function rotateKey(conn: Connection, redis: IORedis, box: SealedBox, batch: number): Promise<RotationReport> {
  const db = new DatabaseKeyRotation(conn, box, batch);
  const kv = new RedisKeyRotation(redis, box, batch);
  const sealedField = resealSealedField(box);
  const report: RotationReport = [
    ['cases', await db.cases()],
    ['notices', await db.notices()],
    ['evidence files', await db.evidence()],
    ['chat slots (Redis)', await kv.chatSlots()],
    ['profiles (Redis)', await kv.profiles()],
    ['queued cases', await kv.queue(CASES_QUEUE, (data, id) => resealCaseJob(box, data, id))],
  ];
  for (const channel of CHANNEL_NAMES) {
    report.push([`queued updates (${channel})`, await kv.queue(inboxQueueName(channel), sealedField)]);
    report.push([`queued outbox jobs (${channel})`, await kv.queue(outboxQueueName(channel), sealedField)]);
  }
  return report;
}

/** The lines the operator reads: one per part, then whether the old keys can go. */
export function describeRotation(box: SealedBox, report: RotationReport): string[] {
  const lines = report.map(([part, c]) => `${part}: ${c.resealed} re-sealed, ${c.current} already current, ${c.unreadable} unreadable`);
  const unreadable = report.reduce((n, [, c]) => n + c.unreadable, 0);
  lines.push(
    unreadable === 0
      ? `Everything is sealed with key ${box.currentKeyId}. Once the bot and worker run with this CONTACT_ENCRYPTION_KEY, the old keys can be removed from CONTACT_ENCRYPTION_OLD_KEYS.`
      : `${unreadable} value(s) open with none of the loaded keys (sealed with a key not given, or damaged): they stay as they are.`,
  );
  return lines;
}
