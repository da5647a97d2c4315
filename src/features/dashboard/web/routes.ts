import type { FastifyInstance } from 'fastify';
import { dashboardAssets } from './assets';
import { auditRoutes } from './audit-routes';
import { caseRoutes } from './case-routes';
import { exportRoutes } from './export-routes';
import { langOf, webGuard, type DashboardRoutesDeps } from './guard';
import { LiveHub } from './live-hub';
import { liveRoutes } from './live-routes';
import { loginRoutes } from './login-routes';
import { mapRoutes } from './map-routes';
import { securityHeaders } from './security';
import { statsRoutes } from './stats-routes';

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
  // A form posted from another site is refused before anything reads it: besides the CSRF token of
  // every signed-in form, this stops "login CSRF" (a page elsewhere posting its own login link, so the
  // officer works in someone else's session) where no token can exist yet.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || sameOrigin(req.headers)) return;
    deps.log('dashboard.cross_site_refused', { path: req.routeOptions.url ?? '' });
    await reply.code(403).type('text/plain; charset=utf-8').send('Forbidden: cross-site form');
  });

  // The browser's files change only with a release: kept an hour (every page itself is no-store).
  for (const [path, asset] of dashboardAssets()) {
    app.get(path, async (_req, reply) => reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body));
  }
  app.get('/dashboard', async (req, reply) => {
    const lang = langOf((req.query as Record<string, unknown>).lang);
    return reply.redirect(lang ? `/dashboard/cases?lang=${lang}` : '/dashboard/cases', 303);
  });

  const guard = webGuard(deps);
  loginRoutes(app, deps, guard);
  caseRoutes(app, deps, guard);
  mapRoutes(app, deps, guard);
  statsRoutes(app, deps, guard);
  exportRoutes(app, deps, guard);
  auditRoutes(app, deps, guard);
  const hub = new LiveHub(deps, { heartbeatMs: deps.liveHeartbeatMs ?? 25_000, maxStreams: 500, maxPerOfficer: 8 });
  app.addHook('onClose', async () => hub.close());
  liveRoutes(app, deps, guard, hub);
}

/**
 * Whether a POST comes from a page of this site. Every current browser sends `Sec-Fetch-Site` on
 * a form POST, and it is decisive; `Origin` only when it is absent (older browsers), since under
 * this site's `Referrer-Policy: no-referrer` a browser's own form sends `Origin: null`. A request
 * with neither is not a browser's (a script, a test) and cannot carry the officer's cookie
 * against their will.
 */
export function sameOrigin(h: Record<string, string | string[] | undefined>): boolean {
  const site = h['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = h.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host === h.host;
  } catch {
    return false;
  }
}
