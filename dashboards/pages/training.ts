// 队伍培训 /training — training against the plan's line (12 days or 90 hours a person a year):
// compliance by county (or, with a county chosen, by office), every person's days and hours
// (pseudonymised), and the counts behind the rates.
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, section } from '../components.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { statusCell } from '../indicator-views.ts';
import { countyName, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { indicatorValues, trainingPeople, units, type TrainingPerson } from '../queries/marts.ts';
import { trainingSpec } from '../work-charts.ts';

export const trainingPage: Page = {
  id: 'training',
  path: '/training',
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    const county = ctx.filters.county;
    const grain = county ? 'office' : 'county';
    const [rows, people, officeUnits, cityRows] = await Promise.all([
      indicatorValues(ctx.db, { period: year, grain, indicatorId: 'training_compliance', county: county ?? ctx.scope.countyCode }),
      trainingPeople(ctx.db, { period: year, county }),
      units(ctx.db, { period: year, grain: 'office', county }),
      indicatorValues(ctx.db, { period: year, grain: 'city', indicatorId: 'training_compliance', county: null }),
    ]);
    const scopeName = county ? countyName(ctx, county) : zh.app.city;
    const unitRows = county ? rows.filter((r) => officeUnits.some((o) => o.unit_code === r.unit_code)) : rows;
    const link = (code: string) => (county ? pageHref(`/office/${code}`, { year }) : pageHref('/training', { year, county: code }));

    const compliance: ChartSpec = {
      id: 'compliance',
      payload: {
        kind: 'bars',
        title: county ? zh.training.complianceTitleOffices(scopeName) : zh.training.complianceTitle,
        description: zh.training.complianceDescription(year),
        width: 560,
        data: unitRows.map((r) => ({ label: r.unit_name, value: r.value, href: link(r.unit_code) })),
        options: { format: 'percent', target: 1, targetLabel: `${zh.chart.target} 100%`, max: 1 },
      },
      table: {
        columns: [
          { key: 'unit', label: zh.training.columns.unit },
          { key: 'complying', label: zh.training.columns.complying },
          { key: 'denominator', label: zh.training.columns.denominator },
          { key: 'rate', label: zh.training.columns.rate },
        ],
        rows: unitRows.map((r) => ({ unit: r.unit_name, complying: r.numerator, denominator: r.denominator, rate: formatPercent(r.value) })),
      },
    };
    const names = new Map(officeUnits.map((o) => [o.unit_code, o.unit_name]));
    const scatter = trainingSpec(people, names);

    const groupKey = (p: TrainingPerson) => (county ? p.office_code : p.county_code);
    const groups = new Map<string, TrainingPerson[]>();
    for (const p of people) groups.set(groupKey(p), [...(groups.get(groupKey(p)) ?? []), p]);
    const unitName = (code: string) => (county ? names.get(code) : countyName(ctx, code)) ?? code;
    const average = (list: TrainingPerson[], key: 'days' | 'hours') => (list.length === 0 ? null : list.reduce((s, p) => s + p[key], 0) / list.length);
    const rateOf = (code: string) => unitRows.find((r) => r.unit_code === code)?.value ?? Infinity;
    const table = dataTable({
      id: 'training-units',
      caption: zh.training.tableCaption,
      columns: [
        { label: zh.training.columns.unit, sortable: true },
        { label: zh.training.columns.rate, numeric: true, sortable: true },
        { label: zh.training.columns.complying, numeric: true, sortable: true },
        { label: zh.training.columns.denominator, numeric: true, sortable: true },
        { label: zh.training.columns.staff, numeric: true, sortable: true },
        { label: zh.training.columns.avgDays, numeric: true, sortable: true },
        { label: zh.training.columns.avgHours, numeric: true, sortable: true },
      ],
      // worst first: the lowest compliance rate leads
      sorted: { column: 1, direction: 'ascending' },
      rows: [...groups.entries()]
        .sort(([a], [b]) => rateOf(a) - rateOf(b) || a.localeCompare(b))
        .map(([code, list]) => {
          const counted = list.filter((p) => p.in_denominator);
          const days = average(counted, 'days');
          const hours = average(counted, 'hours');
          return {
            href: link(code),
            cells: [
              { content: html`<a href="${link(code)}">${unitName(code)}</a>`, sort: unitName(code) },
              statusCell(unitRows.find((r) => r.unit_code === code)),
              formatNumber(counted.filter((p) => p.complies).length),
              formatNumber(counted.length),
              formatNumber(list.length),
              { content: days === null ? '—' : days.toFixed(1), sort: days },
              { content: hours === null ? '—' : hours.toFixed(1), sort: hours },
            ],
          };
        }),
    });
    const city = cityRows[0];
    const body = html`
      <p class="lead">${zh.training.heading(scopeName, year)}：${zh.training.line}。${city ? html`${zh.app.city}${zh.training.columns.rate} <strong class="value-text-inline">${formatPercent(city.value)}</strong>。` : ''}</p>
      <div class="grid-2">
        <section class="panel">${figure(ctx, compliance, { headingLevel: 2, hint: county ? zh.chart.clickOfficeHint : '' })}</section>
        ${section('units', zh.training.tableHeading, table)}
      </div>
      <section class="panel">${figure(ctx, scatter, { headingLevel: 2 })}</section>
    `;
    return {
      title: zh.training.title,
      breadcrumbs: [{ label: zh.nav.overview, href: pageHref('/', { year }) }, { label: zh.training.title }],
      nav: 'training',
      countyFilter: true,
      body,
      charts: [compliance, scatter],
    };
  },
};
