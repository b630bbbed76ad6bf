// 数据字典 (/dictionary, analysts and admins, city-wide only — server/auth/access-rules.ts): every
// table and view of the analyst database with each column's type, Chinese description and
// example values. The page holds no data: dashboards/client/dictionary.ts fills it from
// GET /api/dictionary, the same answer the console's side panel uses.
import { html, raw } from '../html.ts';
import { zhConsole } from '../i18n/zh-console.ts';
import type { Page } from '../page.ts';

const t = zhConsole.dictionary;

/** Styles of the dictionary, here and beside the console's editor (CSP allows inline styles). */
export const DICTIONARY_STYLE = `
.dictionary-links{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.dictionary-search{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0 .8rem}
.dictionary-search input{flex:1 1 12rem;min-width:0;font:inherit;padding:.35rem .5rem;border:1px solid #8a939c;border-radius:4px}
.dictionary-relation{border-bottom:1px solid #e3e6e9;padding:.35rem 0}
.dictionary-relation summary{cursor:pointer;display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline}
.dictionary-kind{color:#4a535c;font-size:.85em}
.dictionary-name{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;font-weight:600;overflow-wrap:anywhere}
.dictionary-scroll:focus{outline:3px solid #0b63c5;outline-offset:1px}
.dictionary-description{margin:.3rem 0;color:#1f2933}
.dictionary-scroll{overflow-x:auto;max-width:100%}
.dictionary-columns{border-collapse:collapse;font-size:.85rem;width:100%}
.dictionary-columns th,.dictionary-columns td{border-bottom:1px solid #e3e6e9;padding:.25rem .4rem;text-align:left;vertical-align:top;word-break:normal;overflow-wrap:anywhere}
.dictionary-columns th{background:#f4f6f8;white-space:nowrap}
.dictionary-columns td:first-child,.dictionary-columns td:nth-child(2){white-space:nowrap;font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace}
.dictionary-examples{color:#4a535c}
/* Narrow boxes (a phone, the console's side panel): each column becomes a small card, so no
   header or description is squeezed to one character per line. A container query, because the
   side panel is narrow on a wide screen too. */
.dictionary-relation{container-type:inline-size}
@container (max-width: 560px){
  .dictionary-columns thead{display:none}
  .dictionary-columns,.dictionary-columns tbody,.dictionary-columns tr,.dictionary-columns td{display:block;width:auto}
  .dictionary-columns tr{border-bottom:1px solid #e3e6e9;padding:.35rem 0}
  .dictionary-columns td{border:0;padding:.05rem 0;white-space:normal}
  .dictionary-columns td:first-child{display:inline;font-weight:600;white-space:normal}
  .dictionary-columns td:nth-child(2){display:inline;margin-left:.5rem;color:#4a535c;font-size:.8em}
  .dictionary-columns td[data-label]::before{content:attr(data-label) "：";color:#4a535c}
}
button.insert{background:none;border:0;color:#0b63c5;text-decoration:underline;cursor:pointer;font:inherit;font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;padding:0;text-align:left}
button.insert:focus{outline:3px solid #0b63c5;outline-offset:1px}
`;

export const dictionaryPage: Page = {
  id: 'dictionary',
  path: '/dictionary',
  async render() {
    return {
      title: t.title,
      breadcrumbs: [],
      nav: null,
      countyFilter: false,
      yearFilter: false,
      charts: [],
      body: html`<style>${raw(DICTIONARY_STYLE)}</style>
<p class="hint">${t.intro}</p>
<p class="dictionary-links"><a href="/console">${t.openConsole}</a>
  <a class="button-link" href="/api/dictionary?format=xlsx" download="data_dictionary.xlsx">${t.downloadXlsx}</a>
  <a class="button-link" href="/api/dictionary?format=csv" download="data_dictionary.csv">${t.downloadCsv}</a></p>
<noscript><p>${t.noscript}</p></noscript>
<section id="data-dictionary" class="data-dictionary" data-dictionary aria-live="polite">${t.loading}</section>`,
    };
  },
};
