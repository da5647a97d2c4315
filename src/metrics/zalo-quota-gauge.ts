import { Gauge } from 'prom-client';
import type { Metrics } from './metrics';

/**
 * `tnd_zalo_quota_messages{what="used"|"limit"}`: the messages Zalo accepted this month (Vietnam's
 * month, counted in Redis by every process that sends) and the plan's monthly quota, read at each
 * scrape, so an alert can fire well before the quota runs out. Left out when the count cannot be read.
 */
export function registerZaloQuotaGauge(metrics: Metrics, usage: () => Promise<{ used: number; limit: number }>): void {
  new Gauge({
    name: 'tnd_zalo_quota_messages',
    help: "Zalo messages sent this month (what=used) and the plan's monthly quota (what=limit)",
    labelNames: ['what'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const u = await usage().catch(() => null);
      if (!u) return;
      this.set({ what: 'used' }, u.used);
      this.set({ what: 'limit' }, u.limit);
    },
  });
}
