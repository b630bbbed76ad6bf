import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, references } from '../../pipelines/models/project.ts';
import { blockingFailures, prepareWarehouse, runDataTests, runModels } from '../../pipelines/models/runner.ts';
import { openDatabase, queryRows, type Database } from '../../pipelines/warehouse/duckdb.ts';

function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sqlproj-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

let db: Database | undefined;
afterEach(() => db?.close());

describe('SQL project', () => {
  it('orders models by the relations they read, whatever their file names', () => {
    const root = writeProject({
      'marts/a_total.sql': '-- Total per key.\nSELECT k, sum(v) AS v FROM core.z_items GROUP BY k',
      'core/z_items.sql': '-- Items.\n-- @materialized incremental\n-- @unique_key k\nSELECT * FROM staging.stg_items',
      'staging/stg_items.sql': 'SELECT * FROM staging.land_items',
    });
    const project = loadProject(root);
    expect(project.models.map((m) => m.relation)).toEqual(['staging.stg_items', 'core.z_items', 'mart.a_total']);
    expect(project.models.find((m) => m.name === 'a_total')?.description).toBe('Total per key.');
    expect(project.models.map((m) => m.phase)).toEqual(['load', 'load', 'build']);
  });

  it('rejects a cycle and an unknown directive', () => {
    expect(() =>
      loadProject(writeProject({ 'core/a.sql': 'SELECT * FROM core.b', 'core/b.sql': 'SELECT * FROM core.a' })),
    ).toThrow(/cycle/);
    expect(() => loadProject(writeProject({ 'core/a.sql': '-- @materialised table\nSELECT 1' }))).toThrow(/unknown directive/);
  });

  it('ignores relations named in comments and strings', () => {
    expect(references("SELECT 'core.fake' -- mart.nothing\nFROM core.real /* audit.no */")).toEqual(['core.real']);
  });

  it('materialises incremental models with delete+insert on the unique key and runs tests', async () => {
    const root = writeProject({
      'staging/stg_items.sql': 'SELECT k, v FROM staging.land_items',
      'core/items.sql': '-- @materialized incremental\n-- @unique_key k\n-- @test unique(k)\nSELECT * FROM staging.stg_items',
      'marts/totals.sql':
        '-- @test not_null(total)\n-- @test:warn expect(total < 100)\n-- @test accepted_values(k: a, b)\nSELECT k, sum(v) AS total FROM core.items GROUP BY k',
      'tests/total_positive.sql': '-- Totals are positive.\n-- @severity error\nSELECT * FROM mart.totals WHERE total <= 0',
    });
    const project = loadProject(root);
    db = await openDatabase(':memory:');
    const c = db.connection;
    await prepareWarehouse(c, project);
    await c.run("ATTACH ':memory:' AS staging");
    await c.run("CREATE TABLE staging.land_items AS SELECT * FROM (VALUES ('a', 1), ('b', 2)) t(k, v)");
    await runModels(c, project, { phase: 'load' });
    await c.run("CREATE OR REPLACE TABLE staging.land_items AS SELECT * FROM (VALUES ('b', 500), ('c', 3)) t(k, v)");
    await runModels(c, project, { phase: 'load' });
    await runModels(c, project, { phase: 'build' });
    expect(await queryRows(c, 'SELECT k, total::INT AS total FROM mart.totals ORDER BY k')).toEqual([
      { k: 'a', total: 1 },
      { k: 'b', total: 500 },
      { k: 'c', total: 3 },
    ]);
    const tests = await runDataTests(c, project, { phase: 'build' });
    const status = Object.fromEntries(tests.map((t) => [t.name, [t.status, t.severity, t.failures]]));
    expect(status).toEqual({
      'core.items: unique(k)': ['pass', 'error', 0],
      'mart.totals: not_null(total)': ['pass', 'error', 0],
      'mart.totals: expect(total < 100)': ['fail', 'warn', 1],
      'mart.totals: accepted_values(k: a, b)': ['fail', 'error', 1],
      total_positive: ['pass', 'error', 0],
    });
    // the failed error test blocks publishing; the failed warn test does not
    expect(blockingFailures(tests).map((t) => t.name)).toEqual(['mart.totals: accepted_values(k: a, b)']);
  });

  it('records a test that cannot run as an error that blocks publishing', async () => {
    const root = writeProject({
      'marts/totals.sql': '-- @test:warn expect(no_such_column > 0)\nSELECT 1 AS total',
      'tests/broken.sql': '-- A test whose SQL is wrong.\n-- @severity error\nSELECT * FROM mart.no_such_table',
    });
    const project = loadProject(root);
    db = await openDatabase(':memory:');
    await prepareWarehouse(db.connection, project);
    await runModels(db.connection, project, { phase: 'build' });
    const tests = await runDataTests(db.connection, project, { phase: 'build' });
    expect(tests.map((t) => [t.name, t.status, t.severity])).toEqual([
      ['mart.totals: expect(no_such_column > 0)', 'error', 'warn'],
      ['broken', 'error', 'error'],
    ]);
    expect(blockingFailures(tests).map((t) => t.name)).toEqual(['broken']);
  });
});
