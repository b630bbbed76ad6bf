// 片区 /cluster/:code — a "1+N" cluster: its key office and member offices, its indicators
// against the county and the city, staffing by post, cases per month and training per person
// over all its offices.
import { dataTable, keyFigures, section, yesNo } from '../components.ts';
import { formatNumber } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { zhDisplay } from '../i18n/zh-display.ts';
import { indicatorTable, statusCell, valueCell } from '../indicator-views.ts';
import { NotFound, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { casesMonthly, indicatorValues, officeProfiles, planCategories, staffing, trainingPeople, units } from '../queries/marts.ts';
import { monthlySpec, staffingSpec, trainingSpec } from '../work-charts.ts';

export const clusterPage: Page = {
  id: 'cluster',
  path: '/cluster/:code',
  async render(ctx: PageContext, params) {
    const code = params.code ?? '';
    const year = ctx.filters.year;
    const [cluster] = await units(ctx.db, { period: year, grain: 'cluster', county: ctx.scope.countyCode, unitCode: code });
    if (!cluster || !cluster.county_code) throw new NotFound();
    const countyCode = cluster.county_code;
    const filter = { period: year, county: countyCode, clusterCode: code };
    const [own, countyRows, cityRows, members, memberRows, profiles, staff, monthly, lines, people] = await Promise.all([
      indicatorValues(ctx.db, { period: year, grain: 'cluster', unitCode: code, county: countyCode }),
      indicatorValues(ctx.db, { period: year, grain: 'county', unitCode: countyCode, county: countyCode }),
      indicatorValues(ctx.db, { period: year, grain: 'city', county: null }),
      units(ctx.db, { period: year, grain: 'office', county: countyCode, clusterCode: code }),
      indicatorValues(ctx.db, { period: year, grain: 'office', county: countyCode }),
      officeProfiles(ctx.db, filter),
      staffing(ctx.db, filter),
      casesMonthly(ctx.db, filter),
      planCategories(ctx.db, 'business_line'),
      trainingPeople(ctx.db, filter),
    ]);
    const key = members.find((m) => m.unit_code === code);
    const keyProfile = profiles.find((p) => p.office_code === code);
    const names = new Map(members.map((m) => [m.unit_code, m.unit_name]));
    const staffingChart = staffingSpec(staff);
    const monthlyChart = monthlySpec(monthly, lines, cluster.unit_name, year);
    const trainingChart = trainingSpec(people, names);
    const officeRow = (office: string, id: string) => memberRows.find((r) => r.unit_code === office && r.indicator_id === id);
    const ordered = [...members].sort((a, b) => (a.unit_code === code ? -1 : b.unit_code === code ? 1 : a.unit_code.localeCompare(b.unit_code)));

    const table = dataTable({
      id: 'members',
      caption: zh.cluster.memberCaption,
      columns: [
        { label: zh.training.columns.office, sortable: true },
        { label: zh.office.fields.tier, sortable: true },
        { label: zh.office.fields.activeStaff, numeric: true, sortable: true },
        { label: zh.office.fields.terminals, numeric: true, sortable: true },
        { label: zh.office.fields.smartOffice, sortable: true },
        { label: ctx.catalog.find((c) => c.indicator_id === 'training_compliance')?.name_zh ?? '', numeric: true, sortable: true },
        { label: zh.overview.indexColumn, numeric: true, sortable: true },
      ],
      rows: ordered.map((o) => {
        const p = profiles.find((x) => x.office_code === o.unit_code);
        const href = pageHref(`/office/${o.unit_code}`, { year });
        return {
          href,
          cells: [
            { content: html`<a href="${href}">${o.unit_name}</a>`, sort: o.unit_name },
            zh.tierShort[o.tier ?? ''] ?? '',
            { content: formatNumber(p?.active_staff), sort: p?.active_staff ?? -1 },
            { content: formatNumber(p?.terminals), sort: p?.terminals ?? -1 },
            yesNo(p?.smart_office),
            statusCell(officeRow(o.unit_code, 'training_compliance')),
            valueCell(officeRow(o.unit_code, 'reform_index')),
          ],
        };
      }),
    });

    const body = html`
      <p class="lead">${zh.cluster.heading(cluster.unit_name, year)}</p>
      <section class="panel" aria-label="${zh.cluster.members}">${keyFigures([
        { label: zh.cluster.keyOffice, value: key?.unit_name ?? code },
        { label: zh.cluster.members, value: formatNumber(members.length), unit: zh.units.offices },
        { label: zh.office.fields.activeStaff, value: formatNumber(profiles.reduce((s, p) => s + p.active_staff, 0)), unit: zh.units.people },
        { label: zh.office.fields.smartOffice, value: yesNo(keyProfile?.smart_office) },
      ])}</section>
      ${section('members', zh.cluster.members, table)}
      ${section(
        'indicators',
        zh.county.indicatorTable,
        indicatorTable({
          id: 'cluster-indicators',
          caption: zhDisplay.indicatorCaption.cluster(cluster.county_name ?? countyCode),
          catalog: ctx.catalog,
          rows: own,
          comparisons: [
            { label: cluster.county_name ?? countyCode, rows: countyRows },
            { label: zh.indicators.cityValue, rows: cityRows },
          ],
        }),
      )}
      <div class="grid-2">
        <section class="panel">${figure(ctx, staffingChart, { headingLevel: 2 })}</section>
        <section class="panel">${figure(ctx, trainingChart, { headingLevel: 2 })}</section>
      </div>
      <section class="panel">${figure(ctx, monthlyChart, { headingLevel: 2 })}</section>
    `;
    return {
      title: cluster.unit_name,
      breadcrumbs: [
        { label: zh.nav.overview, href: pageHref('/', { year }) },
        { label: cluster.county_name ?? countyCode, href: pageHref(`/county/${countyCode}`, { year }) },
        { label: cluster.unit_name },
      ],
      nav: null,
      countyFilter: false,
      body,
      charts: [staffingChart, monthlyChart, trainingChart],
    };
  },
};
