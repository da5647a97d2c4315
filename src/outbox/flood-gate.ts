import type IORedis from 'ioredis';

export interface AlertCaps {
  casesPerAreaPerHour: number;
  alertsPerOfficerPerHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * The place of `member` in the window `KEYS[1]` (1 for the first), given once and kept: a retried
 * job or a second officer alerted about the same case finds the same place, so a cap admits the
 * same members whatever the order of retries. The key goes an hour after its window closes.
 */
const RANK = `local r = redis.call('HGET', KEYS[1], ARGV[1])
if r then return tonumber(r) end
local n = redis.call('HLEN', KEYS[1]) + 1
redis.call('HSET', KEYS[1], ARGV[1], n)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n`;

/** Let through, or gathered into the digest at `windowEnd` because of the area's or the officer's cap. */
export type GateVerdict = { send: true } | { send: false; reason: 'area' | 'officer'; windowEnd: number };

/**
 * Flood caps per area and per recipient (issue 14, point 11), in fixed clock-hour windows shared by
 * every worker through Redis: the first `casesPerAreaPerHour` cases of one area in the hour are
 * alerted one by one, and so are the first `alertsPerOfficerPerHour` alerts to one officer; the rest
 * wait for the officer's digest. Keys name an area code or an officer id and the hour, never a chat;
 * the members are case and notification ids. Limits per account (CASES_PER_USER_PER_HOUR) stop one
 * account; these stop many throwaway ones from burying an officer's chat.
 */
export class FloodGate {
  constructor(
    private readonly redis: IORedis,
    private readonly caps: AlertCaps,
    private readonly clock: () => number = Date.now,
  ) {}

  async admit(alert: { caseId: string; areaCode?: string | null; officerId: string; notificationId: string }): Promise<GateVerdict> {
    const now = this.clock();
    const hour = Math.floor(now / HOUR_MS);
    const windowEnd = (hour + 1) * HOUR_MS;
    const ttl = String(windowEnd + HOUR_MS - now);
    const areaRank = Number(await this.redis.eval(RANK, 1, `alert-cap:area:${alert.areaCode ?? '-'}:${hour}`, alert.caseId, ttl));
    if (areaRank > this.caps.casesPerAreaPerHour) return { send: false, reason: 'area', windowEnd };
    const officerRank = Number(await this.redis.eval(RANK, 1, `alert-cap:officer:${alert.officerId}:${hour}`, alert.notificationId, ttl));
    if (officerRank > this.caps.alertsPerOfficerPerHour) return { send: false, reason: 'officer', windowEnd };
    return { send: true };
  }
}
