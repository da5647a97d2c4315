import type { OperatorAlertKind, OperatorAlertParams } from './port';

/**
 * How often each kind may reach the operators. The window key is the kind plus `subject(params)`:
 * one message per case for what concerns a case (a retried job does not repeat it), one per queue
 * and error code for failed jobs (a hundred failures of one cause are one message), one per
 * platform for a stopped poller, one per outage and one per recovery for the database and Redis.
 * `window: 'config'` takes OPERATOR_ALERT_WINDOW_MINUTES; a fixed week is for per-case kinds,
 * whose subject is unique anyway: the week only bounds how long the key stays in Redis.
 */
export const ALERT_KINDS: { [K in OperatorAlertKind]: { subject: (p: OperatorAlertParams[K]) => string; window: 'config' | 'week' } } = {
  case_no_recipient: { subject: (p) => p.caseId, window: 'week' },
  job_failed: { subject: (p) => `${p.queue}.${p.code}`, window: 'config' },
  escalation_no_supervisor: { subject: (p) => `${p.caseId}.${p.level}`, window: 'week' },
  poller_stopped: { subject: (p) => p.channel, window: 'config' },
  database_down: { subject: () => '', window: 'config' },
  database_up: { subject: () => '', window: 'config' },
  redis_down: { subject: () => '', window: 'config' },
  redis_up: { subject: () => '', window: 'config' },
  // Once a month already (the quota's own guard); the month keeps a second process from repeating it.
  zalo_quota_warning: { subject: (p) => p.month, window: 'week' },
};

export const WEEK_MS = 7 * 86_400_000;

/** The Redis key that holds a kind's window shut: only characters our ids and codes use. */
export function windowKey(kind: OperatorAlertKind, subject: string): string {
  return `ops:alert:${kind}${subject ? `:${subject.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120)}` : ''}`;
}
