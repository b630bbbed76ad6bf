// The clerk's part of 数据质量 (issue 14): her open rejected rows first, grouped by what to fix
// (reason and column, in Chinese), each with its file, its row as Excel shows it, the masked raw
// values and the Chinese message; filters by file, reason, status and month; pages of
// PAGE_SIZE rows with the total (nothing cut silently); the download for Excel. Admins get the
// same for every county (and the rows of no county) with counts of open rows per county and
// reason. Reads audit.rejects through dashboards/queries/rejects.ts.
import { dataTable } from '../components.ts';
import { formatNumber } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { zhClerk } from '../i18n/zh-clerk.ts';
import { zh } from '../i18n/zh.ts';
import { pageHref, type PageContext } from '../page.ts';
import { columnHeader, listRejects, rejectCounts, unattributedCounts, visibleRaw, type RejectCount, type RejectFilters, type RejectRow } from '../queries/rejects.ts';

export const PAGE_SIZE = 50;
const t = zhClerk.quality;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const REASON = /^[a-z_]{1,40}$/;
const FILE = /^[^/\\\u0000-\u001f]{1,255}$/u;

interface PageFilters {
  file: string | null;
  reason: string | null;
  status: 'open' | 'corrected' | 'all';
  month: string | null;
  unattributed: boolean;
  page: number;
}

/** The section's own filters from the URL; a value of the wrong form counts as not given. */
function pageFilters(ctx: PageContext): PageFilters {
  const q = ctx.query ?? {};
  const ok = (value: string | undefined, pattern: RegExp) => (value !== undefined && pattern.test(value) ? value : null);
  const status = q.status === 'corrected' || q.status === 'all' ? q.status : 'open';
  const page = Number(ok(q.page, /^\d{1,6}$/) ?? 1);
  return {
    file: ok(q.file, FILE),
    reason: ok(q.reason, REASON),
    status,
    month: ok(q.month, MONTH),
    unattributed: ctx.scope.countyCode === null && ctx.filters.county === null && q.unattributed === '1',
    page: page >= 1 ? page : 1,
  };
}

/** The query of a link that keeps the section's filters (and the page's year and county). */
function linkQuery(ctx: PageContext, f: PageFilters, change: Partial<PageFilters> = {}): Record<string, string | null> {
  const g = { ...f, ...change };
  return {
    year: ctx.filters.year,
    county: ctx.scope.countyCode === null ? ctx.filters.county : null,
    file: g.file,
    reason: g.reason,
    status: g.status === 'open' ? null : g.status,
    month: g.month,
    unattributed: g.unattributed ? '1' : null,
    page: g.page > 1 ? String(g.page) : null,
  };
}

function matches(c: RejectCount, f: PageFilters, except: keyof PageFilters | null = null): boolean {
  return (
    (except === 'file' || f.file === null || c.file_name === f.file) &&
    (except === 'reason' || f.reason === null || c.reason_code === f.reason) &&
    (except === 'status' || f.status === 'all' || c.status === f.status) &&
    (except === 'month' || f.month === null || c.month === f.month) &&
    (!f.unattributed || c.county_code === null)
  );
}

