import { timingSafeEqual } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from '../http/http-server';
import type { Runtime } from './runtime';

export const QUEUE_UI_PATH = '/queues';

/**
 * Ids and kinds our code makes: what an operator needs to tell jobs apart. Every other value of a
 * job's data (a case job holds the tip's words, the contact and the sealed chat) is shown as
 * hidden, so the queue UI never shows what a resident wrote or who they are.
 */
const SHOWN_KEYS = new Set(['caseId', 'refCode', 'noticeId', 'notificationId', 'broadcastId', 'kind', 'level', 'channel', 'attempt']);
const HIDDEN = '[hidden]';

export function redactJobData(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data === undefined ? undefined : HIDDEN;
  return Object.fromEntries(
    Object.entries(data as Record<string, unknown>).map(([k, v]) => [
      k,
      SHOWN_KEYS.has(k) && (typeof v === 'string' || typeof v === 'number') ? v : HIDDEN,
    ]),
  );
}

/** Looking, and retrying failed jobs (one, or a queue's); nothing that pauses, cleans, adds or removes. */
const RETRY = new RegExp(`^${QUEUE_UI_PATH}/api/queues/[^/]+/(?:[^/]+/)?retry/failed$`);
function allowed(method: string, path: string): boolean {
  return method === 'GET' || method === 'HEAD' || (method === 'PUT' && RETRY.test(path));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The queue UI from bull-board at /queues, on the one HTTP server, for the operators: behind HTTP
 * Basic authentication (QUEUE_UI_USER, QUEUE_UI_PASSWORD; off without them), read-only except
 * that a failed job may be retried, and with every job's data and return value redacted. Returns
 * what to close at shutdown (its queue handles).
 */
export function addQueueUi(http: HttpServer, rt: Runtime, queueNames: readonly string[]): { close(): Promise<void> } {
  const credentials = rt.config.queueUi;
  if (!credentials) return { close: () => Promise.resolve() };
  const queues = queueNames.map((name) => new Queue(name, { connection: rt.queueRedis }));
  const authorized = (req: FastifyRequest): boolean => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return same(user, credentials.user) && same(rest.join(':'), credentials.password);
  };
  void http.app.register(async (scope) => {
    // bull-board (its UI, templates and adapters) is loaded only where the queue UI is on: with
    // exceljs made lazy too, an idle bot went from 174 to about 160 MiB.
    const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/fastify'),
    ]);
    const adapters = queues.map((q) => {
      // bull-board's read-only mode also refuses retries, so the routes are narrowed below instead.
      const adapter = new BullMQAdapter(q, { readOnlyMode: false, allowRetries: true });
      adapter.setFormatter('data', redactJobData);
      adapter.setFormatter('returnValue', redactJobData);
      return adapter;
    });
    const server = new FastifyAdapter();
    server.setBasePath(QUEUE_UI_PATH);
    createBullBoard({ queues: adapters, serverAdapter: server, options: { uiConfig: { boardTitle: 'Tổ tự quản · queues' } } });
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!authorized(req)) {
        await reply.code(401).header('www-authenticate', 'Basic realm="queues", charset="UTF-8"').send({ error: 'unauthorized' });
      } else if (!allowed(req.method, req.url.split('?')[0])) {
        await reply.code(405).send({ error: 'the queue UI is read-only: only failed jobs may be retried' });
      }
    });
    await scope.register(server.registerPlugin(), { prefix: QUEUE_UI_PATH });
  });
  return { close: async () => void (await Promise.all(queues.map((q) => q.close().catch(() => undefined)))) };
}
