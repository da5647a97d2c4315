import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../../app/runtime';
import type { HttpServer } from '../../http/http-server';
import { RedisLoginTokens } from './adapters/login-tokens';
import { RedisSessions } from './adapters/sessions';
import { DashboardLoginFeature } from './login-feature';
import type { DashboardAudit, DashboardDesk, UnansweredQuestions } from './ports';
import { dashboardRoutes } from './web/routes';

/** A login link lives this long (issue 17: ten minutes). */
const LINK_TTL_MINUTES = 10;
const PAGE_SIZE = 20;
/** An export larger than this is refused with a message to narrow the filter (a whole province's years, by mistake). */
const EXPORT_MAX_ROWS = 200_000;

/**
 * Wiring of the web dashboard for the bot role: the chat's `/dangnhap` feature and the web routes
 * on the process's HTTP server, over Redis (links, sessions) and the officer desk (`desk`, bridged
 * in src/app/dashboard.ts so the web acts exactly as the chat does).
 */
export function createDashboard(
  rt: Runtime,
  http: HttpServer,
  desk: DashboardDesk,
  more: { audit: DashboardAudit; questions?: UnansweredQuestions },
): { feature: DashboardLoginFeature } {
  const { config } = rt;
  const tokens = new RedisLoginTokens(rt.redis, rt.hash, LINK_TTL_MINUTES * 60_000);
  const sessions = new RedisSessions(rt.redis, rt.hash, config.dashboard);
  const log = (event: string, fields?: Record<string, string | number | boolean>) => rt.log.info(fields ?? {}, event);
  // The public address when configured; otherwise this server as it listens (known once it does).
  const baseUrl = () =>
    config.dashboard.url ?? `http://127.0.0.1:${(http.app.server.address() as AddressInfo | null)?.port ?? config.http.port}`;
  const feature = new DashboardLoginFeature({
    t: rt.t,
    desk,
    tokens,
    sessions,
    loginUrl: (token) => `${baseUrl()}/dashboard/login/${token}`,
    telegramLoginUrl: config.dashboard.telegramLogin ? () => `${baseUrl()}/dashboard/telegram-login` : undefined,
    ttlMinutes: LINK_TTL_MINUTES,
    log,
    audit: more.audit,
  });
  void http.app.register(dashboardRoutes, {
    t: rt.t,
    desk,
    tokens,
    sessions,
    sessionMaxSeconds: Math.floor(config.dashboard.absoluteMs / 1000),
    pageSize: PAGE_SIZE,
    newId: () => randomBytes(9).toString('base64url'),
    log,
    telegramBotToken: config.dashboard.telegramLogin ? config.telegram?.token : undefined,
    loginMaxAgeMs: LINK_TTL_MINUTES * 60_000,
    live: rt.caseEvents,
    liveHeartbeatMs: config.dashboard.liveHeartbeatMs,
    audit: more.audit,
    questions: more.questions,
    exportMaxRows: EXPORT_MAX_ROWS,
    tiles: config.dashboard.tiles,
  });
  return { feature };
}
