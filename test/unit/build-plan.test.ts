// The build plan's parts on a small project: the directives it reads, and the runner's
// partitions mode — only the planned periods change, even for a model that does not narrow
// early itself (the filter on its output is what keeps it right).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, SQL_ROOT } from '../../pipelines/models/project.ts';
import type { ModelBuild } from '../../pipelines/models/build-plan.ts';
import { prepareWarehouse, runDataTests, runModels } from '../../pipelines/models/runner.ts';
import { openDatabase, queryRows, type Database } from '../../pipelines/warehouse/duckdb.ts';

function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sqlproj-plan-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

let db: Database | undefined;
afterEach(() => db?.close());

/**
 * A small project opened in memory and prepared, with the real project's build-scope macros
 * (the others need its tables), or with none (`macros: false`).
 */
async function openSmallProject(files: Record<string, string>, options: { macros?: boolean } = {}) {
  const own = loadProject(writeProject(files));
  const project = options.macros === false ? own : { ...own, macroSql: loadProject(SQL_ROOT).macroSql.filter((m) => m.file.endsWith('build_scope.sql')) };
  db = await openDatabase(':memory:');
  await prepareWarehouse(db.connection, project);
  return { project, c: db.connection };
}

describe('build plan directives', () => {
  it('reads @partition_by and @phase build, and refuses them where they make no sense', () => {
    const project = loadProject(
      writeProject({
        'core/latest.sql': '-- @materialized incremental\n-- @phase build\n-- @unique_key k\nSELECT 1 AS k',
        'marts/per_year.sql': '-- @partition_by period\nSELECT 1 AS period',
        'marts/per_office.sql': '-- @partition_by period, office_code\nSELECT 1 AS period, 2 AS office_code',
        'marts/per_person.sql': "-- @partition_by period, person_key\nSELECT 1 AS period, 'p' AS person_key",
        'marts/per_indicator.sql': "-- @partition_by period, indicator_id\n-- @derived_indicators index\nSELECT 1 AS period, 'i' AS indicator_id",
      }),
    );
    expect(project.models.map((m) => [m.relation, m.phase, m.partitionBy])).toEqual([
      ['core.latest', 'build', null],
      ['mart.per_indicator', 'build', { period: 'period', pairs: { column: 'indicator_id', scope: 'indicators', derived: ['index'] } }],
      ['mart.per_office', 'build', { period: 'period', pairs: { column: 'office_code', scope: 'offices', derived: [] } }],
      ['mart.per_person', 'build', { period: 'period', pairs: { column: 'person_key', scope: 'people', derived: [] } }],
      ['mart.per_year', 'build', { period: 'period', pairs: null }],
    ]);
    expect(() => loadProject(writeProject({ 'marts/a.sql': '-- @partition_by period\n-- @derived_indicators x\nSELECT 1 AS period' }))).toThrow(/@derived_indicators/);
    expect(() => loadProject(writeProject({ 'marts/a.sql': '-- @partition_by a, b, c\nSELECT 1 AS a' }))).toThrow(/@partition_by/);
    // A second column names the scope its touched pairs come from: only those two have one.
    expect(() => loadProject(writeProject({ 'marts/a.sql': '-- @partition_by period, county_code\nSELECT 1 AS period' }))).toThrow(/office_code, person_key or indicator_id/);
    expect(() => loadProject(writeProject({ 'marts/a.sql': '-- @phase build\nSELECT 1' }))).toThrow(/incremental models only/);
    expect(() => loadProject(writeProject({ 'marts/a.sql': '-- @materialized view\n-- @partition_by period\nSELECT 1 AS period' }))).toThrow(
      /@partition_by/,
    );
  });
});