export async function clerkSection(ctx: PageContext): Promise<SafeHtml> {
  const f = pageFilters(ctx);
  const county = ctx.filters.county;
  const filters: RejectFilters = {
    county,
    unattributed: f.unattributed,
    file: f.file,
    reason: f.reason,
    status: f.status === 'all' ? null : f.status,
    run: null,
    month: f.month,
  };
  const [counts, listed, none] = await Promise.all([
    rejectCounts(ctx.connection, county),
    listRejects(ctx.connection, filters, { limit: PAGE_SIZE, offset: (f.page - 1) * PAGE_SIZE }),
    unattributedCounts(ctx.connection),
  ]);
  const reader = { role: ctx.scope.role, countyCode: ctx.scope.countyCode };
  const isCountyView = county !== null;
  const countyLabel = isCountyView ? (ctx.counties.find((c) => c.code === county)?.name ?? county) : zh.app.city;

  const intro = isCountyView ? t.clerkIntro(countyLabel) : t.adminIntro;
  const pages = Math.max(1, Math.ceil(listed.total / PAGE_SIZE));
  const from = listed.total === 0 ? 0 : (f.page - 1) * PAGE_SIZE + 1;
  const to = Math.min(listed.total, f.page * PAGE_SIZE);
  const csvHref = pageHref('/api/rejects', {
    format: 'csv',
    county: f.unattributed ? 'unattributed' : county,
    file: f.file,
    reason: f.reason,
    status: f.status,
    month: f.month,
  });
  const xlsxHref = csvHref.replace('format=csv', 'format=xlsx');

  return html`<section class="panel clerk-rejects" id="clerk" aria-labelledby="clerk-heading">
    <h2 id="clerk-heading">${t.clerkHeading}</h2>
    <p class="panel-intro">${intro}</p>
    ${ctx.scope.countyCode !== null && none.open > 0 ? html`<p class="clerk-note" data-unattributed="${String(none.open)}">${t.unattributedNote(none.open)}</p>` : ''}
    ${filterForm(ctx, f, counts)}
    ${groupSummary(ctx, f, counts)}
    <p class="clerk-shown" data-total="${String(listed.total)}">${listed.total === 0 ? (f.status === 'open' ? t.noOpenRows : t.noRows) : t.shown(from, to, listed.total)}</p>
    ${groupedRows(listed.rows, reader, !isCountyView)}
    ${pages > 1 ? pager(ctx, f, pages) : ''}
    <p class="clerk-downloads"><a class="button-link" href="${csvHref}" download>${t.downloadCsv}</a> <a class="button-link" href="${xlsxHref}" download>${t.downloadXlsx}</a></p>
  </section>
  ${ctx.scope.countyCode === null && !isCountyView ? countyCounts(ctx, counts) : ''}`;
}

function filterForm(ctx: PageContext, f: PageFilters, counts: RejectCount[]): SafeHtml {
  const options = <K extends 'file_name' | 'reason_code' | 'month'>(key: K, except: keyof PageFilters) =>
    [...new Set(counts.filter((c) => matches(c, f, except)).map((c) => c[key]))].sort((a, b) => (key === 'reason_code' ? a.localeCompare(b) : b.localeCompare(a)));
  const select = (name: string, label: string, all: string, values: { value: string; label: string }[], current: string | null) =>
    html`<label class="clerk-filter"><span>${label}</span><select name="${name}">
      <option value="">${all}</option>
      ${values.map((v) => html`<option value="${v.value}"${v.value === current ? html` selected` : ''}>${v.label}</option>`)}
    </select></label>`;
  const admin = ctx.scope.countyCode === null && ctx.filters.county === null;
  return html`<form class="clerk-filters" method="get" action="/quality#clerk" aria-label="${t.filters}">
    <input type="hidden" name="year" value="${ctx.filters.year}">
    ${ctx.scope.countyCode === null && ctx.filters.county ? html`<input type="hidden" name="county" value="${ctx.filters.county}">` : ''}
    ${select('file', t.file, t.allFiles, options('file_name', 'file').map((v) => ({ value: v, label: v })), f.file)}
    ${select('reason', t.reason, t.allReasons, options('reason_code', 'reason').map((v) => ({ value: v, label: zh.reasons[v] ?? v })), f.reason)}
    <label class="clerk-filter"><span>${t.status}</span><select name="status">
      ${(['open', 'corrected', 'all'] as const).map((s) => html`<option value="${s}"${s === f.status ? html` selected` : ''}>${s === 'open' ? t.statusOpen : s === 'corrected' ? t.statusCorrected : t.statusAll}</option>`)}
    </select></label>
    ${select('month', t.month, t.allMonths, options('month', 'month').map((v) => ({ value: v, label: v })), f.month)}
    ${admin ? html`<label class="clerk-filter clerk-check"><input type="checkbox" name="unattributed" value="1"${f.unattributed ? html` checked` : ''}><span>${zhClerk.unattributed}</span></label>` : ''}
    <button type="submit">${t.apply}</button>
  </form>`;
}

