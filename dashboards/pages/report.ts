// The monthly report (月度报告): four A4 pages for the city, or for one county with ?county=.
//   1 cover and overall state: the targeted indicators with their status, the reform index
//   2 the counties ranked with their status table (a county report: its offices' table)
//   3 every indicator with numerator / denominator against the city
//   4 cases per month and training compliance
// A self-contained document (its CSS inline, charts as inline SVG, page numbers from CSS @page
// margin boxes), so the PDF printer needs nothing from the network.
import { legendItems, type ChartPayload } from '../charts/kinds.ts';
import { legendHtml, renderChartSvg } from '../charts/render.ts';
import { dataTable } from '../components.ts';
import { formatDate, formatNumber, formatScore } from '../format.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { zhEditions } from '../i18n/zh-editions.ts';
import { markPartialMonth } from '../charts/partial.ts';
import { indicatorTable, indicatorTile, statusCell } from '../indicator-views.ts';
import { FAVICON } from '../layout.ts';
import { countyName, pageHref, type PageContext } from '../page.ts';
import { casesMonthly, indicatorValues, planCategories, trainingPeople, units } from '../queries/marts.ts';
import { statusLegend, statusOf, type Status } from '../status.ts';

/** The report's pages: the PDF has exactly this many when each fits its sheet. */
export const REPORT_PAGES = 4;

export interface ReportOptions {
  asOf: string | null;
  /** For the PDF printer: no toolbar, no script. */
  forPdf: boolean;
  /** report.css, inlined. */
  reportCss: string;
  scriptUrl: string;
  /** Today in Lishui ('YYYY-MM-DD', the app's clock): the month not over is drawn as partial. */
  today?: string | null;
}

const CHART_WIDTH = 680;

function chart(payload: ChartPayload, today?: string | null): SafeHtml {
  if (today) payload = markPartialMonth({ id: 'report', payload, table: { columns: [], rows: [] } }, today).payload;
  return html`<figure class="report-chart"><figcaption>${payload.title}</figcaption>${legendHtml(legendItems(payload))}${raw(renderChartSvg(payload))}</figure>`;
}

function pageCss(title: string): string {
  // page numbers and the running title, in the margins of every printed page
  const quote = (text: string) => `"${text.replace(/["\\]/g, '')}"`;
  return `@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @top-left { content: ${quote(title)}; font-size: 8pt; color: #52606d; }
  @bottom-center { content: ${quote('第 ')} counter(page) ${quote(' 页 / 共 ')} counter(pages) ${quote(' 页')}; font-size: 9pt; color: #52606d; } }`;
}

