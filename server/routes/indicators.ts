// GET /api/indicators?indicator=&period=&grain=&unit=: rows of mart.indicator_values (a county
// user gets the units of their county and the city rows), as JSON, Arrow IPC or CSV.
import type { Router } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { indicatorValues, type Grain } from '../../dashboards/queries/marts.ts';
import { MART_TABLES } from '../../pipelines/warehouse/schema.ts';
import type { AppContext } from '../app-context.ts';
import type { ColumnType, TableColumn } from '../http/arrow.ts';
import { GRAIN, INDICATOR, UNIT, queryParam, yearParam } from '../http/params.ts';
import { sendPreparedTable } from '../http/table-response.ts';
import { scopeOf } from '../scope.ts';

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
    const key = `api:indicators:${JSON.stringify(filter)}`;
    const { rows, generation } = await app.warehouse.use(async (session) => ({
      rows: await app.cache.get(session.generation, key, () => indicatorValues(session.db, filter)),
      generation: session.generation,
    }));
    // the same filter of the same published file gives the same bytes: prepared once, with an ETag
    await sendPreparedTable(req, res, INDICATOR_COLUMNS, rows, { fileName: 'indicator_values', cache: app.cache, generation, key });
  });
}
