import type { FastifyInstance } from 'fastify';
import { caseRoutes } from './case-routes';
import { langOf, webGuard, type DashboardRoutesDeps } from './guard';
import { loginRoutes } from './login-routes';
import { mapRoutes } from './map-routes';
import { securityHeaders } from './security';
import { DASHBOARD_CSS } from './styles';

export { SESSION_COOKIE, type DashboardRoutesDeps } from './guard';

/**
 * The web dashboard for officers and supervisors, as a fastify plugin on the process's one HTTP
 * server (`http.app.register`). Every request reads the session and the officer's record afresh
 * (web/guard.ts), so a deactivated or moved officer loses access at once. Nothing changes on GET;
 * every POST carries the session's CSRF token; every answer carries the security headers.
 * Each part of the dashboard is a file of routes registered here.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: DashboardRoutesDeps): Promise<void> {
  // Forms post urlencoded bodies; this parser is the plugin's own (encapsulated), the webhooks keep theirs.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const headers = securityHeaders({ tileOrigin: deps.tiles?.origin });
  app.addHook('onSend', async (_req, reply) => {
    // The app's own static files say how long they keep (they change only with a release); every page is no-store.
    const cache = reply.getHeader('cache-control');
    reply.headers(headers);
    if (typeof cache === 'string' && cache.startsWith('public')) reply.header('cache-control', cache);
  });

  app.get('/dashboard/assets/dashboard.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DASHBOARD_CSS),
  );
  app.get('/dashboard', async (req, reply) => {
    const lang = langOf((req.query as Record<string, unknown>).lang);
    return reply.redirect(lang ? `/dashboard/cases?lang=${lang}` : '/dashboard/cases', 303);
  });

  const guard = webGuard(deps);
  loginRoutes(app, deps, guard);
  caseRoutes(app, deps, guard);
  mapRoutes(app, deps, guard);
}
