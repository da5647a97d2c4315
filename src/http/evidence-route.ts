import type { EvidenceLinks } from '../domain/evidence-link';
import type { HttpServer } from './http-server';

/** What the route needs of the evidence store: a file's plain bytes and type, or null. */
export type EvidenceSource = (evidenceId: string) => Promise<{ bytes: Buffer; mime: string } | null>;

/**
 * GET /evidence/<id>?exp=&sig=: our copy of a photo or voice note, opened on the fly, for a
 * platform that takes media by URL only (Zalo's sendPhoto fetches it; a Zalo officer taps a voice
 * note's link). Without a valid, unexpired signature it is a 404 like any unknown path: the route
 * says nothing about which ids exist. Never cached by anyone on the way.
 */
export function addEvidenceRoute(http: HttpServer, links: EvidenceLinks, source: EvidenceSource): void {
  http.app.get<{ Params: { id: string }; Querystring: { exp?: string; sig?: string } }>('/evidence/:id', async (req, reply) => {
    const { id } = req.params;
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id) || !links.valid(id, req.query.exp, req.query.sig)) {
      return reply.code(404).send({ error: 'not found' });
    }
    const file = await source(id);
    if (!file) return reply.code(404).send({ error: 'not found' });
    return reply
      .code(200)
      .header('content-type', file.mime)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.bytes);
  });
}
