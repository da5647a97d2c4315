import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

/**
 * The one HTTP server of a process: health, readiness and the platforms' webhooks. Plain
 * node:http because it serves a handful of routes; bodies are read with a hard size cap before
 * anything parses them, so an oversized or endless POST costs nothing.
 */
export class HttpServer {
  private readonly routes = new Map<string, Handler>();
  private server?: Server;

  constructor(
    private readonly opts: { host: string; port: number; maxBodyBytes: number },
    private readonly log: Logger,
  ) {}

  route(method: 'GET' | 'POST', path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.requestTimeout = 30_000;
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
    const handler = this.routes.get(`${req.method} ${path}`);
    if (!handler) return json(res, 404, { error: 'not found' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.opts.maxBodyBytes) {
      req.resume();
      return json(res, 413, { error: 'body too large' });
    }
    try {
      const body = await readBody(req, this.opts.maxBodyBytes);
      if (body === null) return json(res, 413, { error: 'body too large' });
      await handler(req, body, res);
    } catch (err) {
      this.log.error({ path, error: err instanceof Error ? err.name : 'unknown' }, 'http.handler_failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    }
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
