import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Where a message went out from: the outbox worker (alerts, notices, broadcasts) or a bot's direct reply. */
export type SendVia = 'outbox' | 'reply';

/** How one platform send ended (src/channels/send-errors.ts): `rate_limited` is the platform's 429. */
export type SendOutcome = 'sent' | 'rate_limited' | 'recipient_unavailable' | 'rejected' | 'error';

/**
 * The process's metrics, served at /metrics (docs/ops/metrics.md). One registry per process (not
 * prom-client's global one), so two apps in one test process never share counts. Labels are
 * only small fixed sets (platform, queue, outcome, level): never a chat, a case or an officer.
 * Queue depths are read from Redis when Prometheus scrapes (src/metrics/queue-gauges.ts).
 */
export class Metrics {
  readonly registry = new Registry();

  /** From the resident's confirmation (the case's submittedAt) to the officer's alert being sent, every part of it. */
  readonly alertLatency = new Histogram({
    name: 'tnd_alert_latency_seconds',
    help: "Seconds from a case's submission to an officer's alert about it being sent",
    labelNames: ['channel'] as const,
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  /** From a case's submission to its first acknowledgement by an officer. */
  readonly acknowledgeLatency = new Histogram({
    name: 'tnd_case_acknowledge_seconds',
    help: "Seconds from a case's submission to an officer acknowledging it",
    buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 259_200],
    registers: [this.registry],
  });

  readonly sends = new Counter({
    name: 'tnd_platform_sends_total',
    help: 'Messages sent to a platform, by how the send ended (outcome="rate_limited" counts its 429s)',
    labelNames: ['channel', 'via', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly alertsBatched = new Counter({
    name: 'tnd_alerts_batched_total',
    help: "Officers' alerts held by a flood cap for the hourly digest, by cap (area, officer)",
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly casesStored = new Counter({
    name: 'tnd_cases_stored_total',
    help: 'Cases the worker stored, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly escalations = new Counter({
    name: 'tnd_escalations_total',
    help: 'Escalation timers that fired on a case still unacknowledged, by level and outcome (escalated, no_supervisor)',
    labelNames: ['level', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly hotspots = new Counter({
    name: 'tnd_hotspots_total',
    help: 'Hotspot (điểm nóng) alerts raised: one category passing its threshold in one area within the window',
    registers: [this.registry],
  });

  readonly broadcasts = new Counter({
    name: 'tnd_broadcasts_total',
    help: 'Broadcasts fanned out to their groups',
    registers: [this.registry],
  });

  readonly broadcastDeliveries = new Counter({
    name: 'tnd_broadcast_deliveries_total',
    help: 'Broadcast deliveries into one group that finished, by status (sent, failed, skipped)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly heldReplies = new Counter({
    name: 'tnd_held_replies_total',
    help: 'Replies in chat held back while the platform refused to send (Zalo quota), by what became of them (held, sent, expired, gave_up)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly faqMisses = new Counter({
    name: 'tnd_faq_misses_total',
    help: 'Questions the FAQ had no answer for (scripts/faq-misses lists the most asked of them)',
    registers: [this.registry],
  });

  constructor() {
    // Node's own (CPU, memory, event-loop lag, GC, handles) under their usual names, so the
    // community's Node.js dashboards work on them unchanged.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text Prometheus reads. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
