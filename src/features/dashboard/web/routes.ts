import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isStaff, refusalFor } from '../../../domain/case-workflow';
import type { DeskCase } from '../../../domain/case-record';
import { formatTime } from '../../../domain/time';
import type { Lang } from '../../../conversations/messages';
import type { Translate } from '../../../conversations/ports';
import { CASE_KINDS } from '../../reporting/flows';
import type { DashboardDesk, DashboardStaff, LoginTokens, Session, Sessions } from '../ports';
import { parseListQuery, toCaseFilter } from './filters';
import type { Html } from './html';
import { casePage, listPage, loginPage, messagePage, telegramLoginPage, type PageContext } from './pages';
import { verifyTelegramLogin } from './telegram-login';
import { DASHBOARD_CSS } from './styles';

export interface DashboardRoutesDeps {
  t: Translate;
  desk: DashboardDesk;
  tokens: LoginTokens;
  sessions: Sessions;
  /** Seconds a session may live at most: the cookie's Max-Age. */
  sessionMaxSeconds: number;
  pageSize: number;
  timeZone?: string;
  newId: () => string;
  /** Privacy-safe events only. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  /** With Telegram's login button on (DASHBOARD_TELEGRAM_LOGIN): the bot token its fields are signed with. */
  telegramBotToken?: string;
  /** How old a login may be: a link's lifetime, and a Telegram login's `auth_date`. */
  loginMaxAgeMs: number;
}

/** `__Host-`: the browser keeps it only if Secure, Path=/ and without Domain, so no subdomain can set or read it. */
export const SESSION_COOKIE = '__Host-tnd_session';

