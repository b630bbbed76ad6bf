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
import { sendTable } from '../http/table-response.ts';
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
    const rows = edition
      ? frozenValues((await readerOf(app).rows(edition.edition)) ?? [], filter)
      : await app.warehouse.use((session) =>
          app.cache.get(session.generation, `api:indicators:${JSON.stringify(filter)}`, () => indicatorValues(session.db, filter)),
        );
    sendTable(req, res, INDICATOR_COLUMNS, rows, { fileName: 'indicator_values' });
  });
}