/** Today's date in Beijing time, 'YYYY-MM-DD' (the report's users are in Lishui). */
function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export async function renderReport(ctx: PageContext, options: ReportOptions): Promise<string> {
  const year = ctx.filters.year;
  const county = ctx.filters.county;
  const unitName = county ? countyName(ctx, county) : zh.app.city;
  const title = county ? zh.report.countyTitle(unitName) : zh.report.title;
  const targeted = ctx.catalog.filter((c) => c.is_targeted);
  const filter = { county: ctx.scope.countyCode };

  const [cityRows, countyRows, officeRows, officeUnits, monthly, lines, people] = await Promise.all([
    indicatorValues(ctx.db, { ...filter, grain: 'city' }),
    indicatorValues(ctx.db, { ...filter, grain: 'county' }),
    county ? indicatorValues(ctx.db, { period: year, grain: 'office', county }) : Promise.resolve([]),
    county ? units(ctx.db, { period: year, grain: 'office', county }) : Promise.resolve([]),
    casesMonthly(ctx.db, { period: year, county }),
    planCategories(ctx.db, 'business_line'),
    trainingPeople(ctx.db, { period: year, county }),
  ]);
  const unitRows = (county ? countyRows.filter((r) => r.unit_code === county) : cityRows).filter((r) => r.period === year);
  const previousYear = ctx.years[ctx.years.indexOf(year) - 1];
  const previousRows = (county ? countyRows.filter((r) => r.unit_code === county) : cityRows).filter((r) => r.period === previousYear);
  const cityOfYear = cityRows.filter((r) => r.period === year);
  const countyOfYear = countyRows.filter((r) => r.period === year);

  // 1 overall state
  const statuses: Status[] = targeted.map((t) => {
    const row = unitRows.find((r) => r.indicator_id === t.indicator_id);
    return row ? statusOf(row.value, row.target) : 'none';
  });
  const count = (s: Status) => statuses.filter((x) => x === s).length;
  const index = unitRows.find((r) => r.indicator_id === 'reform_index');
  const page1 = html`<section class="sheet">
    <header class="report-cover">
      <p class="report-kicker">${zh.app.title}</p>
      <h1>${title}</h1>
      <p class="report-period">${zh.report.period(year)}</p>
      <p class="report-meta">${options.asOf ? zh.app.asOf(formatDate(options.asOf)) : zh.app.noData}　${zh.report.generatedOn(formatDate(shanghaiToday()))}</p>
      <p class="report-informal" data-informal><strong>${zhEditions.informal}</strong>　${zhEditions.informalNote}</p>
    </header>
    <h2>${zh.report.summaryHeading}</h2>
    <p class="report-summary">${zh.report.summaryText(count('green'), count('amber'), count('red'))}
      ${index ? html`${zh.overview.indexHeading} <strong>${formatScore(index.value)}</strong> ${zh.units.score}。` : ''}</p>
    <div class="tiles report-tiles">${targeted.map((t) =>
      indicatorTile(t, unitRows.find((r) => r.indicator_id === t.indicator_id), previousRows.find((r) => r.indicator_id === t.indicator_id)),
    )}</div>
    <p class="status-legend">${statusLegend()}</p>
  </section>`;

  // 2 ranking: counties (city report) or offices (county report)
  let page2: SafeHtml;
  if (!county) {
    const ranking = countyOfYear.filter((r) => r.indicator_id === 'reform_index');
    page2 = html`<section class="sheet">
      <h2>${zh.report.rankingHeading}</h2>
      ${chart({
        kind: 'bars',
        title: zh.overview.rankingTitle,
        description: zh.overview.rankingDescription(year),
        width: CHART_WIDTH,
        data: ranking.map((r) => ({ label: r.unit_name, value: r.value })),
        options: { format: 'score', max: 1 },
      })}
      ${dataTable({
        id: 'report-matrix',
        caption: zh.overview.matrixCaption,
        columns: [{ label: zh.overview.countyColumn }, ...targeted.map((t) => ({ label: t.name_zh, numeric: true })), { label: zh.overview.indexColumn, numeric: true }],
        rows: [...ranking].sort((a, b) => b.value - a.value).map((r) => {
          const of = (id: string) => countyOfYear.find((x) => x.unit_code === r.unit_code && x.indicator_id === id);
          return { cells: [r.unit_name, ...targeted.map((t) => statusCell(of(t.indicator_id))), statusCell(of('reform_index'))] };
        }),
      })}
    </section>`;
  } else {
    const offices = [...officeUnits].sort((a, b) => {
      const ia = officeRows.find((r) => r.unit_code === a.unit_code && r.indicator_id === 'reform_index')?.value ?? -1;
      const ib = officeRows.find((r) => r.unit_code === b.unit_code && r.indicator_id === 'reform_index')?.value ?? -1;
      return ib - ia;
    });
    page2 = html`<section class="sheet">
      <h2>${zh.report.officesHeading}</h2>
      ${dataTable({
        id: 'report-offices',
        caption: zh.county.officesCaption.replace(/（.*）/, ''),
        columns: [{ label: zh.training.columns.office }, { label: zh.office.fields.tier }, ...targeted.map((t) => ({ label: t.name_zh, numeric: true })), { label: zh.overview.indexColumn, numeric: true }],
        rows: offices.map((u) => {
          const of = (id: string) => officeRows.find((x) => x.unit_code === u.unit_code && x.indicator_id === id);
          return { cells: [u.unit_name, zh.tierShort[u.tier ?? ''] ?? '', ...targeted.map((t) => statusCell(of(t.indicator_id))), statusCell(of('reform_index'))] };
        }),
      })}
    </section>`;
  }

  // 3 every indicator
  const page3 = html`<section class="sheet">
    <h2>${zh.report.detailHeading}</h2>
    ${indicatorTable({
      id: 'report-detail',
      caption: zh.county.indicatorCaption,
      catalog: ctx.catalog,
      rows: unitRows,
      comparisons: county ? [{ label: zh.indicators.cityValue, rows: cityOfYear }] : [],
    })}
  </section>`;

  // 4 cases and training
  const months = [...new Set(monthly.map((m) => m.month))].sort();
  const byCounty = new Map<string, { denominator: number; complying: number }>();
  for (const p of people.filter((x) => x.in_denominator)) {
    const key = county ? p.office_code : p.county_code;
    const entry = byCounty.get(key) ?? { denominator: 0, complying: 0 };
    entry.denominator++;
    if (p.complies) entry.complying++;
    byCounty.set(key, entry);
  }
  const names = new Map<string, string>(county ? officeUnits.map((u) => [u.unit_code, u.unit_name]) : ctx.counties.map((c) => [c.code, c.name]));
  const received = monthly.reduce((s, m) => s + m.received, 0);
  const closed = monthly.reduce((s, m) => s + m.closed, 0);
  const page4 = html`<section class="sheet">
    <h2>${zh.report.workHeading}</h2>
    <p class="report-summary">${zh.cases.columns.received} ${formatNumber(received)} ${zh.units.cases}，${zh.cases.columns.closed} ${formatNumber(closed)} ${zh.units.cases}。</p>
    ${chart({
      kind: 'monthly',
      title: zh.cases.monthlyTitle,
      description: zh.cases.monthlyDescription(unitName, year),
      width: CHART_WIDTH,
      data: monthly.map((m) => ({ month: m.month, line: m.business_line, count: m.received })),
      options: { lines, months, yLabel: zh.cases.columns.received },
    }, options.today)}
    ${chart({
      kind: 'bars',
      title: county ? zh.training.complianceTitleOffices(unitName) : zh.training.complianceTitle,
      description: zh.training.complianceDescription(year),
      width: CHART_WIDTH,
      data: [...byCounty].map(([code, v]) => ({ label: names.get(code) ?? code, value: v.complying / v.denominator })),
      // a county's offices can be 30 and more: thinner bars so the page holds them
      options: { format: 'percent', target: 1, targetLabel: zh.chart.target, max: 1, ...(byCounty.size > 12 ? { rowHeight: 14, fontSize: 10 } : {}) },
    })}
  </section>`;

  const toolbar = options.forPdf
    ? ''
    : html`<nav class="report-toolbar" aria-label="${zh.nav.report}">
        <a href="${pageHref('/', { year })}">${zh.errors.backHome}</a>
        <button type="button" data-print hidden>${zh.report.printButton}</button>
        <a href="${pageHref('/report.pdf', { period: year, county })}">${zh.report.pdfLink}</a>
      </nav>`;
  return `<!DOCTYPE html>\n${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}（${zh.report.period(year)}，${zhEditions.informal}）</title>
<link rel="icon" href="${FAVICON}">
<style>${raw(options.reportCss)}
${raw(pageCss(title))}</style>
${options.forPdf ? '' : html`<script type="module" src="${options.scriptUrl}"></script>`}
</head>
<body class="report">
${toolbar}
<main class="report-pages">
${page1}
${page2}
${page3}
${page4}
</main>
</body>
</html>`.value}`;
}
