import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

export interface RouteOptions {
  /** Asked with the headers alone, before a byte of the body is read: false → 401 and the connection closed. */
  authorize?: (req: IncomingMessage) => boolean;
}

/**
 * The one HTTP server of a process: health, readiness and the platforms' webhooks. Plain
 * node:http because it serves a handful of routes. A request is judged on its path and headers
 * first (a webhook's secret, a declared length over the cap), and refused with the connection
 * closed, before its body is read; a body is read with a hard size cap, and the connection closed
 * the moment it goes over. Together with the cap on open connections, stalled or endless uploads
 * without the secret cost next to nothing.
 */
export class HttpServer {
  private readonly routes = new Map<string, { handler: Handler; options: RouteOptions }>();
  private server?: Server;

  constructor(
    private readonly opts: { host: string; port: number; maxBodyBytes: number; maxConnections?: number },
    private readonly log: Logger,
  ) {}

  route(method: 'GET' | 'POST', path: string, handler: Handler, options: RouteOptions = {}): void {
    this.routes.set(`${method} ${path}`, { handler, options });
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    // Past this, new connections are dropped by node as they arrive.
    if (this.opts.maxConnections) this.server.maxConnections = this.opts.maxConnections;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const route = this.routes.get(`${req.method} ${path}`);
    if (!route) return refuse(res, 404, 'not found');
    if (route.options.authorize && !route.options.authorize(req)) return refuse(res, 401, 'unauthorized');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.opts.maxBodyBytes) return refuse(res, 413, 'body too large');
    try {
      const body = await readBody(req, this.opts.maxBodyBytes);
      if (body === null) return refuse(res, 413, 'body too large');
      await route.handler(req, body, res);
    } catch (err) {
      this.log.error({ path, err }, 'http.handler_failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    }
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Answers and closes the connection without reading what the client is still sending: a refused
 * request gets nothing more from us, not even the time to upload the rest of its body.
 */
export function refuse(res: ServerResponse, status: number, error: string): void {
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error }), () => res.socket?.destroy());
}

/** The body, or null as soon as it goes over `max` (nothing more is read: the caller refuses it). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= max) return void chunks.push(c);
      req.off('data', onData);
      req.pause();
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
