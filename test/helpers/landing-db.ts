// An in-memory DuckDB with the `staging` catalog and empty landing tables, for reading tests.
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { attachStaging, resetLandingTables } from '../../pipelines/read/landing.ts';

export async function openLandingDb(): Promise<Database> {
  const db = await openDatabase(':memory:');
  await attachStaging(db.connection);
  await resetLandingTables(db.connection);
  return db;
}

/** Landed rows of one landing table, in row order, as JSON-safe objects. */
export async function landed(db: Database, table: string, columns = '*'): Promise<Record<string, unknown>[]> {
  return queryJson(db.connection, `SELECT ${columns} FROM staging.${table} ORDER BY row_number`);
}

export const META = { fileId: 'f'.repeat(64), fileName: 'test.csv', exportDate: '2025-06-30', loadSeq: 7 };
