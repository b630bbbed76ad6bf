// Writes a run's history into the build warehouse just before it is published: audit.runs,
// audit.files (one row per file the run saw) and audit.data_test_results.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RefreshResult } from './vocabulary.ts';

/**
 * `stages` is what audit.runs records as the stage timings (default: result.stages). The row is
 * written inside the build before it is published, so the run passes the stages as known then.
 */
export async function writeAuditRows(connection: DuckDBConnection, result: RefreshResult, stages: Record<string, number | null> = result.stages): Promise<void> {
  const files = await connection.prepare(
    `INSERT INTO audit.files (run_id, file_id, file_name, kind, export_date, source, encoding, bytes, status, reason_code,
       message, rows_read, rows_loaded, rows_rejected, rejected_by_reason, seconds, archived_as, load_seq)
     VALUES ($1, $2, $3, $4, $5::DATE, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::JSON, $16, $17, $18)`,
  );
  for (const f of result.files) {
    files.bind([
      result.runId,
      f.fileId,
      f.name,
      f.kind ?? null,
      f.exportDate ?? null,
      f.source,
      f.encoding ?? null,
      f.bytes,
      f.status,
      f.reasonCode ?? null,
      f.message ?? null,
      f.rowsRead,
      f.rowsLoaded,
      f.rowsRejected,
      JSON.stringify(f.rejectedByReason),
      Math.round(f.seconds * 1000) / 1000,
      f.archivedAs ?? null,
      f.loadSeq ?? null,
    ]);
    await files.run();
  }

  const tests = await connection.prepare(
    'INSERT INTO audit.data_test_results (run_id, name, subject, severity, status, failures, message) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  );
  for (const t of result.tests) {
    tests.bind([result.runId, t.name, t.subject, t.severity, t.status, t.failures, t.message]);
    await tests.run();
  }

  await connection.run(
    `INSERT INTO audit.runs (run_id, trigger, started_at, finished_at, status, stages, files_loaded, rows_loaded, rows_rejected, message)
     VALUES ($1, $2, $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5, $6::JSON, $7, $8, $9, $10)`,
    [
      result.runId,
      result.trigger,
      result.startedAt.toISOString(),
      result.finishedAt.toISOString(),
      result.status,
      JSON.stringify(stages),
      result.files.filter((f) => f.status === 'loaded').length,
      result.rowsLoaded,
      result.rowsRejected,
      result.message ?? null,
    ],
  );
}
