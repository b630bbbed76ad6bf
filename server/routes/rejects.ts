// GET /api/rejects?run=: the rows a run rejected (the latest run when none is named), with
// file, sheet, row number, reason and message, never the raw row (it may hold names). County
// users get the rows of their county only.
import type { Router } from 'express';
import { REJECTED_ROW_COLUMNS, recentRuns, rejectedRows } from '../../dashboards/queries/audit.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import type { AppContext } from '../app-context.ts';
import { RUN, queryParam } from '../http/params.ts';
import { sendTable } from '../http/table-response.ts';
import { scopeOf } from '../scope.ts';

export function registerRejectsApi(router: Router, app: AppContext): void {
  router.get('/api/rejects', async (req, res) => {
    const requested = queryParam(req, 'run', RUN, zh.errors.hints.run);
    const county = scopeOf(req).countyCode;
    const rows = await app.warehouse.use(async (session) => {
      const runId = requested ?? (await recentRuns(session.connection, 1))[0]?.run_id;
      if (!runId) return [];
      return app.cache.get(session.generation, `api:rejects:${runId}:${county}`, () => rejectedRows(session.connection, runId, county));
    });
    sendTable(req, res, [...REJECTED_ROW_COLUMNS], rows as unknown as Record<string, unknown>[], { fileName: 'rejected_rows' });
  });
}
