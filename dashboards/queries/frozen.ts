// The rows of a frozen edition as GET /api/indicators and the pages read them: the same filter,
// scope and order as dashboards/queries/marts.ts's indicatorValues, the same columns (the
// edition's county_code is only for scoping and is left out).
import { indicatorValues, type Db, type IndicatorFilter, type IndicatorValue } from './marts.ts';
import type { EditionManifest, FrozenRow } from '../../pipelines/editions/store.ts';

const GRAIN_ORDER = ['office', 'cluster', 'county', 'city'] as const;

export function frozenValues(rows: FrozenRow[], filter: IndicatorFilter): IndicatorValue[] {
  return rows
    .filter(
      (r) =>
        (filter.indicatorId === undefined || r.indicator_id === filter.indicatorId) &&
        (filter.period === undefined || r.period === filter.period) &&
        (filter.grain === undefined || r.grain === filter.grain) &&
        (filter.unitCode === undefined || r.unit_code === filter.unitCode) &&
        (filter.county === null || r.grain === 'city' || r.county_code === filter.county),
    )
    .map(({ county_code: _county, ...row }) => row as IndicatorValue)
    .sort(
      (a, b) =>
        a.indicator_id.localeCompare(b.indicator_id) ||
        a.period.localeCompare(b.period) ||
        GRAIN_ORDER.indexOf(a.grain) - GRAIN_ORDER.indexOf(b.grain) ||
        a.unit_code.localeCompare(b.unit_code),
    );
}

/** The indicator rows a page shows: the frozen edition's when the page shows one, else the warehouse's. */
export function figures(ctx: { db: Db; edition?: ShownEdition | null }, filter: IndicatorFilter): Promise<IndicatorValue[]> {
  return ctx.edition ? Promise.resolve(frozenValues(ctx.edition.rows, filter)) : indicatorValues(ctx.db, filter);
}

/** An edition a page shows or compares with: its manifest and frozen rows (all of them; scoped on reading). */
export interface ShownEdition {
  manifest: EditionManifest;
  rows: FrozenRow[];
}
