// Materialises the models of a project on an open connection, in dependency order, and runs
// their data tests. Staging models land in the in-memory `staging` catalog that the load
// step attaches, so nothing they hold (raw ID numbers included) is ever written to disk.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../warehouse/duckdb.ts';
import type { ModelBuild } from './build-plan.ts';
import { references, type ColumnTest, type Model, type Phase, type Project, type Severity } from './project.ts';

export interface ModelRunResult {
  relation: string;
  phase: Phase;
  materialized: Model['materialized'];
  seconds: number;
  /** Rows the model holds after the run (for incremental: rows added by this batch). */
  rows: number;
}

export interface RunModelsOptions {
  phase: Phase;
  /** Called after each model, for progress displays. */
  onModel?: (result: ModelRunResult) => void;
  /** Build phase: how each model is built (build-plan.ts); without one, every model whole. */
  plan?: readonly ModelBuild[];
}

/** Creates schemas, (re)loads the seeds, runs init statements and macros; safe to call on every open. */
export async function prepareWarehouse(connection: DuckDBConnection, project: Project): Promise<void> {
  for (const schema of ['core', 'audit', 'intermediate', 'mart', 'seed']) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  }
  // Every column as text, as written (a county code stays '331102'); readers cast what they count.
  for (const seed of project.seeds) {
    await connection.run(`CREATE OR REPLACE TABLE seed.${quoteIdent(seed.name)} AS SELECT * FROM read_csv(${quoteLiteral(seed.file)}, header = true, all_varchar = true)`);
  }
  for (const { file, sql } of [...project.initSql, ...project.macroSql]) {
    try {
      await connection.run(sql);
    } catch (error) {
      throw new Error(`sql/${file}: ${(error as Error).message}`);
    }
  }
}

export async function runModels(
  connection: DuckDBConnection,
  project: Project,
  options: RunModelsOptions,
): Promise<ModelRunResult[]> {
  const results: ModelRunResult[] = [];
  const plan = new Map((options.plan ?? []).map((b) => [b.relation, b]));
  for (const model of project.models) {
    if (model.phase !== options.phase) continue;
    const started = performance.now();
    let rows: number;
    try {
      rows = model.phase === 'build' ? await build(connection, model, plan.get(model.relation)) : await materialize(connection, model);
    } catch (error) {
      throw new Error(`model ${model.relation} (sql/${model.file}) failed: ${(error as Error).message}`);
    }
    const result = { relation: model.relation, phase: model.phase, materialized: model.materialized, seconds: (performance.now() - started) / 1000, rows };
    results.push(result);
    options.onModel?.(result);
  }
  return results;
}

/** Seconds per model over many runs (load-phase models run once per batch). */
export interface ModelTiming {
  relation: string;
  phase: Phase;
  runs: number;
  seconds: number;
}

/** Sums model runs per model, slowest first: what a run summary shows to say where time went. */
export function modelTimings(runs: readonly ModelRunResult[]): ModelTiming[] {
  const byRelation = new Map<string, ModelTiming>();
  for (const run of runs) {
    const timing = byRelation.get(run.relation) ?? { relation: run.relation, phase: run.phase, runs: 0, seconds: 0 };
    timing.runs += 1;
    timing.seconds += run.seconds;
    byRelation.set(run.relation, timing);
  }
  return [...byRelation.values()].sort((a, b) => b.seconds - a.seconds);
}

async function materialize(connection: DuckDBConnection, model: Model): Promise<number> {
  const target = `${model.schema}.${quoteIdent(model.name)}`;
  switch (model.materialized) {
    case 'view':
      await connection.run(`CREATE OR REPLACE VIEW ${target} AS\n${model.sql}`);
      return 0;
    case 'table': {
      const reader = await connection.runAndReadAll(`CREATE OR REPLACE TABLE ${target} AS\n${model.sql}`);
      return insertedRows(reader);
    }
    case 'incremental': {
      // delete+insert on the unique key: a batch replaces what it re-states (e.g. a re-exported snapshot).
      if (!(await tableExists(connection, model.schema, model.name))) {
        return insertedRows(await connection.runAndReadAll(`CREATE TABLE ${target} AS\n${model.sql}`));
      }
      if (references(model.sql).includes(model.relation)) return replaceThroughTempTable(connection, model, target);
      // The model is read twice rather than kept in a temporary table: the delete needs only its
      // key columns, and the rows are written once, straight into the target.
      if (model.uniqueKey.length > 0) {
        const keys = model.uniqueKey.map(quoteIdent).join(', ');
        const match = model.uniqueKey.map((k) => `t.${quoteIdent(k)} IS NOT DISTINCT FROM b.${quoteIdent(k)}`).join(' AND ');
        await connection.run(
          `DELETE FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT ${keys} FROM (\n${model.sql}\n)) AS b WHERE ${match})`,
        );
      }
      return insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME SELECT * FROM (\n${model.sql}\n)`));
    }
  }
}

/**
 * A build-phase model, as its plan says: whole (CREATE OR REPLACE), by keys (the run's new
 * versions' keys deleted and their rows inserted) or by partitions (the touched periods
 * deleted, and the model's rows of those periods inserted: the filter on its output keeps it
 * right whether or not the model narrows early with in_build_years()).
 */
async function build(connection: DuckDBConnection, model: Model, plan: ModelBuild | undefined): Promise<number> {
  const target = `${model.schema}.${quoteIdent(model.name)}`;
  const mode = plan?.mode ?? 'full';
  if (model.materialized === 'view') return materialize(connection, model);
  try {
    if (mode === 'keys') {
      await connection.run('SET VARIABLE build_by_keys = true');
      return await replaceThroughTempTable(connection, model, target);
    }
    if (mode === 'partitions' && model.partitionBy !== null) {
      const periods = plan!.periods.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ');
      await connection.run(`SET VARIABLE build_years = [${periods}]::VARCHAR[]`);
      const inScope = `list_contains(getvariable('build_years'), ${quoteIdent(model.partitionBy)}::VARCHAR)`;
      await connection.run(`DELETE FROM ${target} WHERE ${inScope}`);
      return insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME SELECT * FROM (\n${model.sql}\n) WHERE ${inScope}`));
    }
    return insertedRows(await connection.runAndReadAll(`CREATE OR REPLACE TABLE ${target} AS\n${model.sql}`));
  } finally {
    await connection.run('SET VARIABLE build_by_keys = false');
    await connection.run('SET VARIABLE build_years = NULL::VARCHAR[]');
  }
}

