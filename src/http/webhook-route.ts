import type { HttpServer } from './http-server';
import { refuse } from './http-server';
import { hasSecret } from './secret-header';

/**
 * A platform's webhook: 401 unless the request carries the secret the platform was given, decided
 * in the route's onRequest hook, on the headers, before any of the body is read, with the
 * connection closed (so a forged update is never processed and costs nothing to refuse), 400 for a
 * body that is not JSON; then `accept` writes the update to the durable inbox (src/channels/inbox)
 * and only once Redis has it is 200 answered. The update is handled afterwards, from the inbox: a
 * crash after the 200 loses nothing, and no platform's redelivery is counted on (Zalo documents
 * none). If the write fails the answer is 500, so a platform that does redeliver (Telegram) tries
 * again.
 *
 * The body is taken as bytes whatever its content type (the platforms' headers are not ours to
 * judge, and Zalo's probe may come without one), in a fastify scope of its own so that other
 * routes keep fastify's usual parsers; the server's body cap applies.
 */
export function addWebhookRoute(
  http: HttpServer,
  path: string,
  secretHeader: string,
  secret: string,
  accept: (update: unknown) => Promise<void>,
  opts: { emptyBodyIsProbe?: boolean } = {},
): void {
  void http.app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      path,
      {
        onRequest: async (req, reply) => {
          if (!hasSecret(req, secretHeader, secret)) return refuse(reply, 401, 'unauthorized');
        },
      },
      async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        // Zalo checks a new webhook by POSTing an empty body; anything but 200 fails its setWebhook.
        if (opts.emptyBodyIsProbe && body.trim() === '') return reply.code(200).send({ ok: true });
        let update: unknown;
        try {
          update = JSON.parse(body);
        } catch {
          return reply.code(400).send({ error: 'invalid JSON' });
        }
        await accept(update);
        return reply.code(200).send({ ok: true });
      },
    );
  });
}
