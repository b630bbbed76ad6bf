// The page shell: header with the main navigation, breadcrumbs, the year / county filter (a
// plain GET form, so filters live in the URL and work without script), the as-of date, footer.
import { formatDate } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { zhAudit } from './i18n/zh-audit.ts';
import { zh } from './i18n/zh.ts';
import { editionYearMonth, zhEditions } from './i18n/zh-editions.ts';
import { zhClerk } from './i18n/zh-clerk.ts';
import { pageHref, type NavKey, type PageContext, type PageOutput } from './page.ts';

/** The tab icon, inline (a red seal with 法), so no request can fail for it. */
export const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#c8102e" stroke="#f4c95d" stroke-width="2"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif">法</text></svg>')}`;

export interface Assets {
  /** URLs of the stylesheet and the client script (with a version for caching). */
  styles: string;
  script: string;
}

const NAV: { key: Exclude<NavKey, null>; path: string; label: string; countyAware: boolean }[] = [
  { key: 'overview', path: '/', label: zh.nav.overview, countyAware: false },
  { key: 'training', path: '/training', label: zh.nav.training, countyAware: true },
  { key: 'cases', path: '/cases', label: zh.nav.cases, countyAware: true },
  { key: 'quality', path: '/quality', label: zh.nav.quality, countyAware: true },
  { key: 'validate', path: '/validate', label: zhClerk.validate.title, countyAware: false },
  { key: 'indicators', path: '/indicators', label: zh.nav.indicators, countyAware: false },
  { key: 'report', path: '/report', label: zh.nav.report, countyAware: true },
];

function navigation(ctx: PageContext, current: NavKey): SafeHtml {
  return html`<nav class="main-nav" aria-label="${zh.app.mainNav}"><ul>${NAV.map((item) => {
    const query = item.key === 'report' ? { period: ctx.filters.year, county: ctx.filters.county } : { year: ctx.filters.year, county: item.countyAware ? ctx.filters.county : null };
    return html`<li><a href="${pageHref(item.path, query)}"${item.key === current ? html` aria-current="page"` : ''}>${item.label}</a></li>`;
  })}${accessItems(ctx)}</ul></nav>`;
}

/** Access area: the SQL console for city-wide analysts and admins, and signing out (a POST). */
function accessItems(ctx: PageContext): SafeHtml {
  const console = ctx.scope.role !== 'viewer' && ctx.scope.countyCode === null ? html`<li><a href="/console">${zh.console.title}</a></li>` : html``;
  const audit = ctx.scope.role === 'admin' && ctx.scope.countyCode === null ? html`<li><a href="/audit">${zhAudit.audit.title}</a></li>` : html``;
  return html`${console}${audit}<li><a href="/password">${zhAudit.password.navLink}</a></li><li><form class="logout-form" method="post" action="/logout"><button type="submit" class="logout-button">${zh.login.logout}</button></form></li>`;
}

function filterForm(ctx: PageContext, output: PageOutput): SafeHtml {
  if (output.yearFilter === false && !output.countyFilter) return html``;
  const scoped = ctx.scope.countyCode !== null;
  const countySelect = output.countyFilter
    ? html`<label class="filter"><span>${zh.filters.county}</span><select name="county" data-autosubmit${scoped ? html` disabled` : ''}>
        ${scoped ? '' : html`<option value="">${zh.filters.allCounties}</option>`}
        ${ctx.counties.map((c) => html`<option value="${c.code}"${c.code === ctx.filters.county ? html` selected` : ''}>${c.name}</option>`)}
      </select></label>`
    : html``;
  return html`<form class="filters" method="get" action="${ctx.path}" aria-label="${zh.filters.legend}">
    <label class="filter"><span>${zh.filters.year}</span><select name="year" data-autosubmit>
      ${[...ctx.years].reverse().map((y) => html`<option value="${y}"${y === ctx.filters.year ? html` selected` : ''}>${zh.filters.yearOption(y)}</option>`)}
    </select></label>
    ${countySelect}
    ${ctx.edition ? html`<input type="hidden" name="edition" value="${ctx.edition.manifest.edition}">` : ''}
    <button type="submit" class="apply-button">${zh.filters.apply}</button>
  </form>`;
}