/** An incremental model that reads its own table: its rows are computed before anything is deleted. */
async function replaceThroughTempTable(connection: DuckDBConnection, model: Model, target: string): Promise<number> {
  const batch = quoteIdent(`__batch_${model.schema}_${model.name}`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${batch} AS\n${model.sql}`);
  if (model.uniqueKey.length > 0) {
    const match = model.uniqueKey.map((k) => `t.${quoteIdent(k)} IS NOT DISTINCT FROM b.${quoteIdent(k)}`).join(' AND ');
    await connection.run(`DELETE FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM ${batch} AS b WHERE ${match})`);
  }
  const added = insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME FROM ${batch}`));
  await connection.run(`DROP TABLE ${batch}`);
  return added;
}

/** The row count DuckDB reports for CREATE TABLE … AS and INSERT. */
function insertedRows(reader: { getRows(): unknown[][] }): number {
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

async function tableExists(connection: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    'SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2',
    [schema, name],
  );
  return Number(reader.getRowObjects()[0]?.n ?? 0) > 0;
}

export interface DataTestResult {
  name: string;
  /** The model tested, or the singular test's file. */
  subject: string;
  severity: Severity;
  status: 'pass' | 'fail' | 'error';
  failures: number;
  message: string | null;
}

/**
 * The results that stop a build from being published: failed tests of severity `error`, and
 * tests of severity `error` that could not run at all. `warn` results are recorded only.
 */
export function blockingFailures(results: DataTestResult[]): DataTestResult[] {
  return results.filter((r) => r.severity === 'error' && r.status !== 'pass');
}

/** Runs the column tests of the phase's models and, for the build phase, every singular test. */
export async function runDataTests(
  connection: DuckDBConnection,
  project: Project,
  options: { phase: Phase },
): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const model of project.models) {
    // Staging models are checked per batch; everything kept on disk is checked at build time.
    const checkedIn: Phase = model.schema === 'staging' ? 'load' : 'build';
    if (checkedIn !== options.phase) continue;
    for (const test of model.tests) {
      results.push(await runTest(connection, test.name, model.relation, test.severity, failingRowsSql(model.relation, test.test)));
    }
  }
  if (options.phase === 'build') {
    for (const test of project.singularTests) {
      results.push(await runTest(connection, test.name, `sql/${test.file}`, test.severity, test.sql.trim().replace(/;\s*$/, '')));
    }
  }
  return results;
}

async function runTest(
  connection: DuckDBConnection,
  name: string,
  subject: string,
  severity: Severity,
  failingSql: string,
): Promise<DataTestResult> {
  try {
    const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM (\n${failingSql}\n)`);
    const failures = Number(reader.getRowObjects()[0]?.n ?? 0);
    return { name, subject, severity, status: failures === 0 ? 'pass' : 'fail', failures, message: null };
  } catch (error) {
    return { name, subject, severity, status: 'error', failures: 0, message: (error as Error).message };
  }
}

/** The rows that break a column test; the test passes when there are none. */
export function failingRowsSql(relation: string, test: ColumnTest): string {
  const cols = (names: string[]) => names.map(quoteIdent).join(', ');
  switch (test.kind) {
    case 'unique': {
      // Keys are first compared by their hash (one integer, however wide the key: file_id is 64
      // characters), then only the keys whose hash repeats are compared exactly. Repeated hashes
      // are found by sorting them and comparing neighbours: a GROUP BY of a million distinct
      // hashes fills a hash table with them (case_versions: 0.30-0.43 -> 0.13-0.15 s CPU).
      const hashed = `hash(${cols(test.columns)})`;
      const repeated = `SELECT DISTINCT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS previous FROM (SELECT ${hashed} AS h FROM ${relation})) WHERE h = previous`;
      return `SELECT ${cols(test.columns)} FROM ${relation}
WHERE ${hashed} IN (${repeated})
GROUP BY ALL HAVING count(*) > 1`;
    }
    case 'not_null':
      return `SELECT * FROM ${relation} WHERE ${test.columns.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ')}`;
    case 'accepted_values': {
      const list = test.values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
      return `SELECT ${quoteIdent(test.column)} FROM ${relation} WHERE ${quoteIdent(test.column)} IS NOT NULL AND ${quoteIdent(test.column)}::VARCHAR NOT IN (${list})`;
    }
    case 'relationships': {
      const on = test.columns.map((c, i) => `child.${quoteIdent(c)} = parent.${quoteIdent(test.targetColumns[i]!)}`).join(' AND ');
      const notNull = test.columns.map((c) => `child.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
      return `SELECT child.* FROM ${relation} AS child WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${test.target} AS parent WHERE ${on})`;
    }
    case 'expect':
      return `SELECT * FROM ${relation} WHERE (${test.expression}) IS NOT TRUE`;
  }
}
