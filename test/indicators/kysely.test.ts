// The Kysely dialect over @duckdb/node-api: typed queries on the marts of a real DuckDB file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { martDb } from '../../pipelines/warehouse/kysely.ts';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';
import type { Database } from '../../pipelines/warehouse/schema.ts';
import { buildFrom, type OfficeRow } from './core-fixture.ts';

const d = '2025-06-30';
const offices: OfficeRow[] = [
  { snapshot_date: d, office_code: 'K1', county_code: '331102', tier: 'key', terminals: 2 },
  { snapshot_date: d, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', terminals: 0 },
  { snapshot_date: d, office_code: 'K2', county_code: '331121', tier: 'key', terminals: 1 },
];

let dir: string;
let instance: DuckDBInstance;
let db: Kysely<Database>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kysely-duckdb-'));
  const file = path.join(dir, 'warehouse.duckdb');
  const writer = await openDatabase(file);
  await buildFrom(writer.connection, { snapshots: [d], offices });
  writer.close();
  // read the published file the way the server does: read-only
  instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  db = martDb(instance);
});
afterAll(async () => {
  await db.destroy();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('Kysely on DuckDB', () => {
  it('returns typed rows with calendar dates as text', async () => {
    const rows = await db
      .selectFrom('mart.indicator_values')
      .select(['unit_code', 'numerator', 'denominator', 'value', 'as_of', 'meets_target'])
      .where('indicator_id', '=', 'terminal_office_coverage')
      .where('grain', '=', 'county')
      .orderBy('unit_code')
      .execute();
    // 莲都区: K1 (2 terminals) ✓, O1 (0) ✗ → 1/2; 青田县: K2 ✓ → 1/1
    expect(rows).toEqual([
      { unit_code: '331102', numerator: 1, denominator: 2, value: 0.5, as_of: '2025-06-30', meets_target: false },
      { unit_code: '331121', numerator: 1, denominator: 1, value: 1, as_of: '2025-06-30', meets_target: true },
    ]);
    const first: { as_of: string; value: number } | undefined = rows[0];
    expect(typeof first?.as_of).toBe('string');
  });

  it('keeps a one-row count(*) AS count result as rows (the bug that ruled out kysely-duckdb)', async () => {
    const result = await db
      .selectFrom('mart.units')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('grain', '=', 'office')
      .executeTakeFirstOrThrow();
    expect(result).toEqual({ count: 3 });
  });

  it('joins marts, binds parameters (LIMIT included) and reads lists', async () => {
    const ok = await db
      .selectFrom('mart.office_profiles as p')
      .innerJoin('mart.units as u', (join) => join.onRef('u.unit_code', '=', 'p.office_code').onRef('u.period', '=', 'p.period'))
      .select(['p.office_code', 'p.recognised_plaques', 'u.cluster_name'])
      .where('u.grain', '=', 'office')
      .orderBy('p.office_code')
      .limit(2)
      .execute();
    expect(ok).toEqual([
      { office_code: 'K1', recognised_plaques: [], cluster_name: 'K1司法所片区' },
      { office_code: 'K2', recognised_plaques: [], cluster_name: 'K2司法所片区' },
    ]);
  });

  it('streams rows in chunks', async () => {
    const seen: string[] = [];
    for await (const row of db.selectFrom('mart.plan_categories').select(['kind', 'item']).orderBy('kind').orderBy('sort_order').stream(4)) {
      seen.push(`${row.kind}:${row.item}`);
    }
    expect(seen).toHaveLength(28); // 6 posts, 3 plaques, 10 business lines, 4 roles, 5 staffing types
    expect(seen[0]).toBe('business_line:人民调解');
  });

  it('runs queries side by side on separate connections of the instance', async () => {
    const counts = await Promise.all(
      ['office', 'cluster', 'county', 'city'].map((grain) =>
        db
          .selectFrom('mart.units')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('grain', '=', grain as 'office')
          .executeTakeFirstOrThrow(),
      ),
    );
    expect(counts.map((c) => c.n)).toEqual([3, 2, 2, 1]);
  });

  it('reports changed rows and supports transactions on a shared writable connection', async () => {
    const scratch = await openDatabase(':memory:');
    const writable = martDb(scratch.connection) as unknown as Kysely<{ t: { k: string; v: number } }>;
    await sql`CREATE TABLE t (k VARCHAR, v INTEGER)`.execute(writable);
    const inserted = await writable.insertInto('t').values([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]).executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    await expect(
      writable.transaction().execute(async (trx) => {
        await trx.updateTable('t').set({ v: 100 }).execute();
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const rows = await writable.selectFrom('t').selectAll().orderBy('k').execute();
    expect(rows).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
    // several queries at once on one connection wait their turn
    const both = await Promise.all([writable.selectFrom('t').select('k').execute(), writable.selectFrom('t').select('v').execute()]);
    expect(both.map((r) => r.length)).toEqual([2, 2]);
    await writable.destroy();
    scratch.close();
  });
});

// Compile-time checks: `npm test` type-checks before it runs, so each of these must stay an
// error. Never called.
export function typeErrors(db: Kysely<Database>) {
  // @ts-expect-error a mart that does not exist
  db.selectFrom('mart.no_such_mart');
  // @ts-expect-error a column that mart.indicator_values does not have
  db.selectFrom('mart.indicator_values').select('no_such_column');
  // @ts-expect-error numerator is a number, not text
  db.selectFrom('mart.indicator_values').selectAll().where('numerator', '=', 'many');
  // @ts-expect-error core tables (with names) are not part of the typed marts
  db.selectFrom('core.staff');
}
