// 预检 /validate (viewer and up): a clerk drops an export file and sees, before the nightly run,
// which rows it would reject and why — dashboards/client/validate.ts posts it to
// POST /api/validate (the refresh's own checks on a throwaway database; nothing is kept) and
// draws the answer. The page itself holds no data.
import { html, raw } from '../html.ts';
import { zhClerk } from '../i18n/zh-clerk.ts';
import { zh } from '../i18n/zh.ts';
import { pageHref, type Page } from '../page.ts';

const t = zhClerk.validate;

// Page-local styles, scoped to the page's classes (CSP allows inline styles, never inline script).
const STYLE = `
.validate-page .validate-drop{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:.6rem;min-height:9rem;border:2px dashed #8a939c;border-radius:6px;padding:1rem;text-align:center;background:#f9fafb}
.validate-page .validate-drop.dragging{border-color:#0b63c5;background:#eef5fd}
.validate-page .validate-drop input[type=file]{max-width:100%}
.validate-page .validate-accepted{font-size:.85rem;color:#4a535c;overflow-wrap:anywhere}
.validate-page .validate-status{min-height:1.5em;margin:.75rem 0}
.validate-page .validate-status.error{color:#8c1d18;background:#fdecea;border-left:4px solid #b3261e;padding:.4rem .6rem;overflow-wrap:anywhere}
.validate-page .validate-reasons{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
.validate-page .validate-reasons li{border:1px solid #d0d5da;border-radius:4px;padding:.2rem .5rem}
.validate-page .validate-rows{list-style:none;padding:0;display:grid;gap:.5rem}
.validate-page .validate-row{border:1px solid #d0d5da;border-radius:4px;padding:.5rem .75rem;min-width:0}
.validate-page .validate-row p{margin:.2rem 0;overflow-wrap:anywhere}
.validate-page .validate-where{display:flex;flex-wrap:wrap;gap:.2rem .75rem;font-size:.9rem}
.validate-page .validate-where strong{white-space:nowrap}
.validate-page .validate-raw{display:flex;flex-wrap:wrap;gap:.25rem .5rem;margin:.3rem 0 0;font-size:.85rem}
.validate-page .validate-raw div{display:flex;gap:.25rem;background:#f4f6f8;border-radius:3px;padding:.1rem .35rem;max-width:100%;min-width:0}
.validate-page .validate-raw dt{color:#4a535c}
.validate-page .validate-raw dd{margin:0;overflow-wrap:anywhere;min-width:0}
.validate-page .validate-raw .validate-bad{background:#fdecea;outline:1px solid #b3261e}
`;

export const validatePage: Page = {
  id: 'validate',
  path: '/validate',
  async render(ctx) {
    return {
      title: t.title,
      breadcrumbs: [{ label: zh.nav.quality, href: pageHref('/quality', { year: ctx.filters.year }) }, { label: t.title }],
      nav: 'validate',
      countyFilter: false,
      charts: [],
      body: html`<style>${raw(STYLE)}</style>
<section class="panel validate-page" data-validate aria-labelledby="validate-heading">
  <h2 id="validate-heading">${t.heading}</h2>
  <p class="panel-intro">${t.intro}</p>
  <form class="validate-form" method="post" action="/api/validate" enctype="multipart/form-data">
    <label class="validate-drop" data-validate-drop>
      <span>${t.drop}</span>
      <input type="file" name="file" accept=".csv,.xlsx" data-validate-input>
    </label>
    <p class="validate-accepted">${t.accepted(t.acceptedNames.join('、'))}</p>
    <noscript><button type="submit">${t.choose}</button></noscript>
  </form>
  <p class="validate-status" role="status" aria-live="polite" data-validate-status></p>
  <div data-validate-result></div>
</section>`,
    };
  },
};
