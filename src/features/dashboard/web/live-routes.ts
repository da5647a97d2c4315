import type { FastifyInstance } from 'fastify';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import type { LiveHub } from './live-hub';
import { messagePage } from './pages';
import { securityHeaders } from './security';

/**
 * Live updates: the server-sent events stream that the page's script (browser/live.js) reads
 * (live-hub.ts). A stream is opened only with a live session, like any page, and at most a few
 * per officer.
 */
export function liveRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard, hub: LiveHub): void {
  app.get('/dashboard/events', async (req, reply) => {
    const s = await g.signedIn(req, reply);
    if (!s) return reply;
    const officerId = s.staff.officerId ?? s.session.officerId;
    if (!hub.hasRoomFor(officerId)) {
      deps.log('dashboard.live_refused', { officerId, streams: hub.size });
      return g.send(reply.header('retry-after', '30'), 503, messagePage(g.page(s.lang), 'busy'));
    }
    await hub.ready();
    // The stream outlives this handler: fastify lets go of the response, which is written by hand from here.
    reply.hijack();
    reply.raw.writeHead(200, {
      ...securityHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // A reverse proxy (Caddy, nginx) must pass each event on at once, not buffer the stream.
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 5000\n\n');
    hub.add({ sessionId: s.sessionId, officerId, staff: s.staff, lang: s.lang, res: reply.raw });
  });
}
