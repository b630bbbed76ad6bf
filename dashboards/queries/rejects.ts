// Reads of audit.rejects (every rejected row of every run, with its county and its status) for
// GET /api/rejects and the 数据质量 page. The SQL lives in ./sql/rejects_*.sql.
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, type TableKind } from '../../pipelines/contract/exports.ts';
import { queryJson } from '../../pipelines/warehouse/duckdb.ts';

const sql = (name: string) => readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
const LIST_SQL = sql('rejects_list');
const SUMMARY_SQL = sql('rejects_summary');
const UNATTRIBUTED_SQL = sql('rejects_unattributed');

export type RejectStatus = 'open' | 'corrected';

export interface RejectFilters {
  /** A county code; null: no county filter (city-wide readers). */
  county: string | null;
  /** Only the rows of no county (`unattributed`). */
  unattributed: boolean;
  file: string | null;
  reason: string | null;
  /** null: open and corrected rows. */
  status: RejectStatus | null;
  run: string | null;
  /** YYYY-MM of the export date. */
  month: string | null;
}

export interface RejectRow {
  run_id: string;
  file_name: string;
  sheet: string | null;
  row_number: number;
  kind: TableKind;
  export_date: string;
  month: string;
  county_code: string | null;
  county_name: string | null;
  county_basis: string;
  reason_code: string;
  column_name: string;
  message: string;
  /** The row as the file gave it (ID numbers masked), by contract alias. */
  raw: Record<string, string | null>;
  status: RejectStatus;
  corrected_by: string | null;
  corrected_export_date: string | null;
}

export interface RejectPage {
  total: number;
  rows: RejectRow[];
}

export async function listRejects(connection: DuckDBConnection, filters: RejectFilters, page: { limit: number; offset: number }): Promise<RejectPage> {
  const rows = await queryJson<Record<string, unknown>>(connection, LIST_SQL, {
    county: filters.county,
    unattributed: filters.unattributed,
    file: filters.file,
    reason: filters.reason,
    status: filters.status,
    run: filters.run,
    month: filters.month ? `${filters.month}-01` : null,
    limit: page.limit,
    offset: page.offset,
  });
  // Past the last page the window total is not there: count again without the page.
  const total = rows.length > 0 ? Number(rows[0]!.total) : page.offset > 0 ? await countRejects(connection, filters) : 0;
  return {
    total,
    rows: rows.map((r) => ({
      run_id: String(r.run_id),
      file_name: String(r.file_name),
      sheet: (r.sheet as string | null) ?? null,
      row_number: Number(r.row_number),
      kind: r.kind as TableKind,
      export_date: String(r.export_date),
      month: String(r.month),
      county_code: (r.county_code as string | null) ?? null,
      county_name: (r.county_name as string | null) ?? null,
      county_basis: String(r.county_basis),
      reason_code: String(r.reason_code),
      column_name: String(r.column_name),
      message: String(r.message),
      raw: parseRaw(r.raw),
      status: r.status as RejectStatus,
      corrected_by: (r.corrected_by as string | null) ?? null,
      corrected_export_date: (r.corrected_export_date as string | null) ?? null,
    })),
  };
}

async function countRejects(connection: DuckDBConnection, filters: RejectFilters): Promise<number> {
  const page = await listRejects(connection, filters, { limit: 1, offset: 0 });
  return page.total;
}

function parseRaw(value: unknown): Record<string, string | null> {
  if (typeof value !== 'string') return {};
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
  } catch {
    return {};
  }
}

export interface RejectCount {
  county_code: string | null;
  kind: TableKind;
  reason_code: string;
  column_name: string;
  status: RejectStatus;
  file_name: string;
  export_date: string;
  month: string;
  rows: number;
}

/** Rejected rows counted by county, reason, column, status, file and month. */
export async function rejectCounts(connection: DuckDBConnection, county: string | null): Promise<RejectCount[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SUMMARY_SQL, { county });
  return rows.map((r) => ({
    county_code: (r.county_code as string | null) ?? null,
    kind: r.kind as TableKind,
    reason_code: String(r.reason_code),
    column_name: String(r.column_name),
    status: r.status as RejectStatus,
    file_name: String(r.file_name),
    export_date: String(r.export_date),
    month: String(r.month),
    rows: Number(r.rows),
  }));
}

/** Rejected rows of no county, by status (county users see this count, not the rows). */
export async function unattributedCounts(connection: DuckDBConnection): Promise<Record<RejectStatus, number>> {
  const rows = await queryJson<{ status: RejectStatus; rows: unknown }>(connection, UNATTRIBUTED_SQL);
  const counts = { open: 0, corrected: 0 };
  for (const r of rows) counts[r.status] = Number(r.rows);
  return counts;
}

/** Who reads a rejected row. */
export interface Reader {
  role: string;
  countyCode: string | null;
}

/**
 * The raw row as `reader` may see it: a staff row's (already masked) name only for admins and
 * for the users of the row's own county; everyone else gets the row without it.
 */
export function visibleRaw(row: Pick<RejectRow, 'kind' | 'raw' | 'county_code'>, reader: Reader): Record<string, string | null> {
  const mayName = reader.role === 'admin' || (reader.countyCode !== null && reader.countyCode === row.county_code);
  if (mayName || !('name' in row.raw)) return row.raw;
  const { name: _hidden, ...rest } = row.raw;
  return rest;
}

/** The Chinese header of a contract column (exports.md), by kind and alias. */
export function columnHeader(kind: TableKind, alias: string): string {
  return TABLES[kind]?.columns.find((c) => c.alias === alias)?.header ?? alias;
}

/** The raw row as text a clerk reads: `header：value` pairs of the cells that hold something. */
export function rawText(kind: TableKind, raw: Record<string, string | null>): string {
  return Object.entries(raw)
    .filter(([, v]) => v !== null && v !== '')
    .map(([alias, v]) => `${columnHeader(kind, alias)}：${v}`)
    .join('；');
}
