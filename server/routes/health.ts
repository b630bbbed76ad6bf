// GET /api/health (open to anyone): whether a warehouse is being served, its as-of date and
// the last published run.
import type { Router } from 'express';
import { recentRuns } from '../../dashboards/queries/audit.ts';
import type { AppContext } from '../app-context.ts';

export interface Health {
  status: 'ok' | 'unavailable';
  warehouse: {
    as_of: string | null;
    last_run: { run_id: string; status: string; started_at: string; finished_at: string | null } | null;
  };
}

export function registerHealth(router: Router, app: AppContext): void {
  router.get('/api/health', async (_req, res) => {
    if (app.warehouse.generation === null) {
      const body: Health = { status: 'unavailable', warehouse: { as_of: null, last_run: null } };
      res.status(503).json(body);
      return;
    }
    const warehouse = await app.warehouse.use((session) =>
      app.cache.get(session.generation, 'health', async () => {
        const asOf = await session.db
          .selectFrom('mart.indicator_values')
          .select((eb) => eb.fn.max('as_of').as('as_of'))
          .executeTakeFirst();
        const [run] = await recentRuns(session.connection, 1).catch(() => []);
        return {
          as_of: asOf?.as_of ?? null,
          last_run: run ? { run_id: run.run_id, status: run.status, started_at: run.started_at, finished_at: run.finished_at } : null,
        };
      }),
    );
    const body: Health = { status: 'ok', warehouse };
    res.json(body);
  });
}
