import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type RawServerDefault } from 'fastify';
import type { Logger } from '../logger';
import { AccessLog } from './access-log';

export interface HttpServerOptions {
  host: string;
  port: number;
  /** Bodies over this are refused with 413 (declared: before a byte is read; streamed: the moment they pass it). */
  maxBodyBytes: number;
  maxConnections?: number;
}

/** The fastify instance routes are added to, logging with the app's pino logger. */
export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

/**
 * The one HTTP server of a process (fastify): health, readiness, metrics and the platforms'
 * webhooks (next: the queue UI and the dashboard). Routes are added to `app` before start()
 * (a feature's routes as a plugin, `app.register`, so its parsers and hooks stay its own); fastify
 * refuses new ones once it listens.
 *
 * What it guarantees, whatever the route: a request is judged on its path and headers first (a
 * webhook's secret, in an onRequest hook, which fastify runs before the body is read), and a
 * refused one is answered with `connection: close`, so node closes the connection after the
 * answer instead of reading what the client still sends; a body is read with a hard cap
 * (`bodyLimit`: a declared length over it is refused unread, a streamed one the moment it passes
 * it, and fastify then closes the connection too). Together with the cap on open connections and
 * the timeouts, stalled or endless uploads without the secret cost next to nothing.
 */
export class HttpServer {
  readonly app: HttpApp;

  constructor(
    private readonly opts: HttpServerOptions,
    log: Logger,
  ) {
    this.app = Fastify({
      loggerInstance: log,
      logController: new AccessLog(),
      bodyLimit: opts.maxBodyBytes,
      // A whole request (headers and body) within 30 s, and a connection silent for 30 s is closed.
      requestTimeout: 30_000,
      connectionTimeout: 30_000,
      // Node's default: an idle keep-alive connection does not hold one of maxConnections for long.
      keepAliveTimeout: 5_000,
      // Stopping closes every connection, idle or not: a process shutting down answers nothing more.
      forceCloseConnections: true,
      // The only header that could carry a request id is the client's: ours are generated.
      requestIdHeader: false,
    });
    this.app.server.headersTimeout = 10_000;
    // Past this, new connections are dropped by node as they arrive.
    if (opts.maxConnections) this.app.server.maxConnections = opts.maxConnections;
    this.app.setNotFoundHandler((_req, reply) => refuse(reply, 404, 'not found'));
    this.app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      // A refused body (too large, cut short) leaves bytes on the wire: fastify already asked for
      // the connection to be closed; a handler's failure is ours and is logged by name only.
      if (status === 500) req.log.error({ route: req.routeOptions.url, err }, 'http.handler_failed');
      if (reply.sent) return;
      return reply.code(status).send({ error: status === 500 ? 'internal error' : publicReason(err) });
    });
  }

  async start(): Promise<number> {
    await this.app.listen({ port: this.opts.port, host: this.opts.host, listenTextResolver: () => 'http.listening' });
    return (this.app.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}

/**
 * Answers and closes the connection without reading what the client is still sending: a refused
 * request gets nothing more from us, not even the time to upload the rest of its body.
 */
export function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).header('connection', 'close').send({ error });
}

/** What a 4xx error says to the client: fastify's own short reasons, never a stack or our internals. */
function publicReason(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported media type';
    default:
      return 'bad request';
  }
}
