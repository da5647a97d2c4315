/**
 * The statistics', exports' and audit's part of the dashboard's stylesheet (served with
 * styles.ts as one file): a chart and its table side by side on a wide screen, stacked on a phone.
 */
export const STATS_CSS = `
.export{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}
.stat{background:#fff;border-radius:8px;padding:4px 12px 12px;margin:12px 0}
.figure{display:grid;grid-template-columns:1fr;gap:12px;align-items:start}
@media (min-width:860px){.figure{grid-template-columns:3fr 2fr}}
.chart svg{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #d0d4da;padding:6px 8px;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}
.hint{color:#444;font-size:.9rem}
.scroll{overflow-x:auto;background:#fff;border-radius:8px;padding:8px}
`;
