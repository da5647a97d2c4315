import type { DeskCase } from '../../../domain/case-record';
import { CASE_STATUSES } from '../../../domain/case-workflow';
import { evidenceIdOf } from '../../../domain/chat';
import { formatTime } from '../../../domain/time';
import { areaLabel, caseFacts } from '../../../conversations/case-view';
import type { Lang } from '../../../conversations/messages';
import type { Translate } from '../../../conversations/ports';
import { CASE_KINDS } from '../../reporting/flows';
import { DASHBOARD_STYLES, LIVE_SCRIPT } from './assets';
import { html, type Html } from './html';
import { listHref, type ListQuery } from './filters';
import { exportForm } from './export-form';

/**
 * The dashboard's pages, rendered on the server from the same locales as the bot. Forms and links
 * do everything; a page that needs a script (the map) loads the app's own files, never inline
 * code (the Content-Security-Policy allows only those), and gives it its settings in data-*
 * attributes. No page ever
 * holds a tipster's chat id, sealed contact or relay key: a case is shown through the case view's
 * lines (conversations/case-view.ts), the contact only as the tipster consented to give it.
 */

export interface PageContext {
  t: Translate;
  lang: Lang;
  timeZone?: string;
}

export interface Signed {
  name: string;
  csrf: string;
  role?: 'officer' | 'supervisor' | 'mediator' | 'superadmin';
}

/** The dashboard's parts, in the order the navigation lists them; `audit` only for supervisors and superadmins. */
const NAV = [
  { key: 'cases', href: '/dashboard/cases' },
  { key: 'map', href: '/dashboard/map' },
  { key: 'stats', href: '/dashboard/stats' },
  { key: 'audit', href: '/dashboard/audit', only: ['supervisor', 'superadmin'] },
] as const;

const tr = (p: PageContext, key: string, params?: Record<string, unknown>) => p.t(p.lang, `dashboard.web.${key}`, params);

