import type IORedis from 'ioredis';

/** SREM and SCARD in one step, so of two deliveries finishing at once only the last sees zero. */
const FINISH = "redis.call('SREM', KEYS[1], ARGV[1]) return redis.call('SCARD', KEYS[1])";

/** Ids per SADD: one command with every group of a large broadcast would be one huge request. */
const CHUNK = 1000;

/**
 * Which of a broadcast's deliveries are still out, so that finding the last one costs one Redis
 * call instead of counting every delivery in the database after each group (an aggregate that
 * grows with the broadcast: thousands of groups made it quadratic).
 *
 * Only a hint: when it says none is left, the caller confirms with the database before reporting.
 * It errs only on the safe side. The set is filled once per broadcast, before any delivery is
 * queued (SET NX on a marker), so it never holds a delivery that already finished; a set left
 * incomplete by a crash, or lost with Redis, reads as empty sooner, which costs a database count
 * per finishing group but never loses the report.
 */
export class BroadcastTally {
  constructor(
    private readonly redis: IORedis,
    /** Longer than any broadcast takes to deliver, retries included. */
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  /** Records the deliveries to wait for; only the first call for a broadcast counts. */
  async arm(broadcastId: string, deliveryIds: readonly string[]): Promise<void> {
    const won = await this.redis.set(`bctally:${broadcastId}:armed`, '1', 'EX', this.ttlSeconds, 'NX');
    if (won !== 'OK' || deliveryIds.length === 0) return;
    const key = this.key(broadcastId);
    for (let i = 0; i < deliveryIds.length; i += CHUNK) await this.redis.sadd(key, ...deliveryIds.slice(i, i + CHUNK));
    await this.redis.expire(key, this.ttlSeconds);
  }

  /** The delivery is done (repeating it is harmless). True when no delivery is known to be out. */
  async finished(broadcastId: string, deliveryId: string): Promise<boolean> {
    const left = await this.redis.eval(FINISH, 1, this.key(broadcastId), deliveryId);
    return Number(left) === 0;
  }

  private key(broadcastId: string): string {
    return `bctally:${broadcastId}:out`;
  }
}
