// Reads of the run history (audit.*), which the Kysely mart schema does not describe: the SQL
// lives in ./sql/*.sql and takes named parameters.
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryJson } from '../../pipelines/warehouse/duckdb.ts';

const SQL_NAMES = ['recent_runs', 'run_files', 'reason_messages'] as const;
type SqlName = (typeof SQL_NAMES)[number];

const SQL: Record<SqlName, string> = Object.fromEntries(
  SQL_NAMES.map((name) => [name, readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8')]),
) as Record<SqlName, string>;

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface RunRow {
  run_id: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  seconds: number | null;
  status: string;
  files_loaded: number | null;
  rows_loaded: number | null;
  rows_rejected: number | null;
  message: string | null;
}

export async function recentRuns(connection: DuckDBConnection, limit = 20): Promise<RunRow[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SQL.recent_runs, { limit });
  return rows.map((r) => ({
    run_id: String(r.run_id),
    trigger: String(r.trigger),
    started_at: String(r.started_at),
    finished_at: (r.finished_at as string | null) ?? null,
    seconds: toNumber(r.seconds),
    status: String(r.status),
    files_loaded: toNumber(r.files_loaded),
    rows_loaded: toNumber(r.rows_loaded),
    rows_rejected: toNumber(r.rows_rejected),
    message: (r.message as string | null) ?? null,
  }));
}

export interface FileRow {
  file_name: string;
  kind: string | null;
  export_date: string | null;
  status: string;
  reason_code: string | null;
  message: string | null;
  rows_read: number | null;
  rows_loaded: number | null;
  rows_rejected: number | null;
}

export async function runFiles(connection: DuckDBConnection, runId: string): Promise<FileRow[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SQL.run_files, { run: runId });
  return rows.map((r) => ({
    file_name: String(r.file_name),
    kind: (r.kind as string | null) ?? null,
    export_date: (r.export_date as string | null) ?? null,
    status: String(r.status),
    reason_code: (r.reason_code as string | null) ?? null,
    message: (r.message as string | null) ?? null,
    rows_read: toNumber(r.rows_read),
    rows_loaded: toNumber(r.rows_loaded),
    rows_rejected: toNumber(r.rows_rejected),
  }));
}

// Rejected rows themselves (every run, with county and status) are read by ./rejects.ts.

export interface ReasonMessage {
  reason_code: string;
  message: string | null;
  rows: number;
}

export async function reasonMessages(connection: DuckDBConnection, county: string | null): Promise<ReasonMessage[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SQL.reason_messages, { county });
  return rows.map((r) => ({ reason_code: String(r.reason_code), message: (r.message as string | null) ?? null, rows: Number(r.rows) }));
}
