import type { HttpServer } from './http-server';
import { json } from './http-server';
import { hasSecret } from './secret-header';

/**
 * A platform's webhook: 401 unless the request carries the secret the platform was given, decided
 * on the headers before any of the body is read, with the connection closed (so a forged update
 * is never processed and costs nothing to refuse), 400 for a body that is not JSON; then `accept`
 * writes the update to the durable inbox (src/channels/inbox) and only once Redis has it is 200
 * answered. The update is handled afterwards, from the inbox: a crash after the 200 loses nothing,
 * and no platform's redelivery is counted on (Zalo documents none). If the write fails the answer
 * is 500, so a platform that does redeliver (Telegram) tries again.
 */
export function addWebhookRoute(
  http: HttpServer,
  path: string,
  secretHeader: string,
  secret: string,
  accept: (update: unknown) => Promise<void>,
  opts: { emptyBodyIsProbe?: boolean } = {},
): void {
  http.route(
    'POST',
    path,
    async (_req, body, res) => {
      // Zalo checks a new webhook by POSTing an empty body; anything but 200 fails its setWebhook.
      if (opts.emptyBodyIsProbe && body.toString('utf8').trim() === '') return json(res, 200, { ok: true });
      let update: unknown;
      try {
        update = JSON.parse(body.toString('utf8'));
      } catch {
        return json(res, 400, { error: 'invalid JSON' });
      }
      await accept(update);
      json(res, 200, { ok: true });
    },
    { authorize: (req) => hasSecret(req, secretHeader, secret) },
  );
}
