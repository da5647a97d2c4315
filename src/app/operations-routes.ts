import type { Config } from '../config';
import type { ChannelName } from '../conversations/messages';
import { configuredChannels } from '../features/officer-desk/wiring';
import { ESCALATIONS_QUEUE } from '../features/officer-desk/adapters/escalations';
import { BROADCASTS_QUEUE } from '../features/broadcast/adapters/broadcast-queue';
import { RETENTION_QUEUE } from '../features/privacy/wiring';
import { inboxQueueName } from '../channels/inbox/update-inbox';
import { addEvidenceRoute } from '../http/evidence-route';
import { addHealthRoutes } from '../http/health-routes';
import type { HttpServer } from '../http/http-server';
import { addMetricsRoute } from '../metrics/metrics-route';
import { registerQueueGauges } from '../metrics/queue-gauges';
import { registerZaloQuotaGauge } from '../metrics/zalo-quota-gauge';
import { outboxQueueName } from '../outbox/jobs';
import { CASES_QUEUE } from '../queues/names';
import { addQueueUi } from './queue-ui';
import { readinessChecks, readinessDetails, type ReadinessParts } from './readiness';
import type { Runtime } from './runtime';

/**
 * What every process serves for the people who run it, whatever its role: /healthz, /readyz,
 * /metrics (with every queue's depth, since any process can read them from Redis), with its
 * credentials set the queue UI at /queues, and with PUBLIC_BASE_URL the signed evidence links.
 * Returns what to close at shutdown.
 */
export function addOperationsRoutes(http: HttpServer, rt: Runtime, parts: ReadinessParts): { close(): Promise<void> } {
  addHealthRoutes(http, readinessChecks(rt, parts), readinessDetails(rt));
  const names = queueNames(rt.config);
  const gauges = registerQueueGauges(rt.metrics, rt.redis, names);
  const quota = rt.zaloQuota;
  if (quota) registerZaloQuotaGauge(rt.metrics, () => quota.usage());
  addMetricsRoute(http, rt.metrics, rt.config.metrics);
  const queueUi = addQueueUi(http, rt, names);
  // Not for operators: Zalo fetches our copy of a photo here (sendPhoto takes a URL). Every process
  // serves it, so PUBLIC_BASE_URL may point at whichever the proxy reaches.
  const links = rt.evidenceLinks;
  if (links) addEvidenceRoute(http, links, (id) => rt.evidence.read(id));
  return {
    async close() {
      await gauges.close();
      await queueUi.close();
    },
  };
}

/** Every BullMQ queue this deployment uses: the fixed ones, and one outbox and one inbox per platform configured. */
export function queueNames(config: Config): string[] {
  return queueNamesFor([...configuredChannels(config)]);
}

/** The queues of a deployment with these platforms (the console has no inbox: it reads a terminal). */
export function queueNamesFor(channels: readonly ChannelName[]): string[] {
  return [
    CASES_QUEUE,
    ESCALATIONS_QUEUE,
    BROADCASTS_QUEUE,
    RETENTION_QUEUE,
    ...channels.map(outboxQueueName),
    ...channels.filter((c) => c !== 'console').map(inboxQueueName),
  ];
}