/** What to fix: reason × column with how many rows, each a link that filters by the reason. */
function groupSummary(ctx: PageContext, f: PageFilters, counts: RejectCount[]): SafeHtml {
  const groups = new Map<string, { reason: string; column: string; kind: string; rows: number }>();
  for (const c of counts.filter((x) => matches(x, f))) {
    const key = `${c.reason_code}|${c.kind}|${c.column_name}`;
    const g = groups.get(key) ?? { reason: c.reason_code, column: c.column_name, kind: c.kind, rows: 0 };
    g.rows += c.rows;
    groups.set(key, g);
  }
  if (groups.size === 0) return html``;
  const sorted = [...groups.values()].sort((a, b) => b.rows - a.rows);
  return html`<ul class="clerk-groups">${sorted.map(
    (g) => html`<li><a href="${pageHref('/quality', linkQuery(ctx, f, { reason: g.reason, page: 1 }))}#clerk">${t.groupTitle(zh.reasons[g.reason] ?? g.reason, `${zhClerk.kind[g.kind] ?? g.kind}“${columnHeader(g.kind as RejectRow['kind'], g.column)}”`)}</a>
      <span class="clerk-count">${t.groupCount(g.rows)}</span></li>`,
  )}</ul>`;
}

/** The page's rows grouped by reason and column, in the order they first appear. */
function groupedRows(rows: RejectRow[], reader: { role: string; countyCode: string | null }, showCounty: boolean): SafeHtml {
  const groups = new Map<string, RejectRow[]>();
  for (const r of rows) {
    const key = `${r.reason_code}|${r.kind}|${r.column_name}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return html`${[...groups.values()].map((group) => {
    const first = group[0]!;
    const title = t.groupTitle(zh.reasons[first.reason_code] ?? first.reason_code, `${zhClerk.kind[first.kind] ?? first.kind}“${columnHeader(first.kind, first.column_name)}”`);
    return html`<section class="clerk-group" data-reason="${first.reason_code}">
      <h3>${title}<span class="clerk-count">${t.groupCount(group.length)}</span></h3>
      <ul class="reject-list">${group.map((r) => rejectCard(r, reader, showCounty))}</ul>
    </section>`;
  })}`;
}

function rejectCard(r: RejectRow, reader: { role: string; countyCode: string | null }, showCounty: boolean): SafeHtml {
  const raw = visibleRaw(r, reader);
  const cells = Object.entries(raw).filter(([, v]) => v !== null && v !== '');
  return html`<li class="reject-card" data-file="${r.file_name}" data-row="${String(r.row_number)}" data-status="${r.status}">
    <p class="reject-where"><span class="reject-file">${r.file_name}</span>
      <span class="reject-row">${t.excelRow(r.row_number, r.sheet)}</span>
      ${showCounty ? html`<span class="reject-county">${r.county_name ?? zhClerk.unattributed}</span>` : ''}
      <span class="reject-status reject-status-${r.status}">${zhClerk.status[r.status] ?? r.status}</span></p>
    <p class="reject-message">${r.message}</p>
    ${r.corrected_by ? html`<p class="reject-fixed">${t.correctedBy(r.corrected_by)}</p>` : ''}
    <dl class="reject-raw">${cells.map(
      ([alias, v]) => html`<div${alias === r.column_name ? html` class="reject-bad"` : ''}><dt>${columnHeader(r.kind, alias)}</dt><dd>${v}</dd></div>`,
    )}</dl>
  </li>`;
}

function pager(ctx: PageContext, f: PageFilters, pages: number): SafeHtml {
  const link = (page: number, label: string, rel: string) =>
    html`<a class="button-link" rel="${rel}" href="${pageHref('/quality', linkQuery(ctx, f, { page }))}#clerk">${label}</a>`;
  return html`<nav class="clerk-pager" aria-label="${t.page(f.page, pages)}">
    ${f.page > 1 ? link(f.page - 1, t.previous, 'prev') : ''}
    <span>${t.page(Math.min(f.page, pages), pages)}</span>
    ${f.page < pages ? link(f.page + 1, t.next, 'next') : ''}
  </nav>`;
}

/** Admins: open rows per county (and of no county) and reason. */
function countyCounts(ctx: PageContext, counts: RejectCount[]): SafeHtml {
  const open = counts.filter((c) => c.status === 'open');
  const reasons = [...new Set(open.map((c) => c.reason_code))].sort();
  const units: { code: string | null; name: string }[] = [...ctx.counties.map((c) => ({ code: c.code as string | null, name: c.name })), { code: null, name: zhClerk.unattributed }];
  const sum = (code: string | null | undefined, reason: string | null) =>
    open.filter((c) => (code === undefined || c.county_code === code) && (reason === null || c.reason_code === reason)).reduce((n, c) => n + c.rows, 0);
  const table = dataTable({
    id: 'open-by-county',
    caption: t.countsCaption,
    empty: t.noOpenRows,
    columns: [{ label: t.county, sortable: true }, ...reasons.map((r) => ({ label: zh.reasons[r] ?? r, numeric: true, sortable: true })), { label: t.total, numeric: true, sortable: true }],
    rows: open.length === 0 ? [] : [
      ...units.map((u) => ({
        cells: [
          u.code ? html`<a href="${pageHref('/quality', { year: ctx.filters.year, county: u.code })}#clerk">${u.name}</a>` : html`<a href="${pageHref('/quality', { year: ctx.filters.year, unattributed: '1' })}#clerk">${u.name}</a>`,
          ...reasons.map((r) => ({ content: formatNumber(sum(u.code, r)), sort: sum(u.code, r) })),
          { content: formatNumber(sum(u.code, null)), sort: sum(u.code, null) },
        ],
      })),
      { className: 'total-row', cells: [t.total, ...reasons.map((r) => formatNumber(sum(undefined, r))), formatNumber(sum(undefined, null))] },
    ],
  });
  return html`<section class="panel" aria-labelledby="open-by-county-heading"><h2 id="open-by-county-heading">${t.countsHeading}</h2>${table}</section>`;
}

/** Page-local styles of the section (scoped to its classes; CSP allows inline styles). */
export const CLERK_STYLE = `
.clerk-rejects .clerk-filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.75rem 0}
.clerk-rejects .clerk-filter{display:flex;flex-direction:column;gap:.2rem;min-width:0;max-width:100%}
.clerk-rejects .clerk-filter select{max-width:100%;min-width:8rem}
.clerk-rejects .clerk-check{flex-direction:row;align-items:center;gap:.3rem}
.clerk-rejects .clerk-note{background:#fff8e1;border-left:4px solid #b26a00;padding:.4rem .6rem}
.clerk-rejects .clerk-groups{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.4rem}
.clerk-rejects .clerk-groups li{border:1px solid #d0d5da;border-radius:4px;padding:.25rem .5rem;max-width:100%;overflow-wrap:anywhere}
.clerk-rejects .clerk-count{margin-left:.4rem;color:#4a535c;font-size:.85rem;font-weight:normal}
.clerk-rejects .clerk-group h3{font-size:1rem;margin:1rem 0 .4rem;overflow-wrap:anywhere}
.clerk-rejects .reject-list{list-style:none;padding:0;margin:0;display:grid;gap:.5rem}
.clerk-rejects .reject-card{border:1px solid #d0d5da;border-radius:4px;padding:.5rem .75rem;min-width:0}
.clerk-rejects .reject-where{display:flex;flex-wrap:wrap;gap:.2rem .75rem;margin:0 0 .3rem;font-size:.9rem}
.clerk-rejects .reject-file{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
.clerk-rejects .reject-row{font-weight:bold}
.clerk-rejects .reject-status-open{color:#8c1d18}
.clerk-rejects .reject-status-corrected{color:#1e6b34}
.clerk-rejects .reject-message{margin:.2rem 0;overflow-wrap:anywhere}
.clerk-rejects .reject-fixed{margin:.2rem 0;color:#1e6b34}
.clerk-rejects .reject-raw{display:flex;flex-wrap:wrap;gap:.25rem .5rem;margin:.3rem 0 0;font-size:.85rem}
.clerk-rejects .reject-raw div{display:flex;gap:.25rem;background:#f4f6f8;border-radius:3px;padding:.1rem .35rem;max-width:100%;min-width:0}
.clerk-rejects .reject-raw dt{color:#4a535c}
.clerk-rejects .reject-raw dd{margin:0;overflow-wrap:anywhere;min-width:0}
.clerk-rejects .reject-raw .reject-bad{background:#fdecea;outline:1px solid #b3261e}
.clerk-rejects .clerk-pager{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap;margin:.75rem 0}
.clerk-rejects .clerk-downloads{display:flex;flex-wrap:wrap;gap:.5rem}
`;
