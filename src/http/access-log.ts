import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Routes asked every few seconds by machines (health checks, Prometheus): their lines go at debug. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Fastify's own log lines, replaced by one access line per request: method, the route's pattern
 * (never the URL as sent, so no query string: a secret or a chat id there never reaches a log),
 * status and time. Never a body or a header. Fastify's defaults would log the request's URL and,
 * on errors, the error's message and stack; errors are logged by name by our error handler
 * instead (src/http/http-server.ts).
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // A request that matched no route is logged without its path: it could be anything a scanner sent.
    const route = request.is404 ? '(no route)' : (request.routeOptions.url ?? '(no route)');
    const line = { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) request.log.warn({ ...line, error: error.name }, 'http.request');
    else if (QUIET_ROUTES.has(route)) request.log.debug(line, 'http.request');
    else request.log.info(line, 'http.request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest): void {
    request.log.warn({ error: error.name }, 'http.error');
  }

  override streamError(error: Error, request: FastifyRequest): void {
    request.log.info({ error: error.name }, 'http.stream_error');
  }

  override routeNotFound(): void {}

  override writeHeadError(error: Error, request: FastifyRequest): void {
    request.log.warn({ error: error.name }, 'http.write_head_failed');
  }

  override serializerError(error: Error, request: FastifyRequest): void {
    request.log.error({ err: error }, 'http.serializer_failed');
  }
}
