// 案件办理 /cases — cases received per month by business line, totals by business line, and
// per county (or, with a county chosen, per office): received, closed, withdrawn, the
// mediation success rate and the breadth of business lines.
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, section } from '../components.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { valueCell } from '../indicator-views.ts';
import { countyName, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { casesByUnit, casesMonthly, indicatorValues, planCategories, units } from '../queries/marts.ts';
import { monthlySpec } from '../work-charts.ts';

export const casesPage: Page = {
  id: 'cases',
  path: '/cases',
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    const county = ctx.filters.county;
    const grain = county ? 'office' : 'county';
    const [monthly, lines, byUnit, rows, officeUnits] = await Promise.all([
      casesMonthly(ctx.db, { period: year, county }),
      planCategories(ctx.db, 'business_line'),
      casesByUnit(ctx.db, year, county, county ? 'office_code' : 'county_code'),
      indicatorValues(ctx.db, { period: year, grain, county: county ?? ctx.scope.countyCode }),
      units(ctx.db, { period: year, grain: 'office', county }),
    ]);
    const scopeName = county ? countyName(ctx, county) : zh.app.city;
    const names = new Map<string, string>(county ? officeUnits.map((o) => [o.unit_code, o.unit_name]) : ctx.counties.map((c) => [c.code, c.name]));
    const link = (code: string) => (county ? pageHref(`/office/${code}`, { year }) : pageHref('/cases', { year, county: code }));
    const monthlyChart = monthlySpec(monthly, lines, scopeName, year);

    const mediation = rows.filter((r) => r.indicator_id === 'mediation_success_rate' && names.has(r.unit_code));
    const mediationChart: ChartSpec = {
      id: 'mediation',
      payload: {
        kind: 'bars',
        title: county ? zh.cases.mediationTitleOffices(scopeName) : zh.cases.mediationTitle,
        description: zh.cases.mediationDescription(year),
        width: 560,
        data: mediation.map((r) => ({ label: r.unit_name, value: r.value, href: link(r.unit_code) })),
        options: { format: 'percent', max: 1 },
      },
      table: {
        columns: [
          { key: 'unit', label: zh.training.columns.unit },
          { key: 'success', label: zh.cases.columns.mediationSuccess },
          { key: 'closed', label: zh.cases.columns.mediationClosed },
          { key: 'rate', label: zh.cases.columns.successRate },
        ],
        rows: mediation.map((r) => ({ unit: r.unit_name, success: r.numerator, closed: r.denominator, rate: formatPercent(r.value) })),
      },
    };

    const lineTotals = lines.map((line) => {
      const of = monthly.filter((m) => m.business_line === line);
      const sum = (key: 'received' | 'closed' | 'withdrawn' | 'in_progress') => of.reduce((s, m) => s + m[key], 0);
      return { line, received: sum('received'), closed: sum('closed'), withdrawn: sum('withdrawn'), inProgress: sum('in_progress') };
    });
    const lineTable = dataTable({
      id: 'cases-by-line',
      caption: zh.cases.byLineCaption,
      columns: [
        { label: zh.cases.columns.line, sortable: true },
        { label: zh.cases.columns.received, numeric: true, sortable: true },
        { label: zh.cases.columns.closed, numeric: true, sortable: true },
        { label: zh.cases.columns.withdrawn, numeric: true, sortable: true },
        { label: zh.cases.columns.inProgress, numeric: true, sortable: true },
      ],
      rows: lineTotals.map((t) => ({
        cells: [t.line, { content: formatNumber(t.received), sort: t.received }, { content: formatNumber(t.closed), sort: t.closed }, { content: formatNumber(t.withdrawn), sort: t.withdrawn }, { content: formatNumber(t.inProgress), sort: t.inProgress }],
      })),
    });
    const indicator = (code: string, id: string) => rows.find((r) => r.unit_code === code && r.indicator_id === id);
    const unitTable = dataTable({
      id: 'cases-by-unit',
      caption: zh.cases.byCountyCaption,
      columns: [
        { label: zh.training.columns.unit, sortable: true },
        { label: zh.cases.columns.successRate, numeric: true, sortable: true },
        { label: zh.cases.columns.breadth, numeric: true, sortable: true },
        { label: zh.cases.columns.received, numeric: true, sortable: true },
        { label: zh.cases.columns.closed, numeric: true, sortable: true },
        { label: zh.cases.columns.withdrawn, numeric: true, sortable: true },
      ],
      // worst first: the lowest mediation success rate leads, the rates next to the name
      sorted: { column: 1, direction: 'ascending' },
      rows: byUnit
        .filter((u) => names.has(u.unit_code))
        .sort((a, b) => (indicator(a.unit_code, 'mediation_success_rate')?.value ?? Infinity) - (indicator(b.unit_code, 'mediation_success_rate')?.value ?? Infinity) || a.unit_code.localeCompare(b.unit_code))
        .map((u) => ({
          href: link(u.unit_code),
          cells: [
            { content: html`<a href="${link(u.unit_code)}">${names.get(u.unit_code)}</a>`, sort: names.get(u.unit_code) ?? u.unit_code },
            valueCell(indicator(u.unit_code, 'mediation_success_rate')),
            valueCell(indicator(u.unit_code, 'function_breadth')),
            { content: formatNumber(u.received), sort: u.received },
            { content: formatNumber(u.closed), sort: u.closed },
            { content: formatNumber(u.withdrawn), sort: u.withdrawn },
          ],
        })),
    });
    const received = lineTotals.reduce((s, t) => s + t.received, 0);
    const closed = lineTotals.reduce((s, t) => s + t.closed, 0);
    const body = html`
      <p class="lead">${zh.cases.heading(scopeName, year)}：${zh.cases.columns.received} ${formatNumber(received)} ${zh.units.cases}，${zh.cases.columns.closed} ${formatNumber(closed)} ${zh.units.cases}。</p>
      <section class="panel">${figure(ctx, monthlyChart, { headingLevel: 2 })}</section>
      <div class="grid-2">
        ${section('by-line', zh.cases.byLineHeading, lineTable)}
        <section class="panel">${figure(ctx, mediationChart, { headingLevel: 2 })}</section>
      </div>
      ${section('by-unit', county ? zh.cases.byOfficeHeading : zh.cases.byCountyHeading, unitTable)}
    `;
    return {
      title: zh.cases.title,
      breadcrumbs: [{ label: zh.nav.overview, href: pageHref('/', { year }) }, { label: zh.cases.title }],
      nav: 'cases',
      countyFilter: true,
      body,
      charts: [monthlyChart, mediationChart],
    };
  },
};
