import type { FastifyInstance } from 'fastify';
import { evidenceIdOf } from '../../../domain/chat';
import type { WebAction } from '../ports';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { parseListQuery, toCaseFilter } from './filters';
import { casePage, listPage, messagePage } from './pages';

/** The list of cases by the URL's filters, one case's page, and the actions on it. */
export function caseRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  const { page, send, signedIn, checked, visibleCase, signedPage } = g;

  app.get('/dashboard/cases', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const query = parseListQuery(req.query as Record<string, unknown>);
    const [{ items, total }, areas] = await Promise.all([
      deps.desk.search(s.staff, toCaseFilter(query, deps.pageSize)),
      deps.desk.areasOf(s.staff),
    ]);
    return send(reply, 200, listPage(page(s.lang), { query, items, total, pageSize: deps.pageSize, areas }, await signedPage(s)));
  });

  app.get<{ Params: { ref: string }; Querystring: { done?: string } }>('/dashboard/cases/:ref', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const c = await visibleCase(req.params.ref, s.staff);
    if (!c) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
    const ids = new Set([c.assignedTo, ...c.history.map((h) => h.by)].filter((id): id is string => Boolean(id)));
    const names = new Map<string, string>();
    for (const id of ids) {
      if (id === 'resident' || id === 'system' || id === 'superadmin') continue;
      const name = await deps.desk.officerName(id);
      if (name) names.set(id, name);
    }
    const done = req.query.done && DONE.has(req.query.done) ? req.query.done : undefined;
    const colleagues = c.status === 'resolved' || s.staff.role === 'mediator' ? [] : await deps.desk.colleagues(c);
    return send(
      reply,
      200,
      casePage(
        page(s.lang),
        {
          c,
          contact: deps.desk.contact(c),
          assigneeName: c.assignedTo ? names.get(c.assignedTo) : undefined,
          names,
          done,
          colleagues,
          langParam: s.langParam,
        },
        await signedPage(s),
      ),
    );
  });

  // A case's photo, video or voice note from our sealed copy, for those who may see the case; never cached (no-store, as every answer here).
  app.get<{ Params: { ref: string; n: string } }>('/dashboard/cases/:ref/media/:n', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s) return reply;
    const c = await visibleCase(req.params.ref, s.staff);
    const a = c && /^\d{1,2}$/.test(req.params.n) ? c.attachments[Number(req.params.n)] : undefined;
    const evidenceId = a ? evidenceIdOf(a) : undefined;
    const file = evidenceId ? await deps.desk.evidence(evidenceId) : null;
    if (!c || !file) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
    deps.log('dashboard.media_viewed', { officerId: s.staff.officerId ?? '', refCode: c.refCode, n: Number(req.params.n) });
    // Only the types the evidence store keeps are shown in the page; anything else is a download, never rendered.
    const shown = SHOWN_TYPES.has(file.mime);
    return reply
      .code(200)
      .type(shown ? file.mime : 'application/octet-stream')
      .header('content-disposition', shown ? 'inline' : `attachment; filename="${c.refCode}-${req.params.n}"`)
      .send(file.bytes);
  });

  for (const kind of ['ack', 'note', 'ask', 'resolve', 'reassign'] as const) {
    app.post<{ Params: { ref: string } }>(`/dashboard/cases/:ref/${kind}`, async (req, reply) => {
      const s = await signedIn(req, reply);
      if (!s || !checked(req, reply, s)) return reply;
      const c = await visibleCase(req.params.ref, s.staff);
      if (!c) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
      const result = await deps.desk.act(s.staff, c, webAction(kind, (req.body ?? {}) as Record<string, unknown>));
      const done = result === 'done' ? DONE_AFTER[kind] : DONE.has(result) ? result : 'refused';
      const lang = s.langParam ? `&lang=${s.langParam}` : '';
      return reply.redirect(`/dashboard/cases/${c.refCode}?done=${done}${lang}`, 303);
    });
  }
}

/** The form's fields as the desk's action: text fields as typed, choices as sent (the desk checks them). */
function webAction(kind: WebAction['kind'], body: Record<string, unknown>): WebAction {
  const field = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
  switch (kind) {
    case 'ack':
      return { kind };
    case 'note':
      return { kind, note: field('note') };
    case 'ask':
      return { kind, question: field('question') };
    case 'resolve':
      return { kind, outcome: field('outcome') };
    case 'reassign':
      return { kind, to: field('to') };
  }
}

const DONE_AFTER: Record<WebAction['kind'], string> = {
  ack: 'acknowledged',
  note: 'noted',
  ask: 'asked',
  resolve: 'resolved',
  reassign: 'reassigned',
};

/** What `?done=` may say after an action (a locale key each, dashboard.web.case.done.*). */
const DONE = new Set([
  ...Object.values(DONE_AFTER),
  'unchanged',
  'closed',
  'empty',
  'refused',
  'missing',
  'bad_choice',
  'unreachable',
  'question_limit',
  'question_idle',
  'questions_stopped',
]);

/** What the case page embeds as a picture, video or sound; the evidence store recognises these by their bytes. */
const SHOWN_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'video/quicktime',
  'audio/aac',
  'audio/mp4',
  'audio/mpeg',
  'audio/ogg',
]);
