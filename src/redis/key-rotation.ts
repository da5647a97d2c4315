import type IORedis from 'ioredis';
import { Queue } from 'bullmq';
import type { SealedBox } from '../domain/sealed-box';
import { noReseals, type ResealCount } from '../store/key-rotation';

/** A job's data sealed again with the newest key; undefined when it needs nothing (already current, or not sealed). */
export type ResealJobData = (data: unknown, jobId: string) => unknown;

/** Every state a job can be kept in with its data. */
const JOB_STATES = ['waiting', 'delayed', 'prioritized', 'paused', 'waiting-children', 'active', 'failed', 'completed'] as const;

/** SET the key to ARGV[2] only if it still holds ARGV[1], keeping its expiry. */
const SWAP_STRING = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1 end return 0`;
/** HSET the hash's field ARGV[1] to ARGV[3] only if it still holds ARGV[2]. */
const SWAP_FIELD = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0`;

/**
 * What Redis keeps sealed, sealed again with the newest key (scripts/admin rotate-key): the chats'
 * slots (`chat:<hash>`, bound to their key name), the profiles (`profile:<hash>`, each field bound
 * to `<key>#<field>`) and the data of queued jobs that carry sealed values. Keys are walked with
 * SCAN and jobs in pages, `batch` at a time; each value is swapped in only if it is still the one
 * that was read (a script, so a resident's new message or a finished job is never overwritten) and
 * keeps its expiry. A value already on the newest key is left alone: safe to stop and run again.
 */
export class RedisKeyRotation {
  constructor(
    private readonly redis: IORedis,
    private readonly box: SealedBox,
    private readonly batch: number,
  ) {}

  async chatSlots(): Promise<ResealCount> {
    const count = noReseals();
    await this.scan('chat:*', 'string', async (name) => {
      const sealed = await this.redis.get(name);
      const again = sealed === null ? undefined : this.resealed(sealed, name, count);
      if (again !== undefined) await this.redis.eval(SWAP_STRING, 1, name, sealed!, again);
    });
    return count;
  }

  async profiles(): Promise<ResealCount> {
    const count = noReseals();
    await this.scan('profile:*', 'hash', async (name) => {
      for (const [field, sealed] of Object.entries(await this.redis.hgetall(name))) {
        const again = this.resealed(sealed, `${name}#${field}`, count);
        if (again !== undefined) await this.redis.eval(SWAP_FIELD, 1, name, field, sealed, again);
      }
    });
    return count;
  }

  /** The jobs of `queueName` whose data `reseal` changes (BullMQ's default `bull` prefix). */
  async queue(queueName: string, reseal: ResealJobData): Promise<ResealCount> {
    const count = noReseals();
    const queue = new Queue(queueName, { connection: this.redis });
    try {
      for (const state of JOB_STATES) {
        // Newest first; a job that moves state meanwhile is met again in its new state or by the next run.
        for (let start = 0; ; start += this.batch) {
          const jobs = await queue.getJobs([state], start, start + this.batch - 1);
          if (jobs.length === 0) break;
          for (const job of jobs) {
            if (!job?.id) continue;
            const name = `bull:${queueName}:${job.id}`;
            const raw = await this.redis.hget(name, 'data');
            if (raw === null) continue;
            let again: unknown;
            try {
              again = reseal(JSON.parse(raw) as unknown, job.id);
            } catch {
              count.unreadable += 1;
              continue;
            }
            if (again === undefined) {
              if (hasSealed(raw)) count.current += 1;
              continue;
            }
            if ((await this.redis.eval(SWAP_FIELD, 1, name, 'data', raw, JSON.stringify(again))) === 1) count.resealed += 1;
          }
        }
      }
    } finally {
      await queue.close();
    }
    return count;
  }

  private async scan(match: string, type: 'string' | 'hash', each: (name: string) => Promise<void>): Promise<void> {
    let cursor = '0';
    do {
      const [next, names] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', this.batch, 'TYPE', type);
      cursor = next;
      for (const name of names) await each(name);
    } while (cursor !== '0');
  }

  private resealed(sealed: string, aad: string, count: ResealCount): string | undefined {
    if (this.box.isCurrent(sealed)) {
      count.current += 1;
      return undefined;
    }
    try {
      const again = this.box.reseal(sealed, aad);
      count.resealed += 1;
      return again;
    } catch {
      count.unreadable += 1;
      return undefined;
    }
  }
}

const hasSealed = (raw: string): boolean => raw.includes('"v2.') || raw.includes('"v1.');

/** A job whose data is `{ sealed }` (inbox updates, operators' messages): sealed again, bound to `aad`. */
export function resealSealedField(box: SealedBox, aad: (jobId: string) => string = () => ''): ResealJobData {
  return (data, jobId) => {
    if (!data || typeof data !== 'object' || typeof (data as { sealed?: unknown }).sealed !== 'string') return undefined;
    const sealed = (data as { sealed: string }).sealed;
    if (box.isCurrent(sealed)) return undefined;
    return { ...data, sealed: box.reseal(sealed, aad(jobId)) };
  };
}
