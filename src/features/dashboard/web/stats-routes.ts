import type { FastifyInstance } from 'fastify';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { statsPage } from './stats-page';
import { parseStatsQuery, statsFilter } from './stats-filters';

/** How many of the FAQ's unanswered questions the page lists. */
const TOP_QUESTIONS = 20;

/** The statistics page, by the URL's period, area and category, within the reader's own scope. */
export function statsRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  app.get('/dashboard/stats', async (req, reply) => {
    const s = await g.signedIn(req, reply);
    if (!s) return reply;
    const query = parseStatsQuery(req.query as Record<string, unknown>, new Date());
    // Group heads' and chiefs' view: what residents asked that the FAQ could not answer.
    const leads = s.staff.superadmin || s.staff.role === 'supervisor';
    const [stats, areas, questions] = await Promise.all([
      deps.desk.statistics(s.staff, statsFilter(query)),
      deps.desk.areasOf(s.staff),
      leads && deps.questions ? deps.questions.top(TOP_QUESTIONS) : undefined,
    ]);
    return g.send(reply, 200, statsPage(g.page(s.lang), { query, stats, areas, questions }, await g.signedPage(s)));
  });
}
