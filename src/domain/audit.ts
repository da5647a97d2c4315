/**
 * What the audit log records (store/audit): dashboard logins and logouts, logging out everywhere
 * from chat, exports, and every staff action on a case from chat or the web.
 */
export const AUDIT_ACTIONS = ['login', 'logout', 'logout_everywhere', 'export', 'ack', 'note', 'ask', 'resolve', 'reassign'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One event: who (an officer id or 'superadmin'), when, what, from where, the case it was about
 * and the areas it concerns (what a supervisor's view is filtered by). Never a tipster's anything
 * and never a note's text: `detail` holds only an export's format and row count, a resolve's
 * outcome, a reassignment's officer id, a login's method.
 */
export interface AuditEvent {
  at: Date;
  actor: string;
  action: AuditAction;
  channel: 'web' | 'chat';
  refCode?: string;
  areaCodes: string[];
  detail?: Record<string, string | number>;
}
