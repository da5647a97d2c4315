import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStaff, refusalFor } from '../../../domain/case-workflow';
import type { DeskCase } from '../../../domain/case-record';
import type { Lang } from '../../../conversations/messages';
import type { Translate } from '../../../conversations/ports';
import { CASE_KINDS } from '../../reporting/flows';
import type {
  DashboardAudit,
  DashboardDesk,
  DashboardStaff,
  LiveCases,
  LoginTokens,
  Session,
  Sessions,
  UnansweredQuestions,
} from '../ports';
import type { Html } from './html';
import { messagePage, type PageContext } from './pages';

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
  /** The map's tile server (DASHBOARD_TILE_URL) and its attribution; none: outlines on a plain background. */
  tiles?: { url: string; attribution: string; origin: string };
  /** With Telegram's login button on (DASHBOARD_TELEGRAM_LOGIN): the bot token its fields are signed with. */
  telegramBotToken?: string;
  /** How old a login may be: a link's lifetime, and a Telegram login's `auth_date`. */
  loginMaxAgeMs: number;
  /** Cases stored and changed anywhere, for the live view. */
  live: LiveCases;
  /** How often a live stream is re-checked and kept open (default 25 s, under proxies' idle timeouts). */
  liveHeartbeatMs?: number;
  /** Logins, logouts and exports are recorded; supervisors read it (web/audit-routes.ts). */
  audit: DashboardAudit;
  /** The FAQ's unanswered questions, on the statistics page of supervisors and superadmins. */
  questions?: UnansweredQuestions;
  /** The largest export; a larger one is refused with a message. */
  exportMaxRows: number;
}

/** `__Host-`: the browser keeps it only if Secure, Path=/ and without Domain, so no subdomain can set or read it. */
export const SESSION_COOKIE = '__Host-tnd_session';

/** A request of a signed-in staff member, as every page and action starts from. */
export interface Signed {
  staff: DashboardStaff;
  session: Session;
  sessionId: string;
  lang: Lang;
  /** `?lang=` when the reader chose a language in the URL: carried on the dashboard's own links. */
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

export const langOf = (v: unknown): Lang | undefined => (v === 'vi' || v === 'en' ? v : undefined);

/**
 * What every dashboard route starts from, in one place so no page or action can forget a check:
 * the session and the officer's record read afresh on every request (active? which areas?), the
 * CSRF token of every POST, and the case a staff member may see (the desk's own rules).
 */
export function webGuard(deps: DashboardRoutesDeps) {
  const { t } = deps;
  const page = (lang: Lang): PageContext => ({ t, lang, timeZone: deps.timeZone });
  const send = (reply: FastifyReply, status: number, body: Html) => reply.code(status).type('text/html; charset=utf-8').send(body.value);
  const clearCookie = (reply: FastifyReply) =>
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`);

  /** A refusal as the page's script reads it (`json`), or as a page. */
  const refuse = (reply: FastifyReply, status: number, lang: Lang, key: 'notSignedIn' | 'noAccess', json: boolean) =>
    json ? reply.code(status).send({ error: key }) : send(reply, status, messagePage(page(lang), key));

  /**
   * The signed-in staff member, or the answer already sent (not logged in, no longer allowed):
   * a page, or with `json` (what a page's script fetches) a JSON error of the same status.
   */
  async function signedIn(req: FastifyRequest, reply: FastifyReply, opts: { json?: boolean } = {}): Promise<Signed | null> {
    const json = opts.json === true;
    const query = req.query as Record<string, unknown>;
    const langParam = langOf(query.lang);
    const sessionId = cookieValue(req, SESSION_COOKIE);
    const session = sessionId ? await deps.sessions.load(sessionId) : null;
    if (!sessionId || !session) {
      if (sessionId) clearCookie(reply);
      refuse(reply, 401, langParam ?? 'vi', 'notSignedIn', json);
      return null;
    }
    const staff = await deps.desk.staffOf(session.officerId);
    const recordLang = staff?.lang;
    if (!isStaff(staff)) {
      // Deactivated (or the record removed) since the login: the session ends here, not at its expiry.
      await deps.sessions.end(sessionId);
      clearCookie(reply);
      deps.log('dashboard.session_refused', { officerId: session.officerId, reason: staff ? 'inactive' : 'not_staff' });
      refuse(reply, 403, langParam ?? recordLang ?? 'vi', 'noAccess', json);
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

  /** What the layout shows of the signed-in reader: their name, and the token its forms carry. */
  const signedPage = async (s: Signed) => ({
    name: (s.staff.officerId && (await deps.desk.officerName(s.staff.officerId))) || s.staff.actingAs,
    csrf: s.session.csrf,
    role: s.staff.superadmin ? ('superadmin' as const) : (s.staff.role ?? undefined),
  });

  return { page, send, clearCookie, signedIn, checked, visibleCase, signedPage };
}

export type WebGuard = ReturnType<typeof webGuard>;
