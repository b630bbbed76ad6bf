// The four landing tables of the load interface: in the in-memory `staging` catalog, recreated
// empty for every batch, all VARCHAR but the meta columns. Their columns come from the contract.
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

export function landingTableSql(table: TableSpec): string {
  const columns = [
    ...LANDING_META_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`),
    ...table.columns.map((c) => `${quoteIdent(c.alias)} VARCHAR`),
  ];
  return `CREATE OR REPLACE TABLE staging.${quoteIdent(table.landingTable)} (${columns.join(', ')})`;
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

/** Drops every table of the in-memory `staging` catalog (landing tables and staging models). */
export async function clearStaging(connection: DuckDBConnection): Promise<void> {
  const reader = await connection.runAndReadAll("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'staging'");
  for (const [schema, table] of reader.getRows()) {
    await connection.run(`DROP TABLE staging.${quoteIdent(String(schema))}.${quoteIdent(String(table))}`);
  }
}