/** `?lang=en` carried on the dashboard's own links when the reader chose it. */
export function withLang(href: string, lang: Lang | undefined): string {
  if (!lang) return href;
  return `${href}${href.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** Stylesheets and scripts a page adds to the dashboard's own, all served by the app (deferred scripts). */
export interface PageAssets {
  styles?: string[];
  scripts?: string[];
}

export function layout(p: PageContext, title: string, body: Html, signed?: Signed, langParam?: Lang, assets: PageAssets = {}): Html {
  return html`<!doctype html>
    <html lang="${p.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${tr(p, 'appName')}</title>
        ${(assets.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}" />`)}
        <link rel="stylesheet" href="${DASHBOARD_STYLES}" />
        ${(assets.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">${tr(p, 'skip')}</a>
        <header class="top">
          <span class="brand">${tr(p, 'appName')}</span>
          ${
            signed
              ? html`<nav aria-label="${tr(p, 'nav.label')}">
                  ${NAV.filter((n) => !('only' in n) || (signed.role && (n.only as readonly string[]).includes(signed.role))).map(
                    (n) => html`<a href="${withLang(n.href, langParam)}">${tr(p, `nav.${n.key}`)}</a>`,
                  )}
                  <span class="who">${signed.name}</span>
                  <form method="post" action="/dashboard/logout" class="inline">
                    <input type="hidden" name="_csrf" value="${signed.csrf}" /><button type="submit" class="link">
                      ${tr(p, 'nav.logout')}
                    </button>
                  </form>
                </nav>`
              : ''
          }
        </header>
        <main id="main">
          ${
            signed
              ? html`<section
                  id="live"
                  class="live"
                  role="status"
                  aria-live="polite"
                  aria-label="${tr(p, 'live.label')}"
                  data-fresh="${tr(p, 'live.fresh')}"
                  data-urgent="${tr(p, 'live.urgent')}"
                  data-changed="${tr(p, 'live.changed')}"
                >
                  <ul></ul>
                </section>`
              : ''
          }
          ${body}
        </main>
        ${signed ? html`<script src="${LIVE_SCRIPT}" defer></script>` : ''}
      </body>
    </html>`;
}

/** A page that only says something (logged out, no access, not found): with what to do next. */
export function messagePage(p: PageContext, key: string, signed?: Signed): Html {
  return layout(
    p,
    tr(p, `${key}.title`),
    html`<h1>${tr(p, `${key}.title`)}</h1>
      <p>${tr(p, `${key}.text`)}</p>`,
    signed,
  );
}

/** Behind the link: one button, whose POST alone spends the token (a link preview only GETs). */
export function loginPage(p: PageContext, token: string): Html {
  return layout(
    p,
    tr(p, 'login.title'),
    html`<h1>${tr(p, 'login.title')}</h1>
      <p>${tr(p, 'login.intro')}</p>
      <form method="post" action="/dashboard/login/${token}">
        <button type="submit" class="primary">${tr(p, 'login.button')}</button>
      </form>`,
  );
}

/** After Telegram's login button: the signed fields go back by POST, which alone logs in (once). */
export function telegramLoginPage(p: PageContext, fields: Record<string, string>): Html {
  return layout(
    p,
    tr(p, 'login.title'),
    html`<h1>${tr(p, 'login.title')}</h1>
      <p>${tr(p, 'login.intro')}</p>
      <form method="post" action="/dashboard/telegram-login">
        ${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
        <button type="submit" class="primary">${tr(p, 'login.button')}</button>
      </form>`,
  );
}

export function statusLabel(p: PageContext, status: string): string {
  return p.t(p.lang, `officer.statusLabel.${status}`);
}

function categoryName(p: PageContext, c: Pick<DeskCase, 'kind' | 'category'>): string {
  return p.t(p.lang, `categories.${c.kind}.${c.category}`);
}

export interface ListPageData {
  query: ListQuery;
  items: DeskCase[];
  total: number;
  pageSize: number;
  areas: { code: string; name: string }[];
}

const option = (value: string, label: string, selected: boolean) =>
  html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;

/**
 * The filters' form, the same on every view of the cases (the list, the map): a GET to `action`,
 * so the filters land in the URL and a view can be bookmarked or sent.
 */
export function filterForm(p: PageContext, q: ListQuery, areas: { code: string; name: string }[], action: string): Html {
  const statusOptions = [
    option('open', tr(p, 'list.statusOpen'), q.status === 'open'),
    ...CASE_STATUSES.map((s) => option(s, statusLabel(p, s), q.status === s)),
    option('all', tr(p, 'list.statusAll'), q.status === 'all'),
  ];
  const categoryOptions = CASE_KINDS.all.map(
    (k) =>
      html`<optgroup label="${p.t(p.lang, `officer.kind.${k.id}`)}">
        ${k.categories.map((c) => option(c, p.t(p.lang, `categories.${k.id}.${c}`), q.category === c))}
      </optgroup>`,
  );
  return html`<form method="get" action="${action}" class="filters" role="search" aria-label="${tr(p, 'list.filters')}">
    ${q.lang ? html`<input type="hidden" name="lang" value="${q.lang}" />` : ''}
    <label
      >${tr(p, 'list.status')}<select name="status">
        ${statusOptions}
      </select></label
    >
    <label
      >${tr(p, 'list.category')}<select name="category">
        ${option('', tr(p, 'list.anyCategory'), !q.category)}${categoryOptions}
      </select></label
    >
    <label
      >${tr(p, 'list.area')}<select name="area">
        ${option('', tr(p, 'list.anyArea'), !q.area)}${areas.map((a) => option(a.code, a.name, q.area === a.code))}
      </select></label
    >
    <label>${tr(p, 'list.from')}<input type="date" name="from" value="${q.from ?? ''}" /></label>
    <label>${tr(p, 'list.to')}<input type="date" name="to" value="${q.to ?? ''}" /></label>
    <label>${tr(p, 'list.ref')}<input type="search" name="q" value="${q.q ?? ''}" placeholder="TB-2611" autocomplete="off" /></label>
    <div class="buttons">
      <button type="submit" class="primary">${tr(p, 'list.filter')}</button>
      <a href="${withLang(action, q.lang)}">${tr(p, 'list.reset')}</a>
    </div>
  </form>`;
}

export function listPage(p: PageContext, d: ListPageData, signed: Signed): Html {
  const q = d.query;
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  const rows = d.items.map(
    (c) =>
      html`<li class="case" data-ref="${c.refCode}">
        <a class="ref" href="${withLang(`/dashboard/cases/${c.refCode}`, q.lang)}">${c.refCode}</a>
        <span class="badge status-${c.status}">${statusLabel(p, c.status)}</span>
        <span class="cat">${categoryName(p, c)}</span>
        <span class="area">${c.areaName ?? p.t(p.lang, 'alert.noArea')}</span>
        <time datetime="${c.submittedAt.toISOString()}">${formatTime(c.submittedAt, p.lang, p.timeZone)}</time>
      </li>`,
  );
  const body = html`<h1>${tr(p, 'list.title')}</h1>
    ${filterForm(p, q, d.areas, '/dashboard/cases')}
    ${exportForm(p, signed.csrf, { status: q.status, category: q.category, area: q.area, from: q.from, to: q.to, q: q.q, lang: q.lang })}
    <p class="count" role="status" data-total="${d.total}">${tr(p, 'list.count', { total: d.total, page: q.page, pages })}</p>
    ${
      d.items.length === 0
        ? html`<p class="empty">${tr(p, 'list.empty')}</p>`
        : html`<ol class="cases">
            ${rows}
          </ol>`
    }
    <nav class="pager" aria-label="${tr(p, 'list.pages')}">
      ${q.page > 1 ? html`<a rel="prev" href="${listHref(q, { page: q.page - 1 })}">${tr(p, 'list.previous')}</a>` : ''}
      ${q.page < pages ? html`<a rel="next" href="${listHref(q, { page: q.page + 1 })}">${tr(p, 'list.next')}</a>` : ''}
    </nav>`;
  return layout(p, tr(p, 'list.title'), body, signed, q.lang);
}

export interface CasePageData {
  c: DeskCase;
  contact?: string;
  assigneeName?: string;
  /** Names of the officers the history mentions, by id. */
  names: Map<string, string>;
  /** What the last action did, shown once after it (from the redirect's `?done=`). */
  done?: string;
  /** Whom the case can be handed to; empty when the reader may not reassign. */
  colleagues: { officerId: string; name: string }[];
  langParam?: Lang;
}

export function casePage(p: PageContext, d: CasePageData, signed: Signed): Html {
  const { c } = d;
  const facts = caseFacts(c, {
    t: p.t,
    lang: p.lang,
    areaName: areaLabel(c.areaName, c.areaCode),
    contact: d.contact,
    timeZone: p.timeZone,
  });
  const who = (by: string) =>
    by === 'resident'
      ? p.t(p.lang, 'officer.card.tipster')
      : by === 'system'
        ? p.t(p.lang, 'officer.card.system')
        : d.names.has(by)
          ? `${d.names.get(by)} (${by})`
          : by;
  const action = (path: string) => withLang(`/dashboard/cases/${c.refCode}/${path}`, d.langParam);
  const open = c.status !== 'resolved';
  const body = html`<p><a href="${withLang('/dashboard/cases', d.langParam)}">← ${tr(p, 'case.back')}</a></p>
    <h1 data-case-ref="${c.refCode}">${c.refCode} · ${p.t(p.lang, `officer.kind.${c.kind}`)}</h1>
    ${d.done ? html`<p class="notice" role="status">${tr(p, `case.done.${d.done}`, { code: c.refCode })}</p>` : ''}
    <section aria-labelledby="facts">
      <h2 id="facts">${tr(p, 'case.facts')}</h2>
      <ul class="facts">
        ${facts.map((line) => html`<li>${line}</li>`)}
      </ul>
      ${c.location ? html`<p class="pin">${tr(p, 'case.pin', { lat: c.location.latitude.toFixed(5), lon: c.location.longitude.toFixed(5) })}</p>` : ''}
      ${c.attachments.length > 0 ? mediaList(p, c, d.langParam) : ''}
    </section>
    <section aria-labelledby="state">
      <h2 id="state">${tr(p, 'case.state')}</h2>
      <dl class="state">
        <dt>${tr(p, 'case.status')}</dt>
        <dd><span class="badge status-${c.status}">${statusLabel(p, c.status)}</span></dd>
        ${
          c.assignedTo
            ? html`<dt>${tr(p, 'case.assignee')}</dt>
                <dd>${d.assigneeName ? `${d.assigneeName} (${c.assignedTo})` : c.assignedTo}</dd>`
            : ''
        }
        ${
          c.outcome
            ? html`<dt>${tr(p, 'case.outcome')}</dt>
                <dd>${p.t(p.lang, `officer.outcome.${c.outcome}`)}</dd>`
            : ''
        }
      </dl>
    </section>
    ${
      open
        ? html`<section aria-labelledby="actions">
            <h2 id="actions">${tr(p, 'case.actions')}</h2>
            ${
              c.status === 'new'
                ? html`<form method="post" action="${action('ack')}">
                    <input type="hidden" name="_csrf" value="${signed.csrf}" /><button type="submit" class="primary">
                      ${tr(p, 'case.ack')}
                    </button>
                  </form>`
                : ''
            }
            <form method="post" action="${action('note')}" class="note">
              <input type="hidden" name="_csrf" value="${signed.csrf}" />
              <label for="note-text">${tr(p, 'case.noteLabel')}</label>
              <textarea id="note-text" name="note" rows="3" maxlength="2000" required></textarea>
              <button type="submit">${tr(p, 'case.addNote')}</button>
            </form>
            ${
              c.replyTo
                ? html`<form method="post" action="${action('ask')}" class="note">
                    <input type="hidden" name="_csrf" value="${signed.csrf}" />
                    <label for="ask-text">${tr(p, 'case.askLabel')}</label>
                    <p class="hint" id="ask-hint">${tr(p, 'case.askHint')}</p>
                    <textarea id="ask-text" name="question" rows="3" maxlength="2000" required aria-describedby="ask-hint"></textarea>
                    <button type="submit">${tr(p, 'case.ask')}</button>
                  </form>`
                : html`<p class="hint">${tr(p, 'case.unreachable')}</p>`
            }
            <form method="post" action="${action('resolve')}" class="choice">
              <input type="hidden" name="_csrf" value="${signed.csrf}" />
              <label for="outcome">${tr(p, 'case.outcomeLabel')}</label>
              <select id="outcome" name="outcome" required>
                ${CASE_KINDS.get(c.kind).outcomes.map((o) => html`<option value="${o}">${p.t(p.lang, `officer.outcome.${o}`)}</option>`)}
              </select>
              <button type="submit">${tr(p, 'case.resolve')}</button>
            </form>
            ${
              d.colleagues.length > 0
                ? html`<form method="post" action="${action('reassign')}" class="choice">
                    <input type="hidden" name="_csrf" value="${signed.csrf}" />
                    <label for="reassign-to">${tr(p, 'case.reassignLabel')}</label>
                    <select id="reassign-to" name="to" required>
                      ${d.colleagues.map(
                        (o) =>
                          html`<option value="${o.officerId}" ${o.officerId === c.assignedTo ? html` selected` : ''}>
                            ${o.name} (${o.officerId})
                          </option>`,
                      )}
                    </select>
                    <button type="submit">${tr(p, 'case.reassign')}</button>
                  </form>`
                : ''
            }
          </section>`
        : ''
    }
    <section aria-labelledby="timeline">
      <h2 id="timeline">${tr(p, 'case.timeline')}</h2>
      <ol class="timeline">
        ${c.history.map(
          (h) =>
            html`<li>
              <time datetime="${h.at.toISOString()}">${formatTime(h.at, p.lang, p.timeZone)}</time>
              <span class="what">${p.t(p.lang, `dashboard.history.${h.action}`, { defaultValue: h.action })}</span>
              <span class="by">${who(h.by)}</span>${h.note ? html`<p class="note-text">${h.note}</p>` : ''}
            </li>`,
        )}
      </ol>
    </section>`;
  return layout(p, c.refCode, body, signed, d.langParam);
}

/**
 * The case's photos, videos and voice notes, from the evidence store through the dashboard (no
 * platform link is ever put in a page). A file the store has not kept yet (still being fetched, or
 * a case from before the store) is a placeholder saying where to see it.
 */
function mediaList(p: PageContext, c: DeskCase, langParam: Lang | undefined): Html {
  const items = c.attachments.map((a, i) => {
    const label = tr(p, `case.mediaItem.${a.kind}`, { n: i + 1, code: c.refCode });
    if (!evidenceIdOf(a)) return html`<li class="placeholder">${label}: ${tr(p, 'case.mediaPending')}</li>`;
    const src = withLang(`/dashboard/cases/${c.refCode}/media/${i}`, langParam);
    if (a.kind === 'photo') return html`<li><img src="${src}" alt="${label}" loading="lazy" /></li>`;
    if (a.kind === 'video') return html`<li><video src="${src}" controls preload="none" aria-label="${label}"></video></li>`;
    if (a.kind === 'voice') return html`<li><audio src="${src}" controls preload="none" aria-label="${label}"></audio></li>`;
    return html`<li><a href="${src}">${label}</a></li>`;
  });
  return html`<h3>${tr(p, 'case.mediaTitle', { count: c.attachments.length })}</h3>
    <ul class="media">
      ${items}
    </ul>`;
}
