import type { HttpServer } from './http-server';

/**
 * /healthz: the process is up (for restarts). /readyz: it can do its work, Redis and the database
 * both answer (for load balancers and the operator); 503 with which one is down otherwise.
 */
export function addHealthRoutes(http: HttpServer, checks: Record<string, () => Promise<boolean>>): void {
  http.app.get('/healthz', async (_req, reply) => reply.code(200).send({ status: 'ok' }));
  http.app.get('/readyz', async (_req, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => checks[n]().catch(() => false)));
    const status = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'up' : 'down']));
    return reply.code(results.every(Boolean) ? 200 : 503).send({ ready: results.every(Boolean), ...status });
  });
}
