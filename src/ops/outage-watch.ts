import type { OperatorAlertsPort } from './port';

export interface OutageWatchOptions {
  /** Each dependency's ping: true when it answers (app/readiness uses the same ones). */
  probes: { database: () => Promise<boolean>; redis: () => Promise<boolean> };
  /** How long a dependency must fail every ping before the operators are told (OPERATOR_OUTAGE_SECONDS). */
  outageMs: number;
  /** Time between pings. */
  everyMs: number;
  now?: () => number;
}

/**
 * Pings the database and Redis and tells the operators when one has not answered for `outageMs`,
 * and again when it answers after that. A blip shorter than `outageMs` tells nobody. The window of
 * OperatorAlerts makes the outage one message and its recovery another, even with several
 * processes watching, and even if the dependency flaps.
 */
export class OutageWatch {
  private readonly down = new Map<'database' | 'redis', { since: number; told: boolean }>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly now: () => number;

  constructor(
    private readonly alerts: OperatorAlertsPort,
    private readonly opts: OutageWatchOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round of pings. The notifications are not awaited: one for Redis waits until Redis is back. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const name of ['database', 'redis'] as const) {
        const up = await this.opts.probes[name]().catch(() => false);
        this.observe(name, up);
      }
    } finally {
      this.checking = false;
    }
  }

  private observe(name: 'database' | 'redis', up: boolean): void {
    const now = this.now();
    const state = this.down.get(name);
    if (up) {
      if (state?.told) {
        const minutes = Math.max(1, Math.round((now - state.since) / 60_000));
        void this.alerts.notify(name === 'database' ? 'database_up' : 'redis_up', { minutes });
      }
      this.down.delete(name);
      return;
    }
    if (!state) {
      this.down.set(name, { since: now, told: false });
      return;
    }
    if (!state.told && now - state.since >= this.opts.outageMs) {
      state.told = true;
      const since = `${new Date(state.since).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      void this.alerts.notify(name === 'database' ? 'database_down' : 'redis_down', { since });
    }
  }
}
