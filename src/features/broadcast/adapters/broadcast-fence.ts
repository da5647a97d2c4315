import type IORedis from 'ioredis';

export type BroadcastFate = 'started' | 'cancelled';

/**
 * Decides, once and atomically, whether a broadcast starts or is cancelled: the broadcast job
 * claims 'started' when it fires, the sender's cancel claims 'cancelled', and whoever is first
 * wins for good (SET NX). So a cancel that races the scheduled moment either stops the broadcast
 * entirely or is told it is too late; never half of each.
 */
export class BroadcastFence {
  constructor(
    private readonly redis: IORedis,
    /** Longer than any schedule (90 days) plus retries. */
    private readonly ttlSeconds = 120 * 86_400,
  ) {}

  /** The fate that holds after this claim: `fate` if it won, or the one claimed before. */
  async claim(broadcastId: string, fate: BroadcastFate): Promise<BroadcastFate> {
    const result = await this.redis.eval(
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return ARGV[1] end return redis.call('GET', KEYS[1])",
      1,
      `bcfate:${broadcastId}`,
      fate,
      String(this.ttlSeconds),
    );
    return result === 'cancelled' ? 'cancelled' : 'started';
  }
}
