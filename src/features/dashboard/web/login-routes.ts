import type { FastifyInstance, FastifyReply } from 'fastify';
import { isStaff } from '../../../domain/case-workflow';
import { formatTime } from '../../../domain/time';
import { langOf, SESSION_COOKIE, type DashboardRoutesDeps, type WebGuard } from './guard';
import { loginPage, messagePage, telegramLoginPage } from './pages';
import { verifyTelegramLogin } from './telegram-login';
import type { DashboardStaff } from '../ports';

/**
 * Logging in and out: the bot's one-time link (`/dangnhap`) opens a page whose button POSTs the
 * token, which is spent then (a messenger's link preview only GETs); Telegram's signed login
 * button likewise; each new session is told to the officer in chat.
 */
export function loginRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  const { t } = deps;
  const { page, send } = g;

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
    return startSession(reply, officerId, staff, 'link');
  });

  /** A new session for a checked officer: the cookie, the chat notice, the list. */
  async function startSession(
    reply: FastifyReply,
    officerId: string,
    staff: DashboardStaff,
    by: 'link' | 'telegram',
  ): Promise<FastifyReply> {
    const { id } = await deps.sessions.create(officerId);
    deps.log('dashboard.login', { officerId, by });
    await deps.audit.record({ actor: staff.actingAs, action: 'login', channel: 'web', areaCodes: staff.areaCodes, detail: { by } });
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
      return startSession(reply, staff.officerId, staff, 'telegram');
    });
  }

  app.post('/dashboard/logout', async (req, reply) => {
    const s = await g.signedIn(req, reply);
    if (!s || !g.checked(req, reply, s)) return reply;
    await deps.sessions.end(s.sessionId);
    await deps.audit.record({ actor: s.staff.actingAs, action: 'logout', channel: 'web', areaCodes: s.staff.areaCodes });
    g.clearCookie(reply);
    return send(reply, 200, messagePage(page(s.lang), 'loggedOut'));
  });
}
