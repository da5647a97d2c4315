import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS, type AuditAction } from '../../../domain/audit';
import type { Lang } from '../../../conversations/messages';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { auditPage } from './audit-page';

const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The audit page's filters as the URL holds them. */
export interface AuditQuery {
  action?: AuditAction;
  from?: string;
  to?: string;
  page: number;
  lang?: Lang;
}

export function parseAuditQuery(raw: Record<string, unknown>): AuditQuery {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const q: AuditQuery = { page: Math.min(10_000, Math.max(1, Math.floor(Number(str(raw.page))) || 1)) };
  const action = str(raw.action);
  if ((AUDIT_ACTIONS as readonly string[]).includes(action)) q.action = action as AuditAction;
  for (const key of ['from', 'to'] as const) {
    const day = str(raw[key]);
    if (DAY.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00+07:00`))) q[key] = day;
  }
  const lang = str(raw.lang);
  if (lang === 'vi' || lang === 'en') q.lang = lang;
  return q;
}

/**
 * Who did what, newest first: supervisors see the events that concern their areas (and those
 * below), superadmins every event; officers and mediators get the 404 of a page that does not
 * exist, so the page's existence tells them nothing.
 */
export function auditRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  app.get('/dashboard/audit', async (req, reply) => {
    const s = await g.signedIn(req, reply);
    if (!s) return reply;
    if (!s.staff.superadmin && s.staff.role !== 'supervisor') return reply.callNotFound();
    const query = parseAuditQuery(req.query as Record<string, unknown>);
    const areaCodes = s.staff.superadmin ? null : (await deps.desk.areasOf(s.staff)).map((a) => a.code);
    const dayStart = (day: string) => new Date(`${day}T00:00:00+07:00`);
    const { items, total } = await deps.audit.page({
      areaCodes,
      action: query.action,
      from: query.from ? dayStart(query.from) : undefined,
      // `to` is the last day included.
      to: query.to ? new Date(dayStart(query.to).getTime() + 86_400_000) : undefined,
      offset: (query.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const names = new Map<string, string>();
    for (const actor of new Set(items.map((e) => e.actor))) {
      const name = actor === 'superadmin' ? undefined : await deps.desk.officerName(actor);
      if (name) names.set(actor, name);
    }
    return g.send(reply, 200, auditPage(g.page(s.lang), { query, items, total, pageSize: PAGE_SIZE, names }, await g.signedPage(s)));
  });
}
