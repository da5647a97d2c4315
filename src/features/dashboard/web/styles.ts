/**
 * The dashboard's one stylesheet, served from the app (no CDN): readable on a phone first, wider
 * screens get the filters in a row. Colours keep a contrast of at least 4.5:1 (WCAG 2 AA).
 */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f5f6f8}
a{color:#0b4f9c}
.skip{position:absolute;left:-999px}
.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px}
.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;padding:8px 16px;background:#0b3d6e;color:#fff}
.top a,.top .link{color:#fff}
.brand{font-weight:700}
.top nav{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.inline{display:inline;margin:0}
button{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid #0b3d6e;background:#fff;color:#0b3d6e;cursor:pointer;min-height:44px}
button.primary{background:#0b3d6e;color:#fff}
button.link{border:0;background:none;text-decoration:underline;padding:0;min-height:0}
main{max-width:960px;margin:0 auto;padding:16px}
ul.media{list-style:none;padding:0;display:grid;gap:8px;grid-template-columns:repeat(auto-fill,minmax(220px,1fr))}
ul.media img,ul.media video{max-width:100%;height:auto;border-radius:4px;background:#ddd}
ul.media audio{width:100%}
ul.media .placeholder{background:#fff;border:1px dashed #666;padding:8px}
.live ul{list-style:none;margin:0 0 12px;padding:0}
.live li{border-left:4px solid #0b4f9c;background:#fff;padding:6px 10px;margin-bottom:4px}
.live li.urgent{border-left-color:#8a1c1c}
.live li.urgent{color:#8a1c1c;font-weight:700}
.live li.urgent a{color:#8a1c1c}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.filters{display:grid;grid-template-columns:1fr;gap:8px;background:#fff;padding:12px;border-radius:8px}
.filters label{display:flex;flex-direction:column;font-size:.9rem;gap:2px}
.filters select,.filters input,textarea{font:inherit;padding:8px;border:1px solid #767676;border-radius:6px;min-height:44px;width:100%}
.buttons{display:flex;gap:16px;align-items:center}
@media (min-width:720px){.filters{grid-template-columns:repeat(3,1fr)}.buttons{grid-column:1/-1}}
.count{color:#444}
.cases{list-style:none;padding:0;margin:0;display:grid;gap:8px}
.case{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;background:#fff;padding:10px 12px;border-radius:8px}
.case .ref{font-weight:700;font-variant-numeric:tabular-nums}
.case time,.case .area{color:#444;font-size:.9rem}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:.85rem;border:1px solid currentColor}
.status-new{color:#a4000f}
.status-acknowledged{color:#7a4d00}
.status-resolved{color:#1b5e20}
.pager{display:flex;gap:16px;margin:16px 0}
.facts,.timeline{background:#fff;border-radius:8px;padding:12px 12px 12px 32px;margin:0}
.timeline li{margin-bottom:8px}
.timeline time{color:#444;font-size:.9rem;margin-right:8px}
.what{font-weight:600;margin-right:8px}
.note-text{margin:4px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.state{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;background:#fff;border-radius:8px;padding:12px;margin:0}
.state dd{margin:0}
.note{display:flex;flex-direction:column;gap:8px;margin-top:12px}
.notice{background:#e8f1fb;border-left:4px solid #0b4f9c;padding:8px 12px}
`;
