// pipelines/warehouse/schema.ts (the Kysely types) against the marts DuckDB really builds: the
// same tables, the same columns in the same order with the same types, and every column typed
// as never NULL is guarded by a not_null data test in its model's header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../pipelines/models/project.ts';
import { openDatabase, queryRows, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { MART_TABLES } from '../../pipelines/warehouse/schema.ts';
import { buildFrom } from './core-fixture.ts';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, {
    snapshots: ['2025-06-30'],
    offices: [{ snapshot_date: '2025-06-30', office_code: 'K1', county_code: '331102', tier: 'key' }],
  });
});
afterAll(() => db.close());

describe('mart schema', () => {
  it('matches DuckDB catalog: tables, column names, order and types', async () => {
    const columns = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
      db.connection,
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'mart'
       ORDER BY table_name, ordinal_position`,
    );
    const actual: Record<string, [string, string][]> = {};
    for (const c of columns) (actual[c.table_name] ??= []).push([c.column_name, c.data_type]);
    const described = Object.fromEntries(
      Object.entries(MART_TABLES).map(([table, cols]) => [table, Object.entries(cols).map(([name, spec]) => [name, spec.sqlType])]),
    );
    expect(actual).toEqual(described);
  });

  it('guards every non-null column with a not_null test', () => {
    const project = loadProject();
    for (const [table, cols] of Object.entries(MART_TABLES)) {
      const model = project.models.find((m) => m.relation === `mart.${table}`);
      expect(model, table).toBeDefined();
      const guarded = new Set(model!.tests.flatMap((t) => (t.test.kind === 'not_null' && t.severity === 'error' ? t.test.columns : [])));
      const required = Object.entries(cols).filter(([, spec]) => !spec.nullable).map(([name]) => name);
      expect(required.filter((c) => !guarded.has(c)), table).toEqual([]);
    }
  });
});
