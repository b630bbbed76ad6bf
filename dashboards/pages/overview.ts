// 总览: where the city and each county stand against the plan's targets, in one screen —
// a tile per targeted indicator (value, target, status, change on last year), the reform index
// with the county ranking (bars link to the county pages), its trend, and a county × indicator
// status table; and how fresh each county's exports are (newest export, days since, on-time
// rate: dashboards/submission-table.ts).
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, indicatorData, keyFigures, section } from '../components.ts';
import { formatScore } from '../format.ts';
import { html, raw } from '../html.ts';
import { zhClerk } from '../i18n/zh-clerk.ts';
import { submissionFreshness } from '../queries/submissions.ts';
import { SUBMISSION_STYLE, submissionTable } from '../submission-table.ts';
import { indicatorTile, statusCell } from '../indicator-views.ts';
import { zh } from '../i18n/zh.ts';
import { zhDisplay } from '../i18n/zh-display.ts';
import { figure, pageHref, type Page, type PageContext } from '../page.ts';
import { figures } from '../queries/frozen.ts';
import { statusLegend } from '../status.ts';


export const overviewPage: Page = {
  id: 'overview',
  path: '/',
  offersEdition: true,
  // days since the newest export change with the date
  cacheKey: async (ctx) => ctx.today ?? '',
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    if (ctx.filters.county && ctx.scope.countyCode === null) {
      return { title: '', breadcrumbs: [], nav: 'overview', countyFilter: true, body: html``, charts: [], redirect: pageHref(`/county/${ctx.filters.county}`, { year }) };
    }
    const scopeCounty = ctx.scope.countyCode;
    const [cityRows, countyRows, submissions] = await Promise.all([
      figures(ctx, { grain: 'city', county: null }),
      figures(ctx, { grain: 'county', county: scopeCounty }),
      submissionFreshness(ctx.connection, { today: ctx.today ?? new Date().toISOString().slice(0, 10), deadlineDay: ctx.submissionDeadlineDay ?? 5, county: scopeCounty }),
    ]);
    const targeted = ctx.catalog.filter((c) => c.is_targeted);
    const previousYear = ctx.years[ctx.years.indexOf(year) - 1];
    const city = (id: string, period: string | undefined) => cityRows.find((r) => r.indicator_id === id && r.period === period);
    const cityIndex = city('reform_index', year);

    const countyIndex = countyRows.filter((r) => r.indicator_id === 'reform_index' && r.period === year);
    const indexTarget = ctx.catalog.find((c) => c.indicator_id === 'reform_index')?.target ?? null;
    // A viewer who sees one county: that county against the city, not a ranking of one.
    const oneCounty = scopeCounty !== null;
    const countyLabel = countyIndex[0]?.unit_name ?? ctx.counties[0]?.name ?? scopeCounty ?? '';
    const ranking: ChartSpec = {
      id: 'ranking',
      payload: {
        kind: 'ranking',
        title: oneCounty ? zhDisplay.overview.scopedRankingTitle(countyLabel) : zh.overview.rankingTitle,
        description: oneCounty ? zhDisplay.overview.scopedRankingDescription(countyLabel, year) : zhDisplay.overview.rankingDescription(year),
        width: 620,
        data: [
          ...countyIndex.map((r) => ({ label: r.unit_name, value: r.value, href: pageHref(`/county/${r.unit_code}`, { year }), highlight: oneCounty })),
          ...(oneCounty && cityIndex ? [{ label: zh.chart.city, value: cityIndex.value, reference: true }] : []),
        ],
        options: {
          format: 'score',
          city: oneCounty ? null : (cityIndex?.value ?? null),
          cityLabel: zh.chart.city,
          target: indexTarget,
          targetLabel: indexTarget === null ? '' : `${zh.chart.target} ${formatScore(indexTarget)}`,
        },
      },
      table: {
        columns: [
          { key: 'unit_code', label: '代码' },
          { key: 'unit_name', label: zh.overview.countyColumn },
          { key: 'score', label: zh.overview.indexColumn },
          { key: 'value', label: '指数原值' },
        ],
        rows: [...countyIndex].sort((a, b) => b.value - a.value).map((r) => ({ unit_code: r.unit_code, unit_name: r.unit_name, score: formatScore(r.value), value: r.value })),
      },
    };

    const trendRows = [
      ...cityRows.filter((r) => r.indicator_id === 'reform_index'),
      ...countyRows.filter((r) => r.indicator_id === 'reform_index'),
    ];
    const trend: ChartSpec = {
      id: 'trend',
      payload: {
        kind: 'trend',
        title: zh.overview.trendTitle,
        description: oneCounty ? zhDisplay.overview.scopedTrendDescription(countyLabel) : zh.overview.trendDescription,
        width: 620,
        data: trendRows.map((r) => ({ period: r.period, series: r.unit_name, value: r.value, emphasis: oneCounty ? r.grain === 'county' : r.grain === 'city' })),
        options: {
          format: 'score',
          yLabel: zh.overview.indexHeading,
          xLabel: zh.chart.year,
          // one county in view: its own line in focus against the city, named, not "the other counties"
          focusLabel: oneCounty ? countyLabel : zh.chart.city,
          contextLabel: oneCounty ? zh.chart.city : zhDisplay.chart.counties,
        },
      },
      table: {
        columns: [
          { key: 'period', label: zh.chart.year },
          { key: 'unit_name', label: '单位' },
          { key: 'score', label: zh.overview.indexColumn },
        ],
        rows: trendRows.map((r) => ({ period: r.period, unit_name: r.unit_name, score: formatScore(r.value) })),
      },
    };

    // worst first: the county with the lowest reform index leads; the index and the indicators
    // furthest from their targets come first after the name, so a phone shows them without scrolling
    const indexOf = (code: string) => countyRows.find((r) => r.indicator_id === 'reform_index' && r.period === year && r.unit_code === code)?.value ?? Infinity;
    const countiesOfYear = [...new Map(countyRows.filter((r) => r.period === year).map((r) => [r.unit_code, r.unit_name])).entries()].sort(
      ([a], [b]) => indexOf(a) - indexOf(b) || a.localeCompare(b),
    );
    const shortfall = (id: string) => {
      const row = city(id, year);
      return row && row.target !== null ? row.value - row.target : 0;
    };
    const columnsShown = [...targeted].sort((a, b) => shortfall(a.indicator_id) - shortfall(b.indicator_id) || a.display_order - b.display_order);
    const matrix = dataTable({
      id: 'county-matrix',
      caption: zh.overview.matrixCaption,
      columns: [
        { label: zh.overview.countyColumn, sortable: true },
        { label: zh.overview.indexColumn, numeric: true, sortable: true },
        ...columnsShown.map((t) => ({ label: t.name_zh, numeric: true, sortable: true })),
      ],
      sorted: { column: 1, direction: 'ascending' },
      rows: countiesOfYear.map(([code, name]) => {
        const of = (id: string) => countyRows.find((r) => r.indicator_id === id && r.period === year && r.unit_code === code);
        return {
          href: pageHref(`/county/${code}`, { year }),
          cells: [
            { content: html`<a href="${pageHref(`/county/${code}`, { year })}">${name}</a>`, sort: name },
            statusCell(of('reform_index')),
            ...columnsShown.map((t) => statusCell(of(t.indicator_id))),
          ],
        };
      }),
    });

    const body = html`
      <p class="lead">${zh.overview.heading(year)}</p>
      ${section('tiles', zh.overview.tilesHeading, html`<div class="tiles">${targeted.map((t) => indicatorTile(t, city(t.indicator_id, year), city(t.indicator_id, previousYear)))}</div>
        <p class="status-legend">${statusLegend()}</p>`)}
      <div class="grid-2">
        <section class="panel" aria-labelledby="index-heading">
          <h2 id="index-heading">${zh.overview.indexHeading}</h2>
          ${keyFigures([
            {
              label: zh.app.city,
              value: cityIndex ? formatScore(cityIndex.value) : '—',
              unit: zh.units.score,
              note: zh.overview.indexNote,
              ...(cityIndex ? { data: indicatorData(cityIndex) } : {}),
            },
          ])}
          ${figure(ctx, ranking, oneCounty ? {} : { hint: zhDisplay.chart.clickDotHint })}
        </section>
        <section class="panel">${figure(ctx, trend, { headingLevel: 2 })}</section>
      </div>
      ${oneCounty ? section('matrix', zhDisplay.overview.scopedMatrixHeading(countyLabel), matrix) : section('matrix', zh.overview.matrixHeading, matrix, zhDisplay.overview.matrixIntro)}
      <style>${raw(SUBMISSION_STYLE)}</style>
      ${ctx.edition ? '' /* an edition shows its frozen figures only; export freshness is live */ : section('submissions', zhClerk.freshness.heading, submissionTable(submissions, { id: 'overview-submissions', staleAfterDays: ctx.staleAfterDays }), zhClerk.freshness.intro(ctx.submissionDeadlineDay ?? 5))}
    `;
    return { title: zh.overview.title, breadcrumbs: [], nav: 'overview', countyFilter: ctx.scope.countyCode === null, body, charts: [ranking, trend] };
  },
};