/**
 * No scripts, styles and images only from here, forms only to here, never in a frame: a note that
 * smuggled markup past the escaping could still run nothing.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // The login link carries its token in the path: no page may hand it on as a Referer.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

interface Signed {
  staff: DashboardStaff;
  session: Session;
  sessionId: string;
  lang: Lang;
  langParam?: Lang;
}

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameSecret(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const langOf = (v: unknown): Lang | undefined => (v === 'vi' || v === 'en' ? v : undefined);

/**
 * The web dashboard for officers and supervisors, as a fastify plugin on the process's one HTTP
 * server (`http.app.register`). Logging in: the bot's one-time link (`/dangnhap`) opens a page
 * whose button POSTs the token, which is spent then, and starts a session. Every request then
 * reads the session and the officer's record afresh (active? which areas?), so a deactivated or
 * moved officer loses access at once. Nothing changes on GET; every POST carries the session's
 * CSRF token; every answer carries the security headers above.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: DashboardRoutesDeps): Promise<void> {
  const { t } = deps;
  // Forms post urlencoded bodies; this parser is the plugin's own (encapsulated), the webhooks keep theirs.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  const page = (lang: Lang): PageContext => ({ t, lang, timeZone: deps.timeZone });
  const send = (reply: FastifyReply, status: number, body: Html) => reply.code(status).type('text/html; charset=utf-8').send(body.value);
  const clearCookie = (reply: FastifyReply) =>
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`);

  /** The signed-in staff member, or the answer already sent (not logged in, no longer allowed). */
  async function signedIn(req: FastifyRequest, reply: FastifyReply): Promise<Signed | null> {
    const query = req.query as Record<string, unknown>;
    const langParam = langOf(query.lang);
    const sessionId = cookieValue(req, SESSION_COOKIE);
    const session = sessionId ? await deps.sessions.load(sessionId) : null;
    if (!sessionId || !session) {
      if (sessionId) clearCookie(reply);
      send(reply, 401, messagePage(page(langParam ?? 'vi'), 'notSignedIn'));
      return null;
    }
    const staff = await deps.desk.staffOf(session.officerId);
    const recordLang = staff?.lang;
    if (!isStaff(staff)) {
      // Deactivated (or the record removed) since the login: the session ends here, not at its expiry.
      await deps.sessions.end(sessionId);
      clearCookie(reply);
      deps.log('dashboard.session_refused', { officerId: session.officerId, reason: staff ? 'inactive' : 'not_staff' });
      send(reply, 403, messagePage(page(langParam ?? recordLang ?? 'vi'), 'noAccess'));
      return null;
    }
    return { staff, session, sessionId, lang: langParam ?? staff.lang ?? 'vi', langParam };
  }

  /** The POST's CSRF token matches the session's; else the answer is sent. */
  function checked(req: FastifyRequest, reply: FastifyReply, s: Signed): boolean {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (sameSecret(body._csrf, s.session.csrf)) return true;
    deps.log('dashboard.csrf_refused', { officerId: s.staff.officerId ?? '' });
    send(reply, 403, messagePage(page(s.lang), 'csrf'));
    return false;
  }

  /** The case behind a reference code, if the staff member may see it; the same 404 for both, so codes cannot be probed. */
  async function visibleCase(ref: string, staff: DashboardStaff): Promise<DeskCase | null> {
    const code = CASE_KINDS.parseReference(ref);
    const c = code ? await deps.desk.byRef(code) : null;
    if (!c) return null;
    const refusal = refusalFor(staff, 'view', { ...c, handledByMediators: CASE_KINDS.get(c.kind).handledByMediators });
    return refusal ? null : c;
  }

  const signedPage = async (s: Signed) => ({
    name: (s.staff.officerId && (await deps.desk.officerName(s.staff.officerId))) || s.staff.actingAs,
    csrf: s.session.csrf,
  });

  app.get('/dashboard/assets/dashboard.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DASHBOARD_CSS),
  );

  app.get('/dashboard', async (req, reply) => {
    const lang = langOf((req.query as Record<string, unknown>).lang);
    return reply.redirect(lang ? `/dashboard/cases?lang=${lang}` : '/dashboard/cases', 303);
  });

  app.get<{ Params: { token: string } }>('/dashboard/login/:token', async (req, reply) => {
    const lang = langOf((req.query as Record<string, unknown>).lang) ?? 'vi';
    // Looked at, not spent: a messenger's link preview fetches this page too.
    const officerId = await deps.tokens.peek(req.params.token);
    if (!officerId) return send(reply, 410, messagePage(page(lang), 'linkExpired'));
    return send(reply, 200, loginPage(page(lang), req.params.token));
  });

  app.post<{ Params: { token: string } }>('/dashboard/login/:token', async (req, reply) => {
    const officerId = await deps.tokens.spend(req.params.token);
    const staff = officerId ? await deps.desk.staffOf(officerId) : null;
    const lang = langOf((req.query as Record<string, unknown>).lang) ?? staff?.lang ?? 'vi';
    if (!officerId || !isStaff(staff)) {
      deps.log('dashboard.login_refused', { reason: officerId ? 'inactive' : 'link_expired' });
      return send(reply, officerId ? 403 : 410, messagePage(page(lang), officerId ? 'noAccess' : 'linkExpired'));
    }
    return startSession(reply, officerId, 'link');
  });

  /** A new session for a checked officer: the cookie, the chat notice, the list. */
  async function startSession(reply: FastifyReply, officerId: string, by: 'link' | 'telegram'): Promise<FastifyReply> {
    const { id } = await deps.sessions.create(officerId);
    deps.log('dashboard.login', { officerId, by });
    // The officer hears of every new login in chat, and how to end them all if it was not them.
    await deps.desk.tellOfficer(officerId, `dash.login.${deps.newId()}`, (lang) => [
      { text: t(lang, 'dashboard.chat.newLogin', { time: formatTime(new Date(), lang, deps.timeZone) }), lang },
    ]);
    reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${deps.sessionMaxSeconds}`);
    return reply.redirect('/dashboard/cases', 303);
  }

  const botToken = deps.telegramBotToken;
  if (botToken) {
    // Telegram's login button opens this with the signed fields in the query. Looking changes
    // nothing: the page's button POSTs them back, and only that, once, starts a session.
    app.get('/dashboard/telegram-login', async (req, reply) => {
      const fields = req.query as Record<string, unknown>;
      if (!verifyTelegramLogin(fields, botToken, Date.now(), deps.loginMaxAgeMs)) {
        deps.log('dashboard.login_refused', { reason: 'telegram_signature' });
        return send(reply, 403, messagePage(page('vi'), 'telegramInvalid'));
      }
      return send(reply, 200, telegramLoginPage(page('vi'), fields as Record<string, string>));
    });
    app.post('/dashboard/telegram-login', async (req, reply) => {
      const fields = (req.body ?? {}) as Record<string, unknown>;
      const signed = verifyTelegramLogin(fields, botToken, Date.now(), deps.loginMaxAgeMs);
      if (!signed || !(await deps.tokens.claimOnce(signed.hash, deps.loginMaxAgeMs + 60_000))) {
        deps.log('dashboard.login_refused', { reason: signed ? 'telegram_reused' : 'telegram_signature' });
        return send(reply, 403, messagePage(page('vi'), 'telegramInvalid'));
      }
      const staff = await deps.desk.staffByChat('telegram', signed.userId);
      if (!isStaff(staff) || !staff.officerId) {
        deps.log('dashboard.login_refused', { reason: 'not_staff' });
        return send(reply, 403, messagePage(page('vi'), 'noAccess'));
      }
      return startSession(reply, staff.officerId, 'telegram');
    });
  }

  app.post('/dashboard/logout', async (req, reply) => {
    const s = await signedIn(req, reply);
    if (!s || !checked(req, reply, s)) return reply;
    await deps.sessions.end(s.sessionId);
    clearCookie(reply);
    return send(reply, 200, messagePage(page(s.lang), 'loggedOut'));
  });

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
          langParam: s.langParam,
        },
        await signedPage(s),
      ),
    );
  });

  for (const action of ['ack', 'note'] as const) {
    app.post<{ Params: { ref: string } }>(`/dashboard/cases/:ref/${action}`, async (req, reply) => {
      const s = await signedIn(req, reply);
      if (!s || !checked(req, reply, s)) return reply;
      const c = await visibleCase(req.params.ref, s.staff);
      if (!c) return send(reply, 404, messagePage(page(s.lang), 'notFound', await signedPage(s)));
      const note = action === 'note' ? String((req.body as Record<string, unknown>).note ?? '') : '';
      const result = await deps.desk.act(s.staff, c, action, note);
      const done = result === 'done' ? (action === 'ack' ? 'acknowledged' : 'noted') : DONE.has(result) ? result : 'refused';
      const lang = s.langParam ? `&lang=${s.langParam}` : '';
      return reply.redirect(`/dashboard/cases/${c.refCode}?done=${done}${lang}`, 303);
    });
  }
}

/** What `?done=` may say after an action (a locale key each, dashboard.web.case.done.*). */
const DONE = new Set(['acknowledged', 'noted', 'unchanged', 'closed', 'empty', 'refused', 'missing']);