describe('partitions mode', () => {
  it('deletes and re-inserts only the planned periods', async () => {
    const { project, c } = await openSmallProject({
      // Reads every year and never narrows: the runner's filter must keep the other years as they were.
      'marts/totals.sql': '-- @partition_by period\nSELECT period, sum(v) AS total FROM main.facts GROUP BY period',
    });
    await c.run("CREATE TABLE main.facts AS SELECT * FROM (VALUES ('2024', 1), ('2025', 2)) t(period, v)");
    await runModels(c, project, { phase: 'build' });
    await c.run("INSERT INTO main.facts VALUES ('2024', 10), ('2025', 20), ('2026', 30)");
    const plan = [{ relation: 'mart.totals', mode: 'partitions' as const, periods: ['2025', '2026'], reason: 'touched' as const }];
    await runModels(c, project, { phase: 'build', plan });
    const rows = await queryRows<{ period: string; total: number }>(c, 'SELECT period, total::INTEGER AS total FROM mart.totals ORDER BY period');
    // 2024 was not planned, so it keeps its old total (a real plan lists every touched year).
    expect(rows).toEqual([
      { period: '2024', total: 1 },
      { period: '2025', total: 22 },
      { period: '2026', total: 30 },
    ]);
    // The variables are reset: a model built after it sees a full build.
    expect((await queryRows<{ full: boolean }>(c, "SELECT in_build_years('1999') AS full"))[0]!.full).toBe(true);
  });
});

describe('partitions mode by pairs', () => {
  // The case models by office, the training models by person: one mechanism, a table of pairs
  // and a macro each. The office model never narrows (the runner's filter must keep every other
  // pair as it was); the person model narrows early, as the training models do.
  it.each([
    { scope: 'offices', column: 'office_code', macro: 'in_build_offices', narrows: false },
    { scope: 'people', column: 'person_key', macro: 'in_build_people', narrows: true },
  ] as const)('by $column: only the touched (period, member) pairs and the whole periods are rebuilt', async ({ scope, column, macro, narrows }) => {
    const where = narrows ? `WHERE ${macro}(period, ${column}) ` : '';
    const { project, c } = await openSmallProject({
      'marts/totals.sql': `-- @partition_by period, ${column}\nSELECT period, ${column}, sum(v) AS total FROM main.facts ${where}GROUP BY ALL`,
    });
    await c.run(`CREATE TABLE main.facts AS SELECT * FROM (VALUES ('2025', 'A', 1), ('2025', 'B', 2), ('2026', 'A', 3)) t(period, ${column}, v)`);
    await runModels(c, project, { phase: 'build' });
    // New facts everywhere; the plan names 2025/B as touched and 2026 as whole (as a snapshot would).
    await c.run("INSERT INTO main.facts VALUES ('2025', 'A', 10), ('2025', 'B', 20), ('2026', 'A', 30), ('2026', 'C', 40)");
    await c.run(`CREATE OR REPLACE TEMP TABLE build_${scope} AS SELECT '2025/B' AS key, '2025' AS period, 'B' AS member`);
    const plan = [{ relation: 'mart.totals', mode: 'partitions' as const, periods: ['2026'], [scope]: 1, reason: 'touched' as const }];
    await runModels(c, project, { phase: 'build', plan });
    const rows = await queryRows<{ key: string; total: number }>(c, `SELECT period || '/' || ${column} AS key, total::INTEGER AS total FROM mart.totals ORDER BY key`);
    expect(rows).toEqual([
      { key: '2025/A', total: 1 }, // not touched: as it was
      { key: '2025/B', total: 22 },
      { key: '2026/A', total: 33 },
      { key: '2026/C', total: 40 }, // a new member of a whole period
    ]);
    // The variables are reset: a model built after it sees a full build.
    expect((await queryRows<{ all: boolean }>(c, `SELECT ${macro}('1999', 'Z') AS all`))[0]!.all).toBe(true);
  });
});

