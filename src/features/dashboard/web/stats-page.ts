import type { CaseStatistics, Durations } from '../../../domain/case-statistics';
import { CASE_KINDS } from '../../reporting/flows';
import { barChart, columnChart, dataTable, type ChartRow } from './charts';
import { exportForm } from './export-form';
import { html, type Html } from './html';
import { layout, type PageContext, type Signed } from './pages';
import type { StatsQuery } from './stats-filters';

/**
 * The statistics page: the list's filters that make sense for a period (from, to, area,
 * category), then each count as a chart with its table beside it, the waiting times (median and
 * 90th percentile), the mediation outcomes, and for supervisors and superadmins the FAQ's
 * unanswered questions (the FAQ's own words, never what a resident typed).
 */

export interface StatsPageData {
  query: StatsQuery;
  stats: CaseStatistics;
  areas: { code: string; name: string }[];
  /** Only for supervisors and superadmins; undefined hides the section. */
  questions?: { question: string; count: number }[];
}

const tr = (p: PageContext, key: string, params?: Record<string, unknown>) => p.t(p.lang, `dashboard.stats.${key}`, params);

/** "45 phút", "3 giờ 20 phút", "2 ngày 4 giờ": a waiting time a person reads at a glance. */
export function durationText(p: PageContext, minutes: number | null): string {
  if (minutes === null) return tr(p, 'times.none');
  const m = Math.round(minutes);
  if (m < 60) return tr(p, 'duration.minutes', { m });
  if (m < 24 * 60) return tr(p, 'duration.hours', { h: Math.floor(m / 60), m: m % 60 });
  return tr(p, 'duration.days', { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
}

/** A chart and its table, side by side on a wide screen, under one heading. */
function figure(id: string, title: string, heads: [string, string], rows: ChartRow[], p: PageContext, columns = false): Html {
  return html`<section class="stat" aria-labelledby="${id}-h">
    <h2 id="${id}-h">${title}</h2>
    ${
      rows.length === 0
        ? html`<p class="empty">${tr(p, 'empty')}</p>`
        : html`<div class="figure">
            <div class="chart">${columns ? columnChart(id, title, rows) : barChart(id, title, rows)}</div>
            ${dataTable(title, heads, rows)}
          </div>`
    }
  </section>`;
}

export function statsPage(p: PageContext, d: StatsPageData, signed: Signed): Html {
  const q = d.query;
  const s = d.stats;
  const count = tr(p, 'count');
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;
  const categoryOptions = CASE_KINDS.all.map(
    (k) =>
      html`<optgroup label="${p.t(p.lang, `officer.kind.${k.id}`)}">
        ${k.categories.map((c) => option(c, p.t(p.lang, `categories.${k.id}.${c}`), q.category === c))}
      </optgroup>`,
  );
  // A category name two kinds share ("Việc khác") says which kind it is.
  const names = s.byCategory.map((r) => p.t(p.lang, `categories.${r.kind}.${r.category}`));
  const byCategory = s.byCategory.map((r, i) => ({
    label: names.filter((n) => n === names[i]).length > 1 ? `${names[i]} (${p.t(p.lang, `officer.kind.${r.kind}`)})` : names[i],
    value: r.count,
  }));
  const byStatus = s.byStatus.map((r) => ({ label: p.t(p.lang, `officer.report.status.${r.status}`), value: r.count }));
  const byArea = s.byArea.map((r) => ({ label: r.areaName ?? r.areaCode ?? p.t(p.lang, 'alert.noArea'), value: r.count }));
  const byWeek = s.byWeek.map((r) => ({ label: `${r.week.slice(8, 10)}/${r.week.slice(5, 7)}`, value: r.count }));
  const outcomes = s.mediationOutcomes.map((r) => ({ label: p.t(p.lang, `officer.outcome.${r.outcome}`), value: r.count }));
  const timeRows = (key: 'acknowledge' | 'resolve', d: Durations): ChartRow[] =>
    d.count === 0
      ? []
      : [
          { label: tr(p, `times.${key}Median`), value: d.median ?? 0, shown: durationText(p, d.median) },
          { label: tr(p, `times.${key}P90`), value: d.p90 ?? 0, shown: durationText(p, d.p90) },
        ];
  const times = [...timeRows('acknowledge', s.toAcknowledge), ...timeRows('resolve', s.toResolve)];

  const body = html`<h1>${tr(p, 'title')}</h1>
    <form method="get" action="/dashboard/stats" class="filters" role="search" aria-label="${tr(p, 'filters')}">
      ${q.lang ? html`<input type="hidden" name="lang" value="${q.lang}" />` : ''}
      <label>${p.t(p.lang, 'dashboard.web.list.from')}<input type="date" name="from" value="${q.from}" /></label>
      <label>${p.t(p.lang, 'dashboard.web.list.to')}<input type="date" name="to" value="${q.to}" /></label>
      <label
        >${p.t(p.lang, 'dashboard.web.list.area')}<select name="area">
          ${option('', p.t(p.lang, 'dashboard.web.list.anyArea'), !q.area)}${d.areas.map((a) => option(a.code, a.name, q.area === a.code))}
        </select></label
      >
      <label
        >${p.t(p.lang, 'dashboard.web.list.category')}<select name="category">
          ${option('', p.t(p.lang, 'dashboard.web.list.anyCategory'), !q.category)}${categoryOptions}
        </select></label
      >
      <div class="buttons">
        <button type="submit" class="primary">${tr(p, 'show')}</button>
      </div>
    </form>
    ${exportForm(p, signed.csrf, { status: 'all', from: q.from, to: q.to, area: q.area, category: q.category, lang: q.lang })}
    <p class="count" role="status">${tr(p, 'total', { total: s.total, from: q.from, to: q.to })}</p>
    ${figure('by-week', tr(p, 'byWeek'), [tr(p, 'week'), count], byWeek, p, true)}
    ${figure('by-category', tr(p, 'byCategory'), [p.t(p.lang, 'dashboard.web.list.category'), count], byCategory, p)}
    ${figure('by-status', tr(p, 'byStatus'), [p.t(p.lang, 'dashboard.web.list.status'), count], byStatus, p)}
    ${figure('by-area', tr(p, 'byArea'), [p.t(p.lang, 'dashboard.web.list.area'), count], byArea, p)}
    ${figure('times', tr(p, 'times.title'), [tr(p, 'times.measure'), tr(p, 'times.value')], times, p)}
    <p class="hint">${tr(p, 'times.counted', { acknowledged: s.toAcknowledge.count, resolved: s.toResolve.count })}</p>
    ${figure('outcomes', tr(p, 'outcomes'), [tr(p, 'outcome'), count], outcomes, p)}
    ${
      d.questions
        ? html`<section class="stat" aria-labelledby="faq-h">
            <h2 id="faq-h">${tr(p, 'faq.title')}</h2>
            <p class="hint">${tr(p, 'faq.hint')}</p>
            ${
              d.questions.length === 0
                ? html`<p class="empty">${tr(p, 'faq.none')}</p>`
                : dataTable(
                    tr(p, 'faq.title'),
                    [tr(p, 'faq.question'), tr(p, 'faq.count')],
                    d.questions.map((r) => ({ label: r.question, value: r.count })),
                  )
            }
          </section>`
        : ''
    }`;
  return layout(p, tr(p, 'title'), body, signed, q.lang);
}
