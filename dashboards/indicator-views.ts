// Views of indicator values shared by several pages and the report: the target tile, the
// status cell of a matrix, and the detail table of one unit against its comparison units.
// Every shown value carries its row's key and exact value in data-* attributes, so what the
// page shows can be checked against mart.indicator_values.
import { dataAttributes, dataTable, indicatorData, statusBadge, type Cell } from './components.ts';
import { formatIndicator, formatNumber, formatPercent, formatPointsDelta } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { zh } from './i18n/zh.ts';
import { zhDisplay } from './i18n/zh-display.ts';
import type { CatalogEntry, IndicatorValue } from './queries/marts.ts';
import { statusOf } from './status.ts';

export function indicatorTile(entry: CatalogEntry, row: IndicatorValue | undefined, previous: IndicatorValue | undefined): SafeHtml {
  if (!row) {
    return html`<article class="tile status-none"><h3 class="tile-title">${entry.name_zh}</h3><p class="tile-value">—</p><p class="tile-meta">${zh.app.noData}</p></article>`;
  }
  const status = statusOf(row.value, row.target);
  const delta = previous ? zh.overview.vsLastYear(`${formatPointsDelta(row.value, previous.value)} ${zh.units.pp}`) : zh.overview.noLastYear;
  return html`<article class="tile status-${status}"${dataAttributes(indicatorData(row))}>
    <h3 class="tile-title">${entry.name_zh}</h3>
    <p class="tile-value"><span class="value-text">${formatIndicator(row.indicator_id, row.value)}</span></p>
    <p class="tile-meta"><span>${zh.overview.target(formatPercent(row.target))}</span>${statusBadge(status)}</p>
    <p class="tile-delta">${delta}</p>
  </article>`;
}

/** A matrix cell: status icon, value, the status word for screen readers. */
export function statusCell(row: IndicatorValue | undefined): Cell {
  if (!row) return { content: '—', sort: -1 };
  const status = statusOf(row.value, row.target);
  if (status === 'none') return valueCell(row);
  return {
    content: html`<span class="cell-status status-${status}"><span aria-hidden="true">${zh.status[status].icon}</span><span class="value-text">${formatIndicator(row.indicator_id, row.value)}</span><span class="visually-hidden">${zh.status[status].label}</span></span>`,
    sort: row.value,
    data: indicatorData(row),
  };
}

/** A plain value cell (no status), with its data-* attributes. */
export function valueCell(row: IndicatorValue | undefined): Cell {
  if (!row) return { content: '—', sort: -1 };
  return { content: html`<span class="value-text">${formatIndicator(row.indicator_id, row.value)}</span>`, sort: row.value, data: indicatorData(row) };
}

export interface Comparison {
  label: string;
  rows: IndicatorValue[];
}

export interface IndicatorTableOptions {
  id: string;
  caption: string;
  catalog: CatalogEntry[];
  /** The unit's rows (one year). */
  rows: IndicatorValue[];
  /** Other units to show beside it (county, city). */
  comparisons: Comparison[];
  /** Rank of the unit among its peers, per indicator (e.g. among the counties). */
  ranks?: Map<string, string>;
}

/** Every indicator of the catalog for one unit: value with numerator / denominator, comparisons, target, status. */
export function indicatorTable(options: IndicatorTableOptions): SafeHtml {
  const byId = (rows: IndicatorValue[], id: string) => rows.find((r) => r.indicator_id === id);
  return dataTable({
    id: options.id,
    caption: options.caption,
    columns: [
      { label: zh.indicators.name },
      { label: zh.indicators.unitValue, numeric: true },
      { label: zh.indicators.fraction, numeric: true },
      ...options.comparisons.map((c) => ({ label: c.label, numeric: true })),
      { label: zh.indicators.target, numeric: true },
      { label: zh.indicators.status },
      ...(options.ranks ? [{ label: zh.indicators.rank, numeric: true }] : []),
    ],
    rows: options.catalog.map((entry) => {
      const row = byId(options.rows, entry.indicator_id);
      return {
        cells: [
          { content: html`<abbr title="${entry.description_zh}" class="indicator-name">${entry.name_zh}</abbr>` },
          valueCell(row),
          // the index is an average of completion ratios, not a count over a count
          !row ? '—' : row.indicator_id === 'reform_index' ? zhDisplay.indicators.indexFraction(row.denominator) : `${formatNumber(row.numerator)} / ${formatNumber(row.denominator)}`,
          ...options.comparisons.map((c) => valueCell(byId(c.rows, entry.indicator_id))),
          entry.target === null ? zh.indicators.noTarget : formatPercent(entry.target),
          row ? statusBadge(statusOf(row.value, row.target)) : '—',
          ...(options.ranks ? [options.ranks.get(entry.indicator_id) ?? '—'] : []),
        ],
      };
    }),
  });
}
