// GET /api/runs (admin): the refresh history, newest first — the published runs of the served
// warehouse (audit.runs, audit.files, audit.data_test_results) merged with the run journals
// (DATA_DIR/runs), so failed, killed and running runs and skipped schedule ticks are there too.
// JSON { rows } with each run's files and data tests nested; ?format=csv or Arrow: one row per
// run (stage seconds, counts, rejects by reason as JSON text). ?limit= (default 50, at most 500).
import type { Router } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { mergeRunHistory, publishedRuns, type RunHistoryEntry } from '../../dashboards/queries/runs.ts';
import { readRunJournals } from '../../pipelines/run/journal.ts';
import { STAGES } from '../../pipelines/run/stages.ts';
import type { AppContext } from '../app-context.ts';
import type { TableColumn } from '../http/arrow.ts';
import { badParameter } from '../http/errors.ts';
import { queryParam } from '../http/params.ts';
import { requestedFormat, sendTable } from '../http/table-response.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export const RUN_COLUMNS: TableColumn[] = [
  { name: 'run_id', type: 'VARCHAR' },
  { name: 'trigger', type: 'VARCHAR' },
  { name: 'outcome', type: 'VARCHAR' },
  { name: 'published', type: 'BOOLEAN' },
  { name: 'started_at', type: 'TIMESTAMP' },
  { name: 'finished_at', type: 'TIMESTAMP' },
  { name: 'seconds', type: 'DOUBLE' },
  ...STAGES.map((stage) => ({ name: `${stage}_seconds`, type: 'DOUBLE' as const })),
  { name: 'files_seen', type: 'INTEGER' },
  { name: 'files_loaded', type: 'INTEGER' },
  { name: 'rows_loaded', type: 'BIGINT' },
  { name: 'rows_rejected', type: 'BIGINT' },
  { name: 'rejected_by_reason', type: 'JSON' },
  { name: 'tests_total', type: 'INTEGER' },
  { name: 'tests_failed_error', type: 'INTEGER' },
  { name: 'tests_failed_warn', type: 'INTEGER' },
  { name: 'message', type: 'VARCHAR' },
];

export function registerRunsApi(router: Router, app: AppContext): void {
  router.get('/api/runs', async (req, res) => {
    const limitText = queryParam(req, 'limit', /^\d{1,4}$/, zh.errors.hints.limit(MAX_LIMIT));
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    if (limit < 1 || limit > MAX_LIMIT) throw badParameter('limit', zh.errors.hints.limit(MAX_LIMIT));
    requestedFormat(req); // an unknown format is refused before any work
    // No warehouse yet (first start, or every run so far failed): the journals still answer.
    const published =
      app.warehouse.generation === null
        ? []
        : await app.warehouse.use((session) => app.cache.get(session.generation, `api:runs:${limit}`, () => publishedRuns(session.connection, limit)));
    const journals = app.runJournalDir ? await readRunJournals(app.runJournalDir, { limit }) : [];
    const runs = mergeRunHistory(published, journals, limit);
    if (requestedFormat(req) === 'json') {
      res.json({ rows: runs });
      return;
    }
    sendTable(req, res, RUN_COLUMNS, runs.map(flatRun), { fileName: 'runs' });
  });
}

function flatRun(run: RunHistoryEntry): Record<string, unknown> {
  return {
    run_id: run.run_id,
    trigger: run.trigger,
    outcome: run.outcome,
    published: run.published,
    started_at: run.started_at,
    finished_at: run.finished_at,
    seconds: run.seconds,
    ...Object.fromEntries(STAGES.map((stage) => [`${stage}_seconds`, run.stages?.[stage] ?? null])),
    files_seen: run.files.length,
    files_loaded: run.files_loaded,
    rows_loaded: run.rows_loaded,
    rows_rejected: run.rows_rejected,
    rejected_by_reason: JSON.stringify(run.rejected_by_reason),
    tests_total: run.tests.total,
    tests_failed_error: run.tests.failed_error,
    tests_failed_warn: run.tests.failed_warn,
    message: run.message,
  };
}
