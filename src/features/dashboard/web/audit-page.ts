import { AUDIT_ACTIONS, type AuditEvent } from '../../../domain/audit';
import { formatTime } from '../../../domain/time';
import { html, type Html } from './html';
import { layout, type PageContext, type Signed } from './pages';
import type { AuditQuery } from './audit-routes';

export interface AuditPageData {
  query: AuditQuery;
  items: AuditEvent[];
  total: number;
  pageSize: number;
  /** Officers' names by id, for the events shown. */
  names: Map<string, string>;
}

const tr = (p: PageContext, key: string, params?: Record<string, unknown>) => p.t(p.lang, `dashboard.audit.${key}`, params);

function auditHref(q: AuditQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['action', 'from', 'to', 'lang'] as const) {
    const v = q[key];
    if (v) params.set(key, v);
  }
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/dashboard/audit?${s}` : '/dashboard/audit';
}

/** An event's small detail in words: an export's format and rows, a login's way, a resolve's outcome. */
function detailText(p: PageContext, e: AuditEvent): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (d.format !== undefined) parts.push(tr(p, 'detail.export', { format: String(d.format).toUpperCase(), rows: d.rows ?? 0 }));
  if (d.by !== undefined) parts.push(tr(p, `detail.by.${d.by}`, { defaultValue: String(d.by) }));
  if (d.outcome !== undefined) parts.push(p.t(p.lang, `officer.outcome.${d.outcome}`, { defaultValue: String(d.outcome) }));
  if (d.to !== undefined) parts.push(tr(p, 'detail.to', { officer: String(d.to) }));
  if (d.sessions !== undefined) parts.push(tr(p, 'detail.sessions', { count: d.sessions }));
  return parts.join(' · ');
}

export function auditPage(p: PageContext, d: AuditPageData, signed: Signed): Html {
  const q = d.query;
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;
  const who = (actor: string) =>
    actor === 'superadmin' ? tr(p, 'superadmin') : d.names.has(actor) ? `${d.names.get(actor)} (${actor})` : actor;
  const body = html`<h1>${tr(p, 'title')}</h1>
    <p class="hint">${tr(p, 'intro')}</p>
    <form method="get" action="/dashboard/audit" class="filters" role="search" aria-label="${tr(p, 'filters')}">
      ${q.lang ? html`<input type="hidden" name="lang" value="${q.lang}" />` : ''}
      <label
        >${tr(p, 'action')}<select name="action">
          ${option('', tr(p, 'anyAction'), !q.action)}${AUDIT_ACTIONS.map((a) => option(a, tr(p, `actions.${a}`), q.action === a))}
        </select></label
      >
      <label>${p.t(p.lang, 'dashboard.web.list.from')}<input type="date" name="from" value="${q.from ?? ''}" /></label>
      <label>${p.t(p.lang, 'dashboard.web.list.to')}<input type="date" name="to" value="${q.to ?? ''}" /></label>
      <div class="buttons">
        <button type="submit" class="primary">${p.t(p.lang, 'dashboard.web.list.filter')}</button>
      </div>
    </form>
    <p class="count" role="status">${tr(p, 'count', { total: d.total, page: q.page, pages })}</p>
    ${
      d.items.length === 0
        ? html`<p class="empty">${tr(p, 'empty')}</p>`
        : html`<div class="scroll" tabindex="0" role="region" aria-label="${tr(p, 'title')}">
            <table class="audit">
              <caption>
                ${tr(p, 'title')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${tr(p, 'at')}</th>
                  <th scope="col">${tr(p, 'who')}</th>
                  <th scope="col">${tr(p, 'action')}</th>
                  <th scope="col">${tr(p, 'channel')}</th>
                  <th scope="col">${tr(p, 'case')}</th>
                  <th scope="col">${tr(p, 'detail.title')}</th>
                </tr>
              </thead>
              <tbody>
                ${d.items.map(
                  (e) =>
                    html`<tr>
                      <td><time datetime="${new Date(e.at).toISOString()}">${formatTime(new Date(e.at), p.lang, p.timeZone)}</time></td>
                      <td>${who(e.actor)}</td>
                      <td>${tr(p, `actions.${e.action}`)}</td>
                      <td>${tr(p, `channels.${e.channel}`)}</td>
                      <td>${e.refCode ?? ''}</td>
                      <td>${detailText(p, e)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <nav class="pager" aria-label="${p.t(p.lang, 'dashboard.web.list.pages')}">
      ${q.page > 1 ? html`<a rel="prev" href="${auditHref(q, q.page - 1)}">${p.t(p.lang, 'dashboard.web.list.previous')}</a>` : ''}
      ${q.page < pages ? html`<a rel="next" href="${auditHref(q, q.page + 1)}">${p.t(p.lang, 'dashboard.web.list.next')}</a>` : ''}
    </nav>`;
  return layout(p, tr(p, 'title'), body, signed, q.lang);
}
