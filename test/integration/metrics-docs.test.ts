import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '../../src/metrics/metrics';
import { registerQueueGauges } from '../../src/metrics/queue-gauges';
import { registerZaloQuotaGauge } from '../../src/metrics/zalo-quota-gauge';
import { createRedis, waitReady } from '../../src/redis/connection';
import { testSettings } from '../support/app-harness';

/**
 * The alert rules and the Grafana dashboard in docs/ops name only metrics the app serves: a
 * renamed metric would otherwise leave an alert that never fires and a panel that stays empty,
 * and nobody would notice until the day it mattered. (Their PromQL is checked with promtool, see
 * docs/ops/metrics.md.)
 */
const OPS = join(__dirname, '..', '..', 'docs', 'ops');
/** What Prometheus itself adds to every target. */
const PROMETHEUS_OWN = new Set(['up']);

describe('docs/ops against the served metrics', () => {
  const redis = createRedis(testSettings().REDIS_URL, 'interactive', 'metrics-docs-test');
  let served: Set<string>;
  let gauges: { close(): Promise<void> };

  beforeAll(async () => {
    await waitReady(redis);
    const metrics = new Metrics();
    gauges = registerQueueGauges(metrics, redis, ['cases']);
    // Served where Zalo is configured.
    registerZaloQuotaGauge(metrics, () => Promise.resolve({ used: 1, limit: 3000 }));
    const text = await metrics.scrape();
    // Every declared metric has its TYPE line, samples or not (a labelled counter has none before its first count).
    served = new Set();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      served.add(name);
      if (type === 'histogram') for (const part of ['_bucket', '_count', '_sum']) served.add(`${name}${part}`);
    }
  });
  afterAll(async () => {
    await gauges.close();
    redis.disconnect();
  });

  /** Metric names in PromQL: words followed by `{`, `[`, `)` or ` ` that are ours, Node's or Prometheus's. */
  function namesIn(text: string): string[] {
    return [...new Set([...text.matchAll(/\b((?:tnd|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s=><])/g)].map((m) => m[1]))];
  }

  it.each(['prometheus-alerts.yml', 'grafana-dashboard.json'])('%s names only served metrics', (file) => {
    const names = namesIn(readFileSync(join(OPS, file), 'utf8'));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !served.has(n) && !PROMETHEUS_OWN.has(n))).toEqual([]);
  });

  it('the dashboard is JSON with the provisioned data source on every query', () => {
    const dash = JSON.parse(readFileSync(join(OPS, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { type: string; targets?: { datasource: { uid: string } }[] }[];
    };
    const targets = dash.panels.flatMap((p) => p.targets ?? []);
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.every((t) => t.datasource.uid === 'prometheus')).toBe(true);
    expect(readFileSync(join(OPS, 'grafana', 'datasources.yml'), 'utf8')).toContain('uid: prometheus');
  });
});