describe('data tests of an incremental run', () => {
  it("check a load model's rows of this run only, and skip the tests of models left unchanged", async () => {
    const { project, c } = await openSmallProject({
      'core/versions.sql':
        "-- @materialized incremental\n-- @unique_key file_id\n-- @test unique(k, file_id)\n-- @test expect(v >= 0)\nSELECT k, file_id, v, getvariable('run_id')::VARCHAR AS run_id FROM main.landed",
      'marts/totals.sql': '-- @test expect(total < 100)\nSELECT sum(v) AS total FROM core.versions',
    }, { macros: false });
    await c.run("SET VARIABLE run_id = 'r1'");
    // Rows of an earlier run that break both tests (as if loaded before the tests existed).
    await c.run("CREATE TABLE main.landed AS SELECT * FROM (VALUES ('a', 'f1', -1), ('a', 'f1', 500)) t(k, file_id, v)");
    await runModels(c, project, { phase: 'load' });
    await c.run("SET VARIABLE run_id = 'r2'");
    await c.run("CREATE OR REPLACE TABLE main.landed AS SELECT * FROM (VALUES ('b', 'f2', 1)) t(k, file_id, v)");
    await runModels(c, project, { phase: 'load' });
    const failing = async (plan: ModelBuild[] | undefined) =>
      (await runDataTests(c, project, { phase: 'build', ...(plan ? { plan } : {}) })).filter((t) => t.status !== 'pass').map((t) => t.name);
    // Without a plan (a whole check) the old rows fail; an incremental run checks r2's rows only.
    expect(await failing(undefined)).toEqual(['core.versions: unique(k, file_id)', 'core.versions: expect(v >= 0)', 'mart.totals: expect(total < 100)']);
    const incremental: ModelBuild[] = [{ relation: 'mart.totals', mode: 'full', periods: [], reason: 'not_partitioned' }];
    expect(await failing(incremental)).toEqual(['mart.totals: expect(total < 100)']);
    // A mart the run left as it was keeps its published results: its tests are not run again.
    expect(await failing([{ relation: 'mart.totals', mode: 'skip', periods: [], reason: 'unchanged' }])).toEqual([]);
    // A bad row of this run is caught.
    await c.run("SET VARIABLE run_id = 'r3'");
    await c.run("CREATE OR REPLACE TABLE main.landed AS SELECT * FROM (VALUES ('c', 'f3', -5), ('c', 'f3', 2)) t(k, file_id, v)");
    await runModels(c, project, { phase: 'load' });
    expect(await failing(incremental)).toEqual(['core.versions: unique(k, file_id)', 'core.versions: expect(v >= 0)', 'mart.totals: expect(total < 100)']);
  });
});

describe('data tests of a keys build', () => {
  it('check the rows the build added; a relationships test to a changed target checks every row', async () => {
    const { project, c } = await openSmallProject({
      'core/places.sql': '-- @materialized incremental\n-- @unique_key p\nSELECT p FROM main.landed_places',
      'core/latest.sql': [
        '-- @materialized incremental',
        '-- @phase build',
        '-- @unique_key k',
        '-- @test unique(k)',
        '-- @test expect(v >= 0)',
        '-- @test relationships(p -> core.places(p))',
        'SELECT k, v, p FROM main.versions WHERE NOT build_by_keys() OR k IN (SELECT k FROM main.new_keys)',
      ].join('\n'),
    });
    await c.run("CREATE TABLE main.landed_places AS SELECT * FROM (VALUES ('P1'), ('P2')) t(p)");
    await runModels(c, project, { phase: 'load' });
    // An old row that breaks two tests (as if built before the tests existed), and one whose place goes.
    await c.run("CREATE TABLE main.versions AS SELECT * FROM (VALUES ('a', -1, 'P9'), ('b', 1, 'P2')) t(k, v, p)");
    await c.run('CREATE TABLE main.new_keys (k VARCHAR)');
    await runModels(c, project, { phase: 'build' });
    const keys: ModelBuild[] = [{ relation: 'core.latest', mode: 'keys', periods: [], reason: 'new_versions' }];
    const failing = async (options: { plan?: ModelBuild[]; unchangedLoads?: Set<string> }) =>
      (await runDataTests(c, project, { phase: 'build', ...options })).filter((t) => t.status !== 'pass').map((t) => t.name);
    expect(await failing({})).toEqual(['core.latest: expect(v >= 0)', 'core.latest: relationships(p -> core.places(p))']);
    // A night adding a good row 'c': only the added rows are checked (places unchanged).
    await c.run("INSERT INTO main.versions VALUES ('c', 2, 'P1')");
    await c.run("INSERT INTO main.new_keys VALUES ('c')");
    await runModels(c, project, { phase: 'build', plan: keys });
    expect(await failing({ plan: keys, unchangedLoads: new Set(['core.places']) })).toEqual([]);
    // The places changed this run: the relationships test reads every row again.
    expect(await failing({ plan: keys })).toEqual(['core.latest: relationships(p -> core.places(p))']);
    // A bad row added by the night is caught.
    await c.run("INSERT INTO main.versions VALUES ('d', -3, 'P7')");
    await c.run("DELETE FROM main.new_keys; INSERT INTO main.new_keys VALUES ('d')");
    await runModels(c, project, { phase: 'build', plan: keys });
    expect(await failing({ plan: keys, unchangedLoads: new Set(['core.places']) })).toEqual([
      'core.latest: expect(v >= 0)',
      'core.latest: relationships(p -> core.places(p))',
    ]);
  });
});

