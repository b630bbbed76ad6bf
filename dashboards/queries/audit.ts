// Reads of the audit tables (files of a run, rejected rows, reason messages), which the Kysely
// mart schema does not describe: the SQL lives in ./sql/*.sql and takes named parameters. The
// runs themselves are read by ./runs.ts.
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { publishedRunRows, type PublishedRunRow } from './runs.ts';

const SQL_NAMES = ['run_files', 'reason_messages'] as const;
type SqlName = (typeof SQL_NAMES)[number];

const SQL: Record<SqlName, string> = Object.fromEntries(
  SQL_NAMES.map((name) => [name, readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8')]),
) as Record<SqlName, string>;

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export type RunRow = PublishedRunRow;

/** The newest published runs (audit.runs has one reader: publishedRunRows of ./runs.ts). */
export function recentRuns(connection: DuckDBConnection, limit = 20): Promise<RunRow[]> {
  return publishedRunRows(connection, limit);
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