/** Which figures the page shows (an edition or live data), and the edition picker where it can switch. */
function editionBar(ctx: PageContext, output: PageOutput): SafeHtml {
  const shown = ctx.edition?.manifest.edition ?? null;
  const label = shown ? `${zhEditions.editionLabel(shown)}，${zhEditions.issueShort(Number(shown.slice(5, 7)))}` : `${zhEditions.live}（${zhEditions.informal}）`;
  const picker =
    output.editionPicker && (ctx.editions?.length ?? 0) > 0
      ? html`<form class="edition-picker" method="get" action="${ctx.path}">
      <input type="hidden" name="year" value="${ctx.filters.year}">
      <label class="filter"><span>${zhEditions.pickerLabel}</span><select name="edition" data-autosubmit>
        <option value="">${zhEditions.live}</option>
        ${[...(ctx.editions ?? [])].reverse().map((e) => html`<option value="${e}"${e === shown ? html` selected` : ''}>${editionYearMonth(e)}（${zhEditions.issueShort(Number(e.slice(5, 7)))}）</option>`)}
      </select></label>
      <button type="submit" class="apply-button">${zh.filters.apply}</button>
    </form>`
      : '';
  const latest = ctx.editions?.at(-1);
  const reportOf = shown ?? latest;
  const reportLink = reportOf ? html` <a href="${pageHref('/report', { edition: reportOf })}">${shown ? zhEditions.thisReport : zhEditions.latestReport(Number(reportOf.slice(5, 7)))}</a>` : '';
  return html`${picker}<p class="edition-shown" data-shown="${shown ?? 'live'}">${zhEditions.showing(label)}${reportLink}</p>`;
}

function breadcrumbs(output: PageOutput): SafeHtml {
  if (output.breadcrumbs.length === 0) return html``;
  return html`<nav class="breadcrumbs" aria-label="${zh.app.breadcrumb}"><ol>${output.breadcrumbs.map((b, i) =>
    b.href && i < output.breadcrumbs.length - 1 ? html`<li><a href="${b.href}">${b.label}</a></li>` : html`<li><span aria-current="page">${b.label}</span></li>`,
  )}</ol></nav>`;
}

export function layout(ctx: PageContext, output: PageOutput, assets: Assets, asOf: string | null): string {
  const scopeNote = ctx.scope.countyCode ? html`<p class="scope-note">${zh.filters.scopeNote(ctx.counties[0]?.name ?? ctx.scope.countyCode)}</p>` : '';
  return `<!DOCTYPE html>\n${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${output.title} · ${zh.app.title}</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${assets.styles}">
<script type="module" src="${assets.script}"></script>
</head>
<body>
<a class="skip-link" href="#main">${zh.app.skipToContent}</a>
<header class="site-header">
  <div class="site-header-inner">
    <a class="brand" href="${pageHref('/', { year: ctx.filters.year })}">
      <span class="brand-mark" aria-hidden="true">法</span>
      <span class="brand-text"><span class="brand-title">${zh.app.title}</span><span class="brand-subtitle">${zh.app.subtitle}</span></span>
    </a>
    ${navigation(ctx, output.nav)}
  </div>
</header>
<div class="toolbar">
  <div class="toolbar-inner">
    ${breadcrumbs(output)}
    ${filterForm(ctx, output)}
    ${editionBar(ctx, output)}
    <p class="as-of">${asOf ? zh.app.asOf(formatDate(asOf)) : zh.app.noData}</p>
  </div>
</div>
<main id="main" tabindex="-1">
  <h1>${output.title}</h1>
  ${scopeNote}
  ${output.body}
</main>
<footer class="site-footer"><p>${zh.app.footer}</p></footer>
</body>
</html>`.value}`;
}

/** A plain error page in the same shell, without filters (no warehouse may be open). */
export function errorPage(message: string, assets: Assets): string {
  return `<!DOCTYPE html>\n${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${zh.errors.errorTitle} · ${zh.app.title}</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${assets.styles}">
</head>
<body>
<header class="site-header"><div class="site-header-inner"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true">法</span><span class="brand-text"><span class="brand-title">${zh.app.title}</span></span></a></div></header>
<main id="main" class="error-main">
  <h1>${zh.errors.errorTitle}</h1>
  <p class="error-message">${message}</p>
  <p><a href="/">${zh.errors.backHome}</a></p>
</main>
</body>
</html>`.value}`;
}
