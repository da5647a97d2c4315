import type { DashboardAudit } from '../features/dashboard/ports';
import type { DeskAudit } from '../features/officer-desk/ports';
import type { Runtime } from './runtime';

/**
 * The audit log (store/audit_events) as the officer desk and the dashboard speak of it. A case
 * change is already written when the desk reports it, so a failed audit write is logged, not
 * thrown (the officer's action stands); the dashboard's own events (logins, exports) fail closed.
 */
export function auditLog(rt: Runtime): { desk: DeskAudit; dashboard: DashboardAudit } {
  const events = rt.store.auditEvents;
  return {
    desk: {
      async caseChanged(e) {
        try {
          await events.record({
            at: new Date(),
            actor: e.actor,
            action: e.action,
            channel: e.via,
            refCode: e.refCode,
            areaCodes: e.areaCode ? [e.areaCode] : [],
            detail: e.detail,
          });
        } catch (error) {
          rt.log.error(
            { action: e.action, refCode: e.refCode, error: error instanceof Error ? error.name : 'unknown' },
            'audit.not_recorded',
          );
        }
      },
    },
    dashboard: {
      record: (e) => events.record({ ...e, at: new Date() }),
      page: (q) => events.page(q),
    },
  };
}
