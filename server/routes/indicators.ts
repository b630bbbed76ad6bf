// GET /api/indicators?indicator=&period=&grain=&unit=[&edition=YYYY-MM]: rows of
// mart.indicator_values, or of a frozen monthly edition (a county user gets the units of their
// county and the city rows either way), as JSON, Arrow IPC or CSV.
import type { Router } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { indicatorValues, type Grain } from '../../dashboards/queries/marts.ts';
import { MART_TABLES } from '../../pipelines/warehouse/schema.ts';
import type { AppContext } from '../app-context.ts';
import type { ColumnType, TableColumn } from '../http/arrow.ts';
import { GRAIN, INDICATOR, UNIT, queryParam, yearParam } from '../http/params.ts';
import { sendPreparedIfCached, sendPreparedTable } from '../http/table-response.ts';
import { scopeOf } from '../scope.ts';
import { readerOf, requestedEdition } from '../editions/routes.ts';
import { frozenValues } from '../../dashboards/queries/frozen.ts';

/** The contract's columns in the contract's order, typed as DuckDB types them. */
export const INDICATOR_COLUMNS: TableColumn[] = Object.entries(MART_TABLES.indicator_values).map(([name, spec]) => ({
  name,
  type: spec.sqlType as ColumnType,
}));

export function registerIndicatorsApi(router: Router, app: AppContext): void {
  router.get('/api/indicators', async (req, res) => {
    const filter = {
      indicatorId: queryParam(req, 'indicator', INDICATOR, zh.errors.hints.indicator),
      period: yearParam(req, 'period'),
      grain: queryParam(req, 'grain', GRAIN, zh.errors.hints.grain) as Grain | undefined,
      unitCode: queryParam(req, 'unit', UNIT, zh.errors.hints.unit)?.toUpperCase(),
      county: scopeOf(req).countyCode,
    };
    const edition = await requestedEdition(req, app.editions?.reader ?? null);
    if (edition) {
      // frozen rows: the same bytes for as long as the edition exists (it is never rewritten)
      const rows = frozenValues((await readerOf(app).rows(edition.edition)) ?? [], filter);
      const key = `api:indicators:edition:${edition.edition}:${edition.sha256}:${JSON.stringify(filter)}`;
      await sendPreparedTable(req, res, INDICATOR_COLUMNS, rows, { fileName: `indicator_values_${edition.edition}`, cache: app.cache, generation: app.warehouse.generation ?? -1, key });
      return;
    }
    const key = `api:indicators:${JSON.stringify(filter)}`;
    // Asked before of this warehouse: the bytes as they are, no connection taken.
    const current = app.warehouse.generation;
    if (current !== null && (await sendPreparedIfCached(req, res, { fileName: 'indicator_values', cache: app.cache, generation: current, key }))) return;
    const { rows, generation } = await app.warehouse.use(async (session) => ({
      rows: await app.cache.get(session.generation, key, () => indicatorValues(session.db, filter)),
      generation: session.generation,
    }));
    // the same filter of the same published file gives the same bytes: prepared once, with an ETag
    await sendPreparedTable(req, res, INDICATOR_COLUMNS, rows, { fileName: 'indicator_values', cache: app.cache, generation, key });
  });
}
