import { CASE_STATUSES } from '../../../domain/case-workflow';
import { CASE_KINDS } from '../../reporting/flows';
import type { MapData } from '../ports';
import { html, type Html } from './html';
import { listHref, mapHref, type ListQuery } from './filters';
import { MAP_PAGE_ASSETS } from './assets';
import { filterForm, layout, statusLabel, type PageContext, type Signed } from './pages';

/**
 * The map page: the list's filters, the map (drawn by browser/map.js from the data route, with its
 * settings in data-* attributes: the CSP runs no inline script), and its text alternative, the
 * areas table (cases shown in each, hotspot or not, which areas have no outline), with a link to
 * the same cases as a list.
 */

export interface MapPageData {
  query: ListQuery;
  /** The area filter's choices (the staff member's areas). */
  areas: { code: string; name: string }[];
  map: MapData;
  limit: number;
  tiles?: { url: string; attribution: string };
}

const tm = (p: PageContext, key: string, params?: Record<string, unknown>) => p.t(p.lang, `dashboard.map.${key}`, params);

/** A status's name without the chat's coloured emoji: the map's own colours stand beside it. */
const plainStatus = (p: PageContext, status: string) => statusLabel(p, status).replace(/^\p{Extended_Pictographic}\uFE0F?\s*/u, '');

/** What the script writes on the map, in the reader's language. */
function scriptLabels(p: PageContext): Record<string, unknown> {
  return {
    status: Object.fromEntries(CASE_STATUSES.map((s) => [s, plainStatus(p, s)])),
    category: Object.fromEntries(
      CASE_KINDS.all.flatMap((k) => k.categories.map((c) => [`${k.id}.${c}`, p.t(p.lang, `categories.${k.id}.${c}`)])),
    ),
    kind: Object.fromEntries(CASE_KINDS.all.map((k) => [k.id, p.t(p.lang, `officer.kind.${k.id}`)])),
    cases: tm(p, 'script.cases'),
    submitted: tm(p, 'script.submitted'),
    hotspot: tm(p, 'script.hotspot'),
    zoomIn: tm(p, 'script.zoomIn'),
    zoomOut: tm(p, 'script.zoomOut'),
    loadError: tm(p, 'script.loadError'),
    shown: tm(p, 'script.shown'),
  };
}

export function mapPage(p: PageContext, d: MapPageData, signed: Signed): Html {
  const q = d.query;
  const { map } = d;
  const withoutBoundary = map.areas.filter((a) => !a.boundary).length;
  const body = html`<h1>${tm(p, 'title')}</h1>
    ${filterForm(p, q, d.areas, '/dashboard/map')}
    <p class="count" role="status">
      ${tm(p, 'count', { count: map.cases.length })} ${map.truncated ? tm(p, 'truncated', { count: d.limit }) : ''}
      ${tm(p, 'withoutLocation')}
    </p>
    <p><a href="${listHref({ ...q, page: 1 })}">${tm(p, 'asList')}</a></p>
    <div
      id="case-map"
      class="map"
      role="region"
      aria-label="${tm(p, 'mapLabel')}"
      data-src="${mapHref(q, '/dashboard/map/data.json')}"
      data-case-base="/dashboard/cases/"
      data-lang-param="${q.lang ?? ''}"
      data-labels="${JSON.stringify(scriptLabels(p))}"
      ${d.tiles ? html`data-tiles="${d.tiles.url}" data-attribution="${d.tiles.attribution}"` : ''}
    >
      <noscript>${tm(p, 'noScript')}</noscript>
    </div>
    <ul class="legend" aria-label="${tm(p, 'legend.title')}">
      ${CASE_STATUSES.map((s) => html`<li><span class="swatch dot status-${s}" aria-hidden="true"></span>${plainStatus(p, s)}</li>`)}
      <li><span class="swatch outline" aria-hidden="true"></span>${tm(p, 'legend.area')}</li>
      <li><span class="swatch outline hot" aria-hidden="true"></span>${tm(p, 'legend.hotspot')}</li>
    </ul>
    <section aria-labelledby="map-areas">
      <h2 id="map-areas">${tm(p, 'areas.title')}</h2>
      ${withoutBoundary > 0 ? html`<p>${tm(p, 'areas.someWithout', { count: withoutBoundary })}</p>` : ''}
      ${
        map.areas.length === 0
          ? html`<p class="empty">${tm(p, 'areas.empty')}</p>`
          : html`<table class="areas">
              <thead>
                <tr>
                  <th scope="col">${tm(p, 'areas.name')}</th>
                  <th scope="col">${tm(p, 'areas.cases')}</th>
                  <th scope="col">${tm(p, 'areas.hotspot')}</th>
                </tr>
              </thead>
              <tbody>
                ${map.areas.map(
                  (a) =>
                    html`<tr${a.hotspot ? html` class="hot"` : ''}>
                      <th scope="row">
                        ${a.name}${a.boundary ? '' : html` <span class="no-boundary">(${tm(p, 'areas.noBoundary')})</span>`}
                      </th>
                      <td>${a.cases}</td>
                      <td>${a.hotspot ? tm(p, 'areas.yes') : tm(p, 'areas.no')}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return layout(p, tm(p, 'title'), body, signed, q.lang, MAP_PAGE_ASSETS);
}
