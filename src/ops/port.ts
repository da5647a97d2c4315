/**
 * The one way code tells the operators something (src/ops/operator-alerts.ts implements it):
 * `notify(kind, params)`. Params are ids and codes we generate (reference codes, area codes, queue
 * names, error codes), never a resident's words, names or chat ids. A new kind needs a row in
 * alert-kinds.ts and its words under `ops.<kind>` in both locales.
 */
export interface OperatorAlertParams {
  /** A stored case whose area has no active officer or supervisor (nor does any area above it). */
  case_no_recipient: { caseId: string; refCode: string; areaCode: string | null; areaName?: string };
  /** A queue job used its last attempt, or could not be retried; `code` is our error code. */
  job_failed: { queue: string; code: string };
  /** A case waited past its escalation delay and no supervisor stands at the level it was due for. */
  escalation_no_supervisor: { caseId: string; refCode: string; level: number; areaCode: string | null; areaName?: string };
  /** A platform's long poll ended by itself: that platform's residents are not heard. */
  poller_stopped: { channel: string; code: string };
  database_down: { since: string };
  database_up: { minutes: number };
  redis_down: { since: string };
  redis_up: { minutes: number };
  /** Zalo's monthly message count passed ZALO_QUOTA_WARN_SHARE of ZALO_MONTHLY_QUOTA (Vietnam's month). */
  zalo_quota_warning: { month: string; used: number; limit: number };
}

export type OperatorAlertKind = keyof OperatorAlertParams;

/** What became of a notify call: sent to the outbox, held back by the window, no chat configured, or not queued. */
export type NotifyOutcome = 'queued' | 'suppressed' | 'off' | 'failed';

export interface OperatorAlertsPort {
  /** Never throws: telling the operators must not break what it reports on. */
  notify<K extends OperatorAlertKind>(kind: K, params: OperatorAlertParams[K]): Promise<NotifyOutcome>;
}
