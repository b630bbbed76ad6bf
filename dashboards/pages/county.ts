// 县（市、区） /county/:code — the county against the city and the other counties on every
// indicator, its "1+N" clusters (key office and its ordinary offices), and its offices in a
// sortable table whose rows lead to the office pages.
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, indicatorData, keyFigures, section, yesNo } from '../components.ts';
import { formatIndicator, formatNumber, formatScore } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { indicatorTable, statusCell, valueCell } from '../indicator-views.ts';
import { NotFound, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { indicatorValues, officeProfiles, units, type IndicatorValue } from '../queries/marts.ts';

/** Rank of `code` among `rows` of one indicator (1 = highest value). */
export function rankOf(rows: IndicatorValue[], code: string): { rank: number; total: number } | undefined {
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const index = sorted.findIndex((r) => r.unit_code === code);
  return index < 0 ? undefined : { rank: index + 1, total: sorted.length };
}

export const countyPage: Page = {
  id: 'county',
  path: '/county/:code',
  async render(ctx: PageContext, params) {
    const code = params.code ?? '';
    const year = ctx.filters.year;
    const county = ctx.counties.find((c) => c.code === code);
    if (!county) throw new NotFound();
    const scope = ctx.scope.countyCode;
    const [countyRows, cityRows, officeUnits, clusterUnits, officeRows, clusterRows, profiles] = await Promise.all([
      indicatorValues(ctx.db, { period: year, grain: 'county', county: scope }),
      indicatorValues(ctx.db, { period: year, grain: 'city', county: null }),
      units(ctx.db, { period: year, grain: 'office', county: code }),
      units(ctx.db, { period: year, grain: 'cluster', county: code }),
      indicatorValues(ctx.db, { period: year, grain: 'office', county: code }),
      indicatorValues(ctx.db, { period: year, grain: 'cluster', county: code }),
      officeProfiles(ctx.db, { period: year, county: code }),
    ]);
    const own = countyRows.filter((r) => r.unit_code === code);
    const ofIndicator = (id: string) => countyRows.filter((r) => r.indicator_id === id);
    const index = own.find((r) => r.indicator_id === 'reform_index');
    const ranks = new Map(
      ctx.catalog.map((c) => {
        const r = rankOf(ofIndicator(c.indicator_id), code);
        return [c.indicator_id, r ? `${r.rank} / ${r.total}` : '—'];
      }),
    );
    const indexRank = index ? rankOf(ofIndicator('reform_index'), code) : undefined;

    // every indicator but the index: this county, the other counties, the city, the target
    const shown = ctx.catalog.filter((c) => c.indicator_id !== 'reform_index');
    const stripData = shown.flatMap((entry) => {
      const points = [];
      for (const r of countyRows.filter((x) => x.indicator_id === entry.indicator_id)) {
        points.push({ indicator: entry.name_zh, indicatorId: entry.indicator_id, role: r.unit_code === code ? ('self' as const) : ('peer' as const), unit: r.unit_name, value: r.value });
      }
      const city = cityRows.find((r) => r.indicator_id === entry.indicator_id);
      if (city) points.push({ indicator: entry.name_zh, indicatorId: entry.indicator_id, role: 'city' as const, unit: city.unit_name, value: city.value });
      if (entry.target !== null) points.push({ indicator: entry.name_zh, indicatorId: entry.indicator_id, role: 'target' as const, unit: zh.chart.target, value: entry.target });
      return points;
    });
    const strip: ChartSpec = {
      id: 'comparison',
      payload: {
        kind: 'strip',
        title: zh.county.stripTitle,
        description: zh.county.stripDescription(county.name),
        width: 1100,
        data: stripData,
        options: {
          indicators: shown.map((c) => c.name_zh),
          labels: { self: county.name, peer: zh.chart.otherCounties, city: zh.chart.city, target: zh.chart.target },
        },
      },
      table: {
        columns: [
          { key: 'indicator', label: zh.indicators.name },
          { key: 'unit', label: '单位' },
          { key: 'role', label: '类别' },
          { key: 'value', label: zh.indicators.value },
          { key: 'shown', label: '显示值' },
        ],
        rows: stripData.map((d) => ({ indicator: d.indicator, unit: d.unit, role: d.role, value: d.value, shown: formatIndicator(d.indicatorId, d.value) })),
      },
    };

    const officeRow = (office: string, id: string) => officeRows.find((r) => r.unit_code === office && r.indicator_id === id);
    const clusterCards = clusterUnits.map((cluster) => {
      const members = officeUnits.filter((o) => o.cluster_code === cluster.unit_code && o.unit_code !== cluster.unit_code);
      const key = officeUnits.find((o) => o.unit_code === cluster.unit_code);
      const clusterIndex = clusterRows.find((r) => r.unit_code === cluster.unit_code && r.indicator_id === 'reform_index');
      return html`<article class="cluster-card">
        <h3><a href="${pageHref(`/cluster/${cluster.unit_code}`, { year })}">${cluster.unit_name}</a></h3>
        <p class="cluster-meta">${zh.county.clusterKey}：${key ? html`<a href="${pageHref(`/office/${key.unit_code}`, { year })}">${key.unit_name}</a>` : cluster.unit_code}　${zh.county.clusterMembers(members.length)}
          ${clusterIndex ? html`　${zh.overview.indexColumn} <strong>${formatScore(clusterIndex.value)}</strong>` : ''}</p>
        <ul>${members.map((m) => html`<li><a href="${pageHref(`/office/${m.unit_code}`, { year })}">${m.unit_name}</a></li>`)}</ul>
      </article>`;
    });
    const unclustered = officeUnits.filter((o) => o.tier === 'ordinary' && o.cluster_code === null);

    const offices = dataTable({
      id: 'offices',
      caption: zh.county.officesCaption,
      // worst first, the measures that matter next to the name (a phone shows them without scrolling)
      columns: [
        { label: zh.training.columns.office, sortable: true },
        { label: zh.overview.indexColumn, numeric: true, sortable: true },
        { label: ctx.catalog.find((c) => c.indicator_id === 'training_compliance')?.name_zh ?? '', numeric: true, sortable: true },
        { label: zh.office.fields.tier, sortable: true },
        { label: zh.office.fields.cluster, sortable: true },
        { label: zh.office.fields.activeStaff, numeric: true, sortable: true },
        { label: zh.office.fields.terminals, numeric: true, sortable: true },
        { label: zh.office.fields.smartOffice, sortable: true },
      ],
      sorted: { column: 1, direction: 'ascending' },
      rows: [...officeUnits].sort((a, b) => (officeRow(a.unit_code, 'reform_index')?.value ?? Infinity) - (officeRow(b.unit_code, 'reform_index')?.value ?? Infinity) || a.unit_code.localeCompare(b.unit_code)).map((o) => {
        const profile = profiles.find((p) => p.office_code === o.unit_code);
        const href = pageHref(`/office/${o.unit_code}`, { year });
        return {
          href,
          cells: [
            { content: html`<a href="${href}">${o.unit_name}</a>`, sort: o.unit_name },
            valueCell(officeRow(o.unit_code, 'reform_index')),
            statusCell(officeRow(o.unit_code, 'training_compliance')),
            zh.tierShort[o.tier ?? ''] ?? '',
            o.cluster_name ?? zh.county.unclustered,
            { content: formatNumber(profile?.active_staff), sort: profile?.active_staff ?? -1 },
            { content: formatNumber(profile?.terminals), sort: profile?.terminals ?? -1 },
            yesNo(profile?.smart_office),
          ],
        };
      }),
    });

    const body = html`
      <p class="lead">${zh.county.heading(county.name, year)}</p>
      <section class="panel" aria-labelledby="figures-heading">
        <h2 id="figures-heading" class="visually-hidden">${zh.overview.indexHeading}</h2>
        ${keyFigures([
          {
            label: zh.overview.indexHeading,
            value: index ? formatScore(index.value) : '—',
            unit: zh.units.score,
            ...(indexRank && scope === null ? { note: zh.county.rank(indexRank.rank, indexRank.total) } : {}),
            ...(index ? { data: indicatorData(index) } : {}),
          },
          { label: zh.county.officeCount, value: formatNumber(officeUnits.length), unit: zh.units.offices },
          { label: zh.county.keyOfficeCount, value: formatNumber(officeUnits.filter((o) => o.tier === 'key').length), unit: zh.units.offices },
          { label: zh.county.clusterCount, value: formatNumber(clusterUnits.length), unit: zh.units.offices },
          { label: zh.county.staffCount, value: formatNumber(profiles.reduce((s, p) => s + p.active_staff, 0)), unit: zh.units.people },
        ])}
      </section>
      <section class="panel">${figure(ctx, strip, { headingLevel: 2 })}</section>
      ${section(
        'indicators',
        zh.county.indicatorTable,
        indicatorTable({
          id: 'county-indicators',
          caption: zh.county.indicatorCaption,
          catalog: ctx.catalog,
          rows: own,
          comparisons: [{ label: zh.indicators.cityValue, rows: cityRows }],
          ...(scope === null ? { ranks } : {}),
        }),
      )}
      ${section(
        'clusters',
        zh.county.clustersHeading,
        html`<div class="clusters">${clusterCards}</div>
          ${unclustered.length > 0 ? html`<h3>${zh.county.unclustered}</h3><ul>${unclustered.map((o) => html`<li><a href="${pageHref(`/office/${o.unit_code}`, { year })}">${o.unit_name}</a></li>`)}</ul>` : ''}`,
      )}
      ${section('offices', zh.county.officesHeading, offices)}
    `;
    return {
      title: county.name,
      breadcrumbs: [{ label: zh.nav.overview, href: pageHref('/', { year }) }, { label: county.name }],
      nav: null,
      countyFilter: false,
      body,
      charts: [strip],
    };
  },
};
