import type { FastifyInstance } from 'fastify';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { parseListQuery, toCaseFilter } from './filters';
import { casePage, listPage, messagePage } from './pages';

/** The list of cases by the URL's filters, one case's page, and the actions on it. */
export function caseRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  const { page, send, signedIn, checked, visibleCase, signedPage } = g;

  app.get('/dashboard/cases', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const query = parseListQuery(req.query as Record<string, unknown>);
    const [{ items, total }, areas] = await Promise.all([
      deps.desk.search(s.staff, toCaseFilter(query, deps.pageSize)),
      deps.desk.areasOf(s.staff),
    ]);
    return send(reply, 200, listPage(page(s.lang), { query, items, total, pageSize: deps.pageSize, areas }, await signedPage(s)));
  });

  app.get<{ Params: { ref: string }; Querystring: { done?: string } }>('/dashboard/cases/:ref', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const c = await visibleCase(req.params.ref, s.staff);
    if (!c) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
    const ids = new Set([c.assignedTo, ...c.history.map((h) => h.by)].filter((id): id is string => Boolean(id)));
    const names = new Map<string, string>();
    for (const id of ids) {
      if (id === 'resident' || id === 'system' || id === 'superadmin') continue;
      const name = await deps.desk.officerName(id);
      if (name) names.set(id, name);
    }
    const done = req.query.done && DONE.has(req.query.done) ? req.query.done : undefined;
    return send(
      reply,
      200,
      casePage(
        page(s.lang),
        {
          c,
          contact: deps.desk.contact(c),
          assigneeName: c.assignedTo ? names.get(c.assignedTo) : undefined,
          names,
          done,
          langParam: s.langParam,
        },
        await signedPage(s),
      ),
    );
  });

  for (const action of ['ack', 'note'] as const) {
    app.post<{ Params: { ref: string } }>(`/dashboard/cases/:ref/${action}`, async (req, reply) => {
      const s = await signedIn(req, reply);
      if (!s || !checked(req, reply, s)) return reply;
      const c = await visibleCase(req.params.ref, s.staff);
      if (!c) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
      const note = action === 'note' ? String((req.body as Record<string, unknown>).note ?? '') : '';
      const result = await deps.desk.act(s.staff, c, action, note);
      const done = result === 'done' ? (action === 'ack' ? 'acknowledged' : 'noted') : DONE.has(result) ? result : 'refused';
      const lang = s.langParam ? `&lang=${s.langParam}` : '';
      return reply.redirect(`/dashboard/cases/${c.refCode}?done=${done}${lang}`, 303);
    });
  }
}

/** What `?done=` may say after an action (a locale key each, dashboard.web.case.done.*). */
const DONE = new Set(['acknowledged', 'noted', 'unchanged', 'closed', 'empty', 'refused', 'missing']);