describe('@rows_from', () => {
  it('leaves a load model empty (table) or as it was (incremental) when its sources are empty, without running it', async () => {
    const { project, c } = await openSmallProject({
      // Both give a row even from nothing (an aggregate; a constant row): run, they would show it.
      'staging/stg_things.sql': "-- @rows_from main.landed\nSELECT 'x' AS k, count(*)::INTEGER AS v FROM main.landed",
      'core/things.sql': "-- @materialized incremental\n-- @unique_key k\n-- @rows_from staging.stg_things\nSELECT k, v FROM staging.stg_things UNION ALL SELECT 'b', 2",
    }, { macros: false });
    await c.run("ATTACH ':memory:' AS staging");
    await c.run('CREATE TABLE main.landed (k VARCHAR, v INTEGER)');
    await c.run("CREATE TABLE core.things AS SELECT 'a' AS k, 1 AS v");
    const results = await runModels(c, project, { phase: 'load' });
    expect(results.map((r) => [r.relation, r.changed])).toEqual([
      ['staging.stg_things', true],
      ['core.things', false],
    ]);
    expect(await queryRows(c, "SELECT column_name AS name FROM duckdb_columns() WHERE table_name = 'stg_things' ORDER BY column_index")).toEqual([{ name: 'k' }, { name: 'v' }]);
    expect(await queryRows(c, 'SELECT count(*)::INTEGER AS n FROM staging.stg_things')).toEqual([{ n: 0 }]);
    expect(await queryRows(c, 'SELECT k, v::INTEGER AS v FROM core.things')).toEqual([{ k: 'a', v: 1 }]);
    // With a landed row both run.
    await c.run("INSERT INTO main.landed VALUES ('z', 9)");
    expect((await runModels(c, project, { phase: 'load' })).map((r) => r.changed)).toEqual([true, true]);
    expect(await queryRows(c, 'SELECT k, v::INTEGER AS v FROM core.things ORDER BY k')).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'x', v: 1 }]);
  });
});

/** core.latest by keys of main.new_keys, and the signed rows a `@delta` model reads from it. */
const LATEST_BY_KEYS =
  '-- @materialized incremental\n-- @phase build\n-- @unique_key k\nSELECT k, g FROM main.versions WHERE NOT build_by_keys() OR k IN (SELECT k FROM main.new_keys)';
const SIGNED_ROWS = [
  'WITH rows AS (SELECT *, 1 AS sign FROM core.latest WHERE NOT build_delta()',
  '  UNION ALL SELECT *, -1 FROM core_latest_replaced WHERE build_delta()',
  '  UNION ALL SELECT *, 1 FROM core_latest_added WHERE build_delta())',
].join('\n');

