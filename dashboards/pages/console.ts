// SQL 控制台 (/console, analysts and admins, city-wide only — server/auth/access-rules.ts): an
// editor with completion of table and column names, run and cancel, the result as a table
// (rounded for reading) and a quick Plot chart whose columns the analyst can change, saved and
// shared queries, exports (CSV, Parquet, Arrow, Excel; full precision), and the data dictionary
// beside it. The page itself holds no data; dashboards/client/console.ts fills it from
// POST /api/sql, GET /api/sql/schema and GET /api/dictionary.
import { html, raw } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { zhConsole } from '../i18n/zh-console.ts';
import type { Page } from '../page.ts';
import { DICTIONARY_STYLE } from './dictionary.ts';

const t = zh.console;
const c = zhConsole;

// Page-local styles (CSP allows inline styles, never inline script). Every grid and flex track
// may shrink below its content (minmax(0,…), min-width:0): a wide result scrolls inside its
// box, never the page (a phone is 390 px wide).
const STYLE = `
.sql-console .console-grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(16rem,1fr);gap:1.5rem;align-items:start}
@media (max-width:900px){.sql-console .console-grid{grid-template-columns:minmax(0,1fr)}}
.sql-console .console-main{min-width:0}
.sql-console .editor-wrap{position:relative}
.sql-console textarea{width:100%;box-sizing:border-box;min-height:12rem;font:14px/1.5 ui-monospace,"Noto Sans Mono CJK SC",monospace;padding:.6rem;border:1px solid #8a939c;border-radius:4px;tab-size:2}
.sql-console textarea:focus,.sql-console button:focus,.sql-console select:focus,.sql-console input:focus{outline:3px solid #0b63c5;outline-offset:1px}
.sql-console .completion{position:absolute;left:0;right:0;top:100%;z-index:5;margin:0;padding:0;list-style:none;background:#fff;border:1px solid #8a939c;border-radius:0 0 4px 4px;max-height:16rem;overflow:auto;box-shadow:0 4px 10px rgba(0,0,0,.12)}
.sql-console .completion li{padding:.25rem .5rem;cursor:pointer;display:flex;gap:.6rem;align-items:baseline;overflow:hidden}
.sql-console .completion li[aria-selected=true]{background:#0b63c5;color:#fff}
.sql-console .completion code{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;white-space:nowrap}
.sql-console .completion .completion-detail{font-size:.8rem;opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0}
.sql-console .console-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.6rem 0}
.sql-console .export-group{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.sql-console .console-actions button,.sql-console .export-group button{min-height:2.25rem;padding:.3rem .8rem}
.sql-console .hint{font-size:.85rem;color:#4a535c;margin:.3rem 0}
.sql-console .console-status{min-height:1.5em;overflow-wrap:anywhere}
.sql-console .console-status.error{color:#8c1d18;background:#fdecea;border-left:4px solid #b3261e;padding:.4rem .6rem}
.sql-console .saved-queries{margin:.6rem 0}
.sql-console .saved-queries summary{cursor:pointer;font-weight:600}
.sql-console .saved-form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.sql-console .saved-form input{flex:1 1 10rem;min-width:0;font:inherit;padding:.3rem .5rem;border:1px solid #8a939c;border-radius:4px}
.sql-console .saved-list{list-style:none;margin:.3rem 0;padding:0}
.sql-console .saved-list li{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;padding:.2rem 0;border-bottom:1px solid #e3e6e9}
.sql-console .saved-list .saved-name{flex:1 1 8rem;min-width:0;overflow-wrap:anywhere}
.sql-console .chart-controls{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.3rem 0}
.sql-console .chart-controls select{max-width:100%;font:inherit}
.sql-console #console-chart{max-width:100%;overflow-x:auto}
.sql-console #console-chart svg{max-width:100%;height:auto}
.sql-console .results-wrap{overflow:auto;max-height:32rem;border:1px solid #d0d5da;max-width:100%}
.sql-console .results-wrap table{border-collapse:collapse;font-size:.85rem;width:max-content;min-width:100%}
.sql-console .results-wrap th,.sql-console .results-wrap td{border-bottom:1px solid #e3e6e9;padding:.25rem .5rem;text-align:left;white-space:nowrap}
.sql-console .results-wrap th{position:sticky;top:0;background:#f4f6f8}
.sql-console .results-wrap td.num{text-align:right;font-variant-numeric:tabular-nums}
.sql-console .console-schema{max-height:48rem;overflow:auto;font-size:.85rem;min-width:0}
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
      yearFilter: false,
      charts: [],
      body: html`<style>${raw(STYLE)}${raw(DICTIONARY_STYLE)}</style>
<section id="sql-console" class="sql-console" data-sql-console>
  <p id="console-intro" class="hint"></p>
  <noscript><p class="console-status error">${t.noscript}</p></noscript>
  <div class="console-grid">
    <div class="console-main">
      <label for="sql-editor"><strong>${t.editorLabel}</strong></label>
      <div class="editor-wrap">
        <textarea id="sql-editor" name="sql" spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="console-shortcuts console-completion-hint">${t.example}</textarea>
        <ul id="console-completion" class="completion" hidden></ul>
      </div>
      <p id="console-shortcuts" class="hint">${t.shortcuts}</p>
      <p id="console-completion-hint" class="hint">${c.completion.hint}</p>
      <div class="console-actions">
        <button id="console-run" type="button">${t.run}</button>
        <button id="console-cancel" type="button" disabled>${t.cancel}</button>
        <button id="console-share" type="button">${c.saved.share}</button>
      </div>
      <div class="export-group" role="group" aria-labelledby="console-export-label">
        <span id="console-export-label">${t.export}</span>
        <button type="button" data-export="csv" disabled>${t.exportCsv}</button>
        <button type="button" data-export="xlsx" disabled>${c.exports.xlsx}</button>
        <button type="button" data-export="parquet" disabled>${t.exportParquet}</button>
        <button type="button" data-export="arrow" disabled>${t.exportArrow}</button>
      </div>
      <p id="console-status" class="console-status" role="status" aria-live="polite"></p>
      <details class="saved-queries" id="console-saved">
        <summary>${c.saved.heading}</summary>
        <div class="saved-form">
          <label for="console-saved-name">${c.saved.name}</label>
          <input id="console-saved-name" type="text" maxlength="60" placeholder="${c.saved.namePlaceholder}" autocomplete="off">
          <button id="console-save" type="button">${c.saved.save}</button>
        </div>
        <ul id="console-saved-list" class="saved-list"></ul>
      </details>
      <h2 id="console-chart-heading">${t.chart}</h2>
      <div class="chart-controls" id="console-chart-controls" hidden>
        <label>${c.chart.x} <select id="console-chart-x"></select></label>
        <label>${c.chart.y} <select id="console-chart-y"></select></label>
      </div>
      <div id="console-chart" aria-labelledby="console-chart-heading"></div>
      <h2 id="console-results-heading">${t.results}</h2>
      <p class="hint">${c.results.rounded}</p>
      <div id="console-results" class="results-wrap" tabindex="0" aria-labelledby="console-results-heading"></div>
    </div>
    <aside class="console-schema" aria-labelledby="console-schema-heading">
      <h2 id="console-schema-heading">${c.dictionary.title}</h2>
      <p class="hint">${t.schemaIntro} <a href="/dictionary" target="_blank" rel="noopener">${c.dictionary.openPage}</a></p>
      <div id="console-schema-list">${t.schemaLoading}</div>
    </aside>
  </div>
</section>`,
    };
  },
};
