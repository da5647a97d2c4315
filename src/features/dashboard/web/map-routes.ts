import type { FastifyInstance } from 'fastify';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { parseListQuery, toUnpagedFilter } from './filters';
import { mapPage } from './map-page';

/**
 * At most this many cases go on the map, the newest first: enough for a ward's months, small
 * enough for a phone (about 100 bytes each). The page says when there were more.
 */
export const MAP_CASE_LIMIT = 5_000;

/** The map page and its data (the same filters as the list). */
export function mapRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  const { page, send, signedIn, signedPage } = g;

  app.get('/dashboard/map', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const query = parseListQuery(req.query as Record<string, unknown>);
    const [map, areas] = await Promise.all([
      deps.desk.mapData(s.staff, toUnpagedFilter(query), MAP_CASE_LIMIT),
      deps.desk.areasOf(s.staff),
    ]);
    return send(reply, 200, mapPage(page(s.lang), { query, areas, map, limit: MAP_CASE_LIMIT, tiles: deps.tiles }, await signedPage(s)));
  });

  // What the page's script draws. Field by field, so nothing the desk might add later reaches the browser unasked.
  app.get('/dashboard/map/data.json', async (req, reply) => {
    const s = await signedIn(req, reply, { json: true });
    if (!s) return reply;
    const query = parseListQuery(req.query as Record<string, unknown>);
    const map = await deps.desk.mapData(s.staff, toUnpagedFilter(query), MAP_CASE_LIMIT);
    return reply.send({
      areas: map.areas.map(({ code, name, boundary, hotspot, cases }) => ({ code, name, boundary, hotspot, cases })),
      cases: map.cases.map(({ refCode, status, kind, category, lat, lon, submittedAt }) => ({
        refCode,
        status,
        kind,
        category,
        lat,
        lon,
        submittedAt: submittedAt.toISOString(),
      })),
      truncated: map.truncated,
      limit: MAP_CASE_LIMIT,
    });
  });
}