describe('delta mode', () => {
  it('adds the signed change of the rows a keys build replaced and added, and drops a row whose counts reach 0', async () => {
    const { project, c } = await openSmallProject({
      'core/latest.sql': LATEST_BY_KEYS,
      'marts/per_group.sql': [
        '-- @partition_by period',
        '-- @delta period, g',
        '-- @delta_sum n',
        SIGNED_ROWS,
        "SELECT '2025' AS period, g, sum(sign)::INTEGER AS n FROM rows GROUP BY g",
      ].join('\n'),
    });
    // g NULL is a group too (int_export_rows: rows of no county): the change must meet it, not add a second row
    await c.run("CREATE TABLE main.versions AS SELECT * FROM (VALUES ('a', 'x'), ('b', 'x'), ('c', 'y'), ('e', NULL)) t(k, g)");
    await c.run('CREATE TABLE main.new_keys (k VARCHAR)');
    await runModels(c, project, { phase: 'build' });
    // 'c' moves from y to z (y's count reaches 0), 'd' is new in x.
    await c.run("UPDATE main.versions SET g = 'z' WHERE k = 'c'");
    await c.run("INSERT INTO main.versions VALUES ('d', 'x'), ('f', NULL)");
    await c.run("INSERT INTO main.new_keys VALUES ('c'), ('d'), ('f')");
    const plan: ModelBuild[] = [
      { relation: 'core.latest', mode: 'keys', periods: [], reason: 'new_versions' },
      { relation: 'mart.per_group', mode: 'delta', periods: [], reason: 'touched' },
    ];
    await runModels(c, project, { phase: 'build', plan });
    expect(await queryRows(c, 'SELECT g, n::INTEGER AS n FROM mart.per_group ORDER BY g NULLS LAST')).toEqual([
      { g: 'x', n: 3 },
      { g: 'z', n: 1 },
      { g: null, n: 2 },
    ]);
  });

  it("checks, on a delta night, only the rows of the keys the change touched", async () => {
    const { project, c } = await openSmallProject({
      'core/latest.sql': LATEST_BY_KEYS,
      'marts/per_group.sql': [
        '-- @delta g',
        '-- @delta_sum n',
        '-- @test unique(g)',
        '-- @test expect(n < 3)',
        SIGNED_ROWS,
        'SELECT g, sum(sign)::INTEGER AS n FROM rows GROUP BY g',
      ].join('\n'),
    });
    // x breaks expect(n < 3) from the start (as if built before the test existed)
    await c.run("CREATE TABLE main.versions AS SELECT * FROM (VALUES ('a', 'x'), ('b', 'x'), ('c', 'x'), ('d', 'y')) t(k, g)");
    await c.run('CREATE TABLE main.new_keys (k VARCHAR)');
    await runModels(c, project, { phase: 'build' });
    const plan: ModelBuild[] = [
      { relation: 'core.latest', mode: 'keys', periods: [], reason: 'new_versions' },
      { relation: 'mart.per_group', mode: 'delta', periods: [], reason: 'touched' },
    ];
    const failing = async (options: { plan?: ModelBuild[] }) =>
      (await runDataTests(c, project, { phase: 'build', ...options })).filter((t) => t.status !== 'pass').map((t) => t.name);
    expect(await failing({})).toEqual(['mart.per_group: expect(n < 3)']);
    // A night adding a row to y: only y is checked, and passes.
    await c.run("INSERT INTO main.versions VALUES ('e', 'y')");
    await c.run("INSERT INTO main.new_keys VALUES ('e')");
    await runModels(c, project, { phase: 'build', plan });
    expect(await failing({ plan })).toEqual([]);
    // A night taking y to 3: caught.
    await c.run("INSERT INTO main.versions VALUES ('f', 'y')");
    await c.run("DELETE FROM main.new_keys; INSERT INTO main.new_keys VALUES ('f')");
    await runModels(c, project, { phase: 'build', plan });
    expect(await failing({ plan })).toEqual(['mart.per_group: expect(n < 3)']);
  });
});

describe('load models: rows replaced', () => {
  it("counts the rows of an earlier batch a file read again replaces (a delta may take a load model's run rows only when 0)", async () => {
    const { project, c } = await openSmallProject(
      { 'core/versions.sql': '-- @materialized incremental\n-- @unique_key file_id\nSELECT file_id, v FROM main.landed' },
      { macros: false },
    );
    await c.run('CREATE TABLE main.landed (file_id VARCHAR, v INTEGER)');
    const load = async (rows: string) => {
      await c.run('DELETE FROM main.landed');
      await c.run(`INSERT INTO main.landed VALUES ${rows}`);
      const [result] = await runModels(c, project, { phase: 'load' });
      return { rows: result!.rows, replaced: result!.replaced };
    };
    expect(await load("('f1', 1), ('f1', 2)")).toEqual({ rows: 2, replaced: 0 });
    expect(await load("('f2', 3)")).toEqual({ rows: 1, replaced: 0 });
    // f1 read again: its two rows of the first batch are replaced by the three of this one
    expect(await load("('f1', 1), ('f1', 2), ('f1', 4)")).toEqual({ rows: 3, replaced: 2 });
    expect(await queryRows(c, 'SELECT count(*)::INTEGER AS n FROM core.versions')).toEqual([{ n: 4 }]);
  });
});
