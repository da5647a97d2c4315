import type { Worker } from 'bullmq';
import type { Role, Runtime } from './runtime';
import { pingRedis } from '../redis/connection';
import { pingDatabase } from '../store/connection';

/** What /readyz asks of a process, by role; parts not yet started count as not ready. */
export interface ReadinessParts {
  /** 'none': a process of only Redis and the database (admin tools, some tests); 'dashboard': the web dashboard alone. */
  role: Role | 'none';
  /** Set first thing at shutdown, so the load balancer stops sending before anything closes. */
  stopping: () => boolean;
  /** The bot's channels that receive updates (absent before the bot has started). */
  channels: () => { receiving: boolean }[] | undefined;
  /** The worker role's BullMQ workers (absent before they have started). */
  workers: () => Worker[] | undefined;
}

/**
 * The checks behind /readyz (src/http/health-routes.ts). Beyond Redis and the database answering,
 * a process is ready only if it does its job: a bot whose poll stopped (a 409 from a second
 * process on the same Telegram token, a poller that died) hears no resident, and a worker whose
 * BullMQ workers stopped sends no alert, though both would still answer pings.
 */
export function readinessChecks(rt: Runtime, parts: ReadinessParts): Record<string, () => Promise<boolean>> {
  const checks: Record<string, () => Promise<boolean>> = {
    redis: () => pingRedis(rt.redis),
    database: () => pingDatabase(rt.db),
    accepting: () => Promise.resolve(!parts.stopping()),
  };
  if (parts.role === 'bot' || parts.role === 'all') {
    checks.receiving = () => {
      const channels = parts.channels();
      return Promise.resolve(channels !== undefined && channels.every((c) => c.receiving));
    };
  }
  if (parts.role === 'worker' || parts.role === 'all') {
    checks.workers = () => {
      const workers = parts.workers();
      return Promise.resolve(workers !== undefined && workers.length > 0 && workers.every(workerRunning));
    };
  }
  return checks;
}

/** A worker is up while it runs and is not closing: BullMQ clears `running` only when its main loop
 *  has unwound, which can be a moment after close() resolves, while `closing` is set at once. */
function workerRunning(w: { isRunning(): boolean; closing: Promise<void> | undefined }): boolean {
  return w.isRunning() && w.closing === undefined;
}

/**
 * Figures /readyz shows beside the checks, deciding nothing: Zalo's messages this month against
 * the plan's quota (src/channels/zalo/quota.ts), and how long replies stay held after its 429.
 */
export function readinessDetails(rt: Pick<Runtime, 'zaloQuota'>): Record<string, () => Promise<unknown>> {
  const quota = rt.zaloQuota;
  if (!quota) return {};
  return { zaloQuota: () => quota.usage() };
}
