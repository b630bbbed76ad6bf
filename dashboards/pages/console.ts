// SQL 控制台 (/console, analysts and admins, city-wide only — server/auth/access-rules.ts): an
// editor, run and cancel, the result as a table and a quick Plot chart, exports (CSV, Parquet,
// Arrow), and the analyst database's documented schema beside it. The page itself holds no
// data; dashboards/client/console.ts fills it from POST /api/sql and GET /api/sql/schema.
import { html, raw } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import type { Page } from '../page.ts';

const t = zh.console;

// Page-local styles (CSP allows inline styles, never inline script).
const STYLE = `
.sql-console .console-grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(16rem,1fr);gap:1.5rem;align-items:start}
@media (max-width:900px){.sql-console .console-grid{grid-template-columns:1fr}}
.sql-console textarea{width:100%;box-sizing:border-box;min-height:12rem;font:14px/1.5 ui-monospace,"Noto Sans Mono CJK SC",monospace;padding:.6rem;border:1px solid #8a939c;border-radius:4px;tab-size:2}
.sql-console textarea:focus,.sql-console button:focus{outline:3px solid #0b63c5;outline-offset:1px}
.sql-console .console-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.6rem 0}
.sql-console .console-actions .export-group{margin-left:auto;display:flex;gap:.4rem;align-items:center}
.sql-console .hint{font-size:.85rem;color:#4a535c;margin:.3rem 0}
.sql-console .console-status{min-height:1.5em}
.sql-console .console-status.error{color:#8c1d18;background:#fdecea;border-left:4px solid #b3261e;padding:.4rem .6rem}
.sql-console .results-wrap{overflow:auto;max-height:32rem;border:1px solid #d0d5da}
.sql-console table{border-collapse:collapse;font-size:.85rem;width:max-content;min-width:100%}
.sql-console th,.sql-console td{border-bottom:1px solid #e3e6e9;padding:.25rem .5rem;text-align:left;white-space:nowrap}
.sql-console th{position:sticky;top:0;background:#f4f6f8}
.sql-console td.num{text-align:right;font-variant-numeric:tabular-nums}
.sql-console .console-schema{max-height:48rem;overflow:auto;font-size:.85rem}
.sql-console .console-schema details{border-bottom:1px solid #e3e6e9;padding:.3rem 0}
.sql-console .console-schema summary{cursor:pointer}
.sql-console .console-schema button.insert{background:none;border:0;color:#0b63c5;text-decoration:underline;cursor:pointer;font:inherit;padding:0}
.sql-console .console-schema dl{margin:.3rem 0 .3rem .8rem}.sql-console .console-schema dt{font-family:ui-monospace,monospace}
.sql-console .console-schema dd{margin:0 0 .3rem .8rem;color:#4a535c}
`;

export const consolePage: Page = {
  id: 'console',
  path: '/console',
  async render() {
    return {
      title: t.title,
      breadcrumbs: [],
      nav: null,
      countyFilter: false,
      charts: [],
      body: html`<style>${raw(STYLE)}</style>
<section id="sql-console" class="sql-console" data-sql-console>
  <p id="console-intro" class="hint"></p>
  <noscript><p class="console-status error">${t.noscript}</p></noscript>
  <div class="console-grid">
    <div class="console-main">
      <label for="sql-editor"><strong>${t.editorLabel}</strong></label>
      <textarea id="sql-editor" name="sql" spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="console-shortcuts">${t.example}</textarea>
      <p id="console-shortcuts" class="hint">${t.shortcuts}</p>
      <div class="console-actions">
        <button id="console-run" type="button">${t.run}</button>
        <button id="console-cancel" type="button" disabled>${t.cancel}</button>
        <span class="export-group" role="group" aria-labelledby="console-export-label">
          <span id="console-export-label">${t.export}</span>
          <button type="button" data-export="csv" disabled>${t.exportCsv}</button>
          <button type="button" data-export="parquet" disabled>${t.exportParquet}</button>
          <button type="button" data-export="arrow" disabled>${t.exportArrow}</button>
        </span>
      </div>
      <p id="console-status" class="console-status" role="status" aria-live="polite"></p>
      <h2 id="console-chart-heading">${t.chart}</h2>
      <div id="console-chart" aria-labelledby="console-chart-heading"></div>
      <h2 id="console-results-heading">${t.results}</h2>
      <div id="console-results" class="results-wrap" tabindex="0" aria-labelledby="console-results-heading"></div>
    </div>
    <aside class="console-schema" aria-labelledby="console-schema-heading">
      <h2 id="console-schema-heading">${t.schema}</h2>
      <p class="hint">${t.schemaIntro}</p>
      <div id="console-schema-list">${t.schemaLoading}</div>
    </aside>
  </div>
</section>`,
    };
  },
};
