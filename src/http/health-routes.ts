import type { HttpServer } from './http-server';

/**
 * /healthz: the process is up (for restarts). /readyz: it can do its work, Redis and the database
 * both answer (for load balancers and the operator); 503 with which one is down otherwise.
 * `details` add figures for the operator (Zalo's monthly message count) that decide nothing:
 * one that cannot be read is left out, and readiness stays what the checks say.
 */
export function addHealthRoutes(
  http: HttpServer,
  checks: Record<string, () => Promise<boolean>>,
  details: Record<string, () => Promise<unknown>> = {},
): void {
  http.app.get('/healthz', async (_req, reply) => reply.code(200).send({ status: 'ok' }));
  http.app.get('/readyz', async (_req, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => checks[n]().catch(() => false)));
    const status = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'up' : 'down']));
    const detailNames = Object.keys(details);
    const figures = await Promise.all(detailNames.map((n) => details[n]().catch(() => undefined)));
    const extra = Object.fromEntries(detailNames.flatMap((n, i) => (figures[i] === undefined ? [] : [[n, figures[i]]])));
    return reply.code(results.every(Boolean) ? 200 : 503).send({ ready: results.every(Boolean), ...status, ...extra });
  });
}
