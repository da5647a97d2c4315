import type { ChannelName } from '../conversations/messages';

/**
 * One outbox queue per platform, so each platform's rate limit and back-off is its own, and every
 * message the bot sends there (officers' alerts, stored notices, broadcast deliveries and the
 * broadcast sender's report) shares one limiter and one per-chat spacing.
 */
export const outboxQueueName = (channel: ChannelName) => `outbox-${channel}`;

/**
 * What an outbox job carries, by job name: only the id of the row that holds the message and its
 * progress, which is also the job's id (durable: adding it twice is one job).
 */
export interface OutboxJobs {
  /** An officer's case alert (store/notifications). */
  alert: { notificationId: string };
  /** A stored notice: a resident's case update, a relayed question, an escalation (store/notices). */
  notice: { noticeId: string };
  /** One broadcast into one group (store/broadcasts, delivery rows). */
  delivery: { broadcastDeliveryId: string };
  /** The broadcast sender's report, once every group is done (job id = `${broadcastId}.report`). */
  report: { broadcastId: string };
  /**
   * A message to the operators' chat (src/ops). No row: it must go out while the database is away,
   * so the job carries the chat and the words itself, sealed (domain/sealed-box), because they
   * name reference codes and an operator's chat, which Redis holds in clear for nobody.
   */
  operator: { sealed: string };
  /**
   * The replies held back for one resident's chat while the platform refused to send (Zalo's
   * quota; redis/held-replies.ts), sent in order: the job carries only that chat's id, sealed.
   */
  replies: { sealedChat: string };
  /**
   * One officer's digest of the alerts a flood cap held back (src/outbox/flood-gate.ts), at the end
   * of the hour; job id `digest.<officerId>.<channel>.<hour>`, so one a window.
   */
  digest: {
    officerId: string;
    /** Set by its first run: the alerts it lists, and how many of its messages went out (a paced retry resumes there). */
    ids?: string[];
    sent?: number;
  };
}

export type OutboxJobName = keyof OutboxJobs;
export type OutboxJobData = OutboxJobs[OutboxJobName];

/**
 * Job names written before the outbox was one module: 'send' for an alert, 'broadcast' for a
 * delivery (same data as the new names). Jobs already in Redis at a deploy (waiting, delayed, to be
 * retried, or failed and retried later by an operator) keep their names, so the consumer still
 * takes them: an upgrade must neither lose nor repeat them. Only the new names are produced, and
 * that is as safe as keeping the old ones: the consumer before this one chose a processor by the
 * payload ({broadcastDeliveryId} a delivery, the name 'notice' a notice, anything else an alert), so
 * an old replica still running during a rolling deploy, or after a rollback, treats 'alert' and
 * 'delivery' jobs exactly as it treated 'send' and 'broadcast'. Only 'report' is new to it (an old
 * replica would take it for an alert without a row and drop it, leaving that broadcast unreported):
 * stop the old workers before new ones run. The same holds for 'operator' and 'digest'. Drop an alias once no queue, failed sets included,
 * holds a job under it.
 */
export const LEGACY_JOB_NAMES: Readonly<Record<string, OutboxJobName>> = { send: 'alert', broadcast: 'delivery' };

/** The kind of an outbox job, by its name (current or legacy); undefined for a name we never wrote. */
export function outboxJobKind(name: string): OutboxJobName | undefined {
  if (Object.prototype.hasOwnProperty.call(LEGACY_JOB_NAMES, name)) return LEGACY_JOB_NAMES[name];
  return name === 'alert' ||
    name === 'notice' ||
    name === 'delivery' ||
    name === 'report' ||
    name === 'operator' ||
    name === 'replies' ||
    name === 'digest'
    ? name
    : undefined;
}
