import type { FastifyRequest } from 'fastify';
import { refuse, type HttpServer } from '../http/http-server';
import { hasBearer } from '../http/secret-header';
import type { Metrics } from './metrics';

/** Headers a reverse proxy adds: a request carrying one came from outside, whatever its socket says. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * GET /metrics in Prometheus's text format. With METRICS_TOKEN set, only with
 * `Authorization: Bearer <token>` (from anywhere: Prometheus runs in another container). Without
 * it, only to a request from a loopback address that no proxy forwarded (a proxy on the same host
 * would otherwise make every visitor look local): metrics are for the operator, never the public.
 * Anything else is 401, decided on the headers before anything is computed.
 */
export function addMetricsRoute(http: HttpServer, metrics: Metrics, opts: { token?: string }): void {
  http.app.get(
    '/metrics',
    {
      onRequest: async (req, reply) => {
        if (!allowed(req, opts.token)) return refuse(reply, 401, 'unauthorized');
      },
    },
    async (_req, reply) => {
      const text = await metrics.scrape();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    },
  );
}

function allowed(req: FastifyRequest, token: string | undefined): boolean {
  if (token) return hasBearer(req, token);
  if (FORWARDED.some((h) => req.headers[h] !== undefined)) return false;
  return isLoopback(req.socket.remoteAddress);
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}
