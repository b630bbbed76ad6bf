// The four landing tables of the load interface: in the in-memory `staging` catalog, recreated
// empty for every batch, all VARCHAR but the meta columns. Their columns come from the contract.
// A CSV file may land in a table of its own (appending to a table that already holds many rows
// costs DuckDB about twice as much as filling a new one); before the models run, the landing
// table is then read through a view of the same name over it and the files' own tables.
import type { DuckDBConnection } from '@duckdb/node-api';
import { LANDING_META_COLUMNS, TABLES, type TableSpec } from '../contract/exports.ts';
import { quoteIdent } from '../warehouse/duckdb.ts';

/** What every landed row of one file carries besides its cells. */
export interface LandingMeta {
  /** sha256 hex of the file's bytes. */
  fileId: string;
  fileName: string;
  /** The `<date>` of the file name, ISO. */
  exportDate: string;
  /** Increases with every file loaded into the warehouse. */
  loadSeq: number;
}

/** Column names of a landing table, in table order. */
export function landingColumns(table: TableSpec): string[] {
  return [...LANDING_META_COLUMNS.map((c) => c.name), ...table.columns.map((c) => c.alias)];
}

/** CREATE OR REPLACE of a landing table; `name` for a file's own table (default: the landing table). */
export function landingTableSql(table: TableSpec, name: string = table.landingTable): string {
  const columns = [
    ...LANDING_META_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`),
    ...table.columns.map((c) => `${quoteIdent(c.alias)} VARCHAR`),
  ];
  return `CREATE OR REPLACE TABLE staging.${quoteIdent(name)} (${columns.join(', ')})`;
}

/** The table one file lands in when it has a table of its own. */
export function fileLandingTable(table: TableSpec, loadSeq: number): string {
  return `${table.landingTable}__${Math.trunc(loadSeq)}`;
}

/**
 * Makes `staging.<landing table>` show the rows of the files' own tables too: the landing table
 * is renamed `<name>__rows` and a view of its name unites it with them (same columns, same order).
 */
export async function exposeFileTables(connection: DuckDBConnection, table: TableSpec, fileTables: readonly string[]): Promise<void> {
  if (fileTables.length === 0) return;
  const rows = `${table.landingTable}__rows`;
  await connection.run(`ALTER TABLE staging.${quoteIdent(table.landingTable)} RENAME TO ${quoteIdent(rows)}`);
  const parts = [rows, ...fileTables].map((name) => `SELECT * FROM staging.${quoteIdent(name)}`);
  await connection.run(`CREATE VIEW staging.${quoteIdent(table.landingTable)} AS\n${parts.join('\nUNION ALL\n')}`);
}

/** Attaches the in-memory `staging` catalog once per connection. */
export async function attachStaging(connection: DuckDBConnection): Promise<void> {
  const reader = await connection.runAndReadAll("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'staging'");
  if (Number(reader.getRows()[0]?.[0] ?? 0) === 0) await connection.run("ATTACH ':memory:' AS staging");
}

/** (Re)creates all four landing tables, empty. */
export async function resetLandingTables(connection: DuckDBConnection): Promise<void> {
  for (const table of Object.values(TABLES)) await connection.run(landingTableSql(table));
}

/** Drops every view and table of the in-memory `staging` catalog (landing tables and staging models). */
export async function clearStaging(connection: DuckDBConnection): Promise<void> {
  const views = await connection.runAndReadAll("SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'staging' AND NOT internal");
  for (const [schema, view] of views.getRows()) {
    await connection.run(`DROP VIEW staging.${quoteIdent(String(schema))}.${quoteIdent(String(view))}`);
  }
  const tables = await connection.runAndReadAll("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'staging'");
  for (const [schema, table] of tables.getRows()) {
    await connection.run(`DROP TABLE staging.${quoteIdent(String(schema))}.${quoteIdent(String(table))}`);
  }
}
