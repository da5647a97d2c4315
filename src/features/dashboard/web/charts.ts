import { html, type Html } from './html';

/**
 * The statistics' charts as SVG drawn on the server: no script, no chart library, readable with
 * the page's CSP, and each one a picture with a name (role="img" and its <title>) beside a table
 * holding the same numbers, which is what a screen reader reads and what a person can copy.
 * Presentation attributes only (fill, x, y): the CSP forbids style attributes.
 */

export interface ChartRow {
  label: string;
  value: number;
  /** What the table shows in the value's place, when a bare number says too little (a duration). */
  shown?: string;
}

const BAR = '#0b4f9c';
const INK = '#1a1a1a';
const WIDTH = 640;

/** Horizontal bars, one row each: for categories, statuses, areas, outcomes. */
export function barChart(id: string, title: string, rows: readonly ChartRow[]): Html {
  const labelWidth = 220;
  const valueWidth = 90;
  const rowHeight = 28;
  const height = rows.length * rowHeight + 8;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const span = WIDTH - labelWidth - valueWidth;
  return frame(
    id,
    title,
    height,
    html`${rows.map((r, i) => {
      const y = 4 + i * rowHeight;
      const w = Math.round((r.value / max) * span);
      return html`<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end" font-size="13" fill="${INK}">${clip(r.label, 32)}</text>
        <rect x="${labelWidth}" y="${y + 4}" width="${Math.max(w, r.value > 0 ? 2 : 0)}" height="${rowHeight - 8}" fill="${BAR}"></rect>
        <text x="${labelWidth + w + 6}" y="${y + 18}" font-size="13" fill="${INK}">${r.shown ?? r.value}</text>`;
    })}`,
  );
}

/** Columns in time order: the cases of each week. Every label is shown when they fit, else every other. */
export function columnChart(id: string, title: string, rows: readonly ChartRow[]): Html {
  const height = 220;
  const top = 20;
  const bottom = 40;
  const left = 8;
  const slot = (WIDTH - left * 2) / Math.max(1, rows.length);
  const max = Math.max(1, ...rows.map((r) => r.value));
  const every = slot < 44 ? Math.ceil(44 / slot) : 1;
  return frame(
    id,
    title,
    height,
    html`<line x1="${left}" y1="${height - bottom}" x2="${WIDTH - left}" y2="${height - bottom}" stroke="${INK}" stroke-width="1"></line>
      ${rows.map((r, i) => {
        const h = Math.round((r.value / max) * (height - top - bottom));
        const x = left + i * slot;
        const mid = x + slot / 2;
        return html`<rect
            x="${(x + slot * 0.15).toFixed(1)}"
            y="${height - bottom - h}"
            width="${(slot * 0.7).toFixed(1)}"
            height="${h}"
            fill="${BAR}"
          ></rect>
          ${
            r.value > 0
              ? html`<text x="${mid.toFixed(1)}" y="${height - bottom - h - 4}" text-anchor="middle" font-size="12" fill="${INK}"
                  >${r.value}</text
                >`
              : ''
          }
          ${
            i % every === 0
              ? html`<text x="${mid.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="12" fill="${INK}"
                  >${r.label}</text
                >`
              : ''
          }`;
      })}`,
  );
}

/** A chart's picture: named by its title for screen readers (role="img"), sized for a phone and up. */
function frame(id: string, title: string, height: number, body: Html): Html {
  return html`<svg
    role="img"
    aria-labelledby="${id}-title"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${id}-title">${title}</title>
    ${body}
  </svg>`;
}

/** The numbers of a chart as a table: its caption is the chart's title. */
export function dataTable(caption: string, heads: [string, string], rows: readonly ChartRow[]): Html {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">${heads[0]}</th>
        <th scope="col" class="num">${heads[1]}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <th scope="row">${r.label}</th>
            <td class="num">${r.shown ?? r.value}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
