// Materialises the models of a project on an open connection, in dependency order, and runs
// their data tests. Staging models land in the in-memory `staging` catalog that the load
// step attaches, so nothing they hold (raw ID numbers included) is ever written to disk.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral, sameKey, varcharList } from '../warehouse/duckdb.ts';
import type { ModelBuild } from './build-plan.ts';
import { references, type ColumnTest, type DeltaSpec, type Model, type Phase, type Project, type Severity } from './project.ts';

export interface ModelRunResult {
  relation: string;
  phase: Phase;
  materialized: Model['materialized'];
  seconds: number;
  /** Rows the model holds after the run (for incremental: rows added by this batch). */
  rows: number;
  /**
   * False when the run left the model's table as it was (skipped as unchanged, or an
   * incremental model with nothing to add): the build plan skips what reads only such tables.
   */
  changed: boolean;
  /**
   * Rows an incremental model's unique key replaced (a file read again replaces its own rows):
   * 0 when the run only appended. A `@delta` model may count a load model's run rows as its
   * whole change only then (build-plan.ts).
   */
  replaced: number;
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
    let rows = 0;
    let changed = true;
    let replaced = 0;
    try {
      const built = plan.get(model.relation);
      if (model.phase === 'build' && built?.mode === 'skip') changed = false;
      else if (model.rowsFrom.length > 0 && (await allEmpty(connection, model.rowsFrom))) changed = await leaveEmpty(connection, model);
      else if (model.phase === 'build') rows = await build(connection, model, built);
      else ({ rows, replaced } = await materialize(connection, model));
      if (model.phase === 'build' && model.materialized === 'incremental' && built?.mode !== 'keys') await noChanges(connection, model);
    } catch (error) {
      throw new Error(`model ${model.relation} (sql/${model.file}) failed: ${(error as Error).message}`);
    }
    const result = { relation: model.relation, phase: model.phase, materialized: model.materialized, seconds: (performance.now() - started) / 1000, rows, changed, replaced };
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

/** Rows written, and rows of the table an incremental model's key replaced. */
interface Written {
  rows: number;
  replaced: number;
}

async function materialize(connection: DuckDBConnection, model: Model): Promise<Written> {
  const target = `${model.schema}.${quoteIdent(model.name)}`;
  switch (model.materialized) {
    case 'view':
      await connection.run(`CREATE OR REPLACE VIEW ${target} AS\n${model.sql}`);
      return { rows: 0, replaced: 0 };
    case 'table': {
      const reader = await connection.runAndReadAll(`CREATE OR REPLACE TABLE ${target} AS\n${model.sql}`);
      return { rows: insertedRows(reader), replaced: 0 };
    }
    case 'incremental': {
      // delete+insert on the unique key: a batch replaces what it re-states (e.g. a re-exported snapshot).
      if (!(await tableExists(connection, model.schema, model.name))) {
        return { rows: insertedRows(await connection.runAndReadAll(`CREATE TABLE ${target} AS\n${model.sql}`)), replaced: 0 };
      }
      if (references(model.sql).includes(model.relation)) return replaceThroughTempTable(connection, model, target);
      // The model is read twice rather than kept in a temporary table: the delete needs only its
      // key columns, and the rows are written once, straight into the target.
      let replaced = 0;
      if (model.uniqueKey.length > 0) {
        const keys = model.uniqueKey.map(quoteIdent).join(', ');
        replaced = insertedRows(
          await connection.runAndReadAll(
            `DELETE FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT ${keys} FROM (\n${model.sql}\n)) AS b WHERE ${sameKey(model.uniqueKey, 't', 'b')})`,
          ),
        );
      }
      return { rows: insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME SELECT * FROM (\n${model.sql}\n)`)), replaced };
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
  if (model.materialized === 'view') return (await materialize(connection, model)).rows;
  try {
    if (mode === 'keys') {
      await connection.run('SET VARIABLE build_by_keys = true');
      return (await replaceThroughTempTable(connection, model, target, { keepChanges: true })).rows;
    }
    if (mode === 'delta' && model.delta !== null) return await mergeDelta(connection, model, target, model.delta);
    if (mode === 'partitions' && model.partitionBy !== null) {
      const periods = varcharList(plan!.periods);
      const period = `${quoteIdent(model.partitionBy.period)}::VARCHAR`;
      let inScope: string;
      const pairs = model.partitionBy.pairs;
      if (pairs !== null && plan![pairs.scope] !== undefined) {
        // Whole periods, and the touched (period, member) pairs of build_offices / build_people
        // (the night's, filled by the plan) or build_indicators (this model's own).
        const table = `build_${pairs.scope}`;
        if (pairs.scope === 'indicators') await fillIndicatorPairs(connection, plan!.indicators!);
        await connection.run(`SET VARIABLE build_whole_years = ${periods}`);
        await connection.run(`SET VARIABLE build_years = list_distinct(${periods} || (SELECT coalesce(list(period), []) FROM ${table}))`);
        await connection.run(`SET VARIABLE build_by_${pairs.scope} = true`);
        inScope = `(list_contains(getvariable('build_whole_years'), ${period}) OR (${period} || '/' || ${quoteIdent(pairs.column)}) IN (SELECT key FROM ${table}))`;
      } else {
        await connection.run(`SET VARIABLE build_years = ${periods}`);
        inScope = `list_contains(getvariable('build_years'), ${period})`;
      }
      await connection.run(`DELETE FROM ${target} WHERE ${inScope}`);
      return insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME SELECT * FROM (\n${model.sql}\n) WHERE ${inScope}`));
    }
    return insertedRows(await connection.runAndReadAll(`CREATE OR REPLACE TABLE ${target} AS\n${model.sql}${storedOrder(model)}`));
  } finally {
    await connection.run('SET VARIABLE build_delta = false');
    await connection.run('SET VARIABLE build_by_keys = false');
    await connection.run('SET VARIABLE build_by_offices = false');
    await connection.run('SET VARIABLE build_by_people = false');
    await connection.run('SET VARIABLE build_by_indicators = false');
    await connection.run('SET VARIABLE build_years = NULL::VARCHAR[]');
    await connection.run('SET VARIABLE build_whole_years = NULL::VARCHAR[]');
  }
}

/**
 * The columns a partitioned model's table is kept in order of: its period, and its indicator
 * when rebuilt by (period, indicator) pairs. A night's DELETE of rebuilt partitions then empties
 * whole row groups, which the next checkpoint drops, instead of thinning every row group, which
 * it rewrites (vacuum). None for pairs of offices or people: a night touches too many of them
 * for an order to keep its deletes together. The analyst copy keeps the same order.
 */
export function partitionOrder(model: Model): string[] {
  const partitionBy = model.partitionBy;
  if (!partitionBy) return [];
  if (partitionBy.pairs === null) return [partitionBy.period];
  return partitionBy.pairs.scope === 'indicators' ? [partitionBy.period, partitionBy.pairs.column] : [];
}

/** The ORDER BY that keeps a table in its partition order (partitionOrder), or nothing. */
export function storedOrder(model: Model): string {
  const columns = partitionOrder(model);
  return columns.length > 0 ? `\nORDER BY ${columns.map(quoteIdent).join(', ')}` : '';
}

/** build_indicators (sql/macros/build_scope.sql) holding a model's 'period/indicator_id' pairs. */
async function fillIndicatorPairs(connection: DuckDBConnection, keys: readonly string[]): Promise<void> {
  await connection.run('DELETE FROM build_indicators');
  if (keys.length === 0) return;
  const values = keys.map((k) => `(${quoteLiteral(k)})`).join(', ');
  await connection.run(`INSERT INTO build_indicators SELECT k, split_part(k, '/', 1), split_part(k, '/', 2) FROM (VALUES ${values}) AS t(k)`);
}

/**
 * A model whose `@rows_from` relations are empty has no rows: a table is created empty with its
 * columns (LIMIT 0: planned, not run), an incremental model is left as it is (nothing to add,
 * and no key of the batch to replace). Returns whether the table changed.
 */
async function leaveEmpty(connection: DuckDBConnection, model: Model): Promise<boolean> {
  if (model.materialized === 'view') {
    await materialize(connection, model);
    return true;
  }
  if (model.materialized === 'incremental' && (await tableExists(connection, model.schema, model.name))) return false;
  const target = `${model.schema}.${quoteIdent(model.name)}`;
  await connection.run(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM (\n${model.sql}\n) LIMIT 0`);
  return true;
}

async function allEmpty(connection: DuckDBConnection, relations: readonly string[]): Promise<boolean> {
  const any = relations.map((r) => `SELECT 1 FROM ${r}`).join(' UNION ALL ');
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM (${any} LIMIT 1)`);
  return Number(reader.getRows()[0]?.[0] ?? 0) === 0;
}

/**
 * An incremental model that reads its own table: its rows are computed before anything is
 * deleted. With keepChanges (a build-phase model updated by keys), the rows it replaced and the
 * rows it added stay for the rest of the run as the temp tables <schema>_<name>_replaced and
 * <schema>_<name>_added: a `@delta` model downstream counts them −1 and +1.
 */
async function replaceThroughTempTable(connection: DuckDBConnection, model: Model, target: string, options: { keepChanges?: boolean } = {}): Promise<Written> {
  const changes = changeTables(model);
  const batch = options.keepChanges ? changes.added : quoteIdent(`__batch_${model.schema}_${model.name}`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${batch} AS\n${model.sql}`);
  // The replaced rows are found once, by one join on the key, and named by rowid: reading every
  // column of the target for the replaced rows' copy and joining again for the delete cost three
  // times as much (core.cases at national: 0.9 s against 0.3 s). A rowid is a position, stable
  // only while nothing else writes the table, hence the transaction (no checkpoint inside it).
  await connection.run('BEGIN TRANSACTION');
  try {
    let replaced = 0;
    if (model.uniqueKey.length > 0) {
      const replacedRows = quoteIdent(`__replaced_rows_${model.schema}_${model.name}`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${replacedRows} AS SELECT t.rowid AS row_id FROM ${target} AS t SEMI JOIN ${batch} AS b ON ${sameKey(model.uniqueKey, 't', 'b')}`);
      if (options.keepChanges) {
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${changes.replaced} AS SELECT * FROM ${target} WHERE rowid IN (SELECT row_id FROM ${replacedRows})`);
      }
      replaced = insertedRows(await connection.runAndReadAll(`DELETE FROM ${target} WHERE rowid IN (SELECT row_id FROM ${replacedRows})`));
      await connection.run(`DROP TABLE ${replacedRows}`);
    }
    const added = insertedRows(await connection.runAndReadAll(`INSERT INTO ${target} BY NAME FROM ${batch}`));
    await connection.run('COMMIT');
    if (!options.keepChanges) await connection.run(`DROP TABLE ${batch}`);
    return { rows: added, replaced };
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The temp tables that hold what a keys build of `model` replaced and added this run. */
function changeTables(model: Pick<Model, 'schema' | 'name'>): { replaced: string; added: string } {
  return { replaced: quoteIdent(`${model.schema}_${model.name}_replaced`), added: quoteIdent(`${model.schema}_${model.name}_added`) };
}

/**
 * A build-phase incremental model built whole or left as it was: its change tables exist, empty
 * (a `@delta` model reads them in every mode).
 */
async function noChanges(connection: DuckDBConnection, model: Model): Promise<void> {
  if (!(await tableExists(connection, model.schema, model.name))) return;
  const { replaced, added } = changeTables(model);
  const target = `${model.schema}.${quoteIdent(model.name)}`;
  for (const table of [replaced, added]) await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${target} LIMIT 0`);
}

/**
 * `@delta` mode: the model's SQL, run with build_delta(), gives the signed change of each key's
 * additive columns (from the keys build's replaced and added rows); it is added to the table —
 * keys it lacks inserted — and a row whose additive columns are all 0 is deleted (such a model
 * keeps a row only while a count is above 0).
 */
async function mergeDelta(connection: DuckDBConnection, model: Model, target: string, delta: DeltaSpec): Promise<number> {
  const change = deltaTable(model);
  await connection.run('SET VARIABLE build_delta = true');
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${change} AS\n${model.sql}`);
  // NULL-safe: a key column may be NULL (int_export_rows: rows of no county)
  const match = (a: string, b: string) => sameKey(delta.key, a, b);
  const summed = delta.sum.map((c) => `m.${quoteIdent(c)} + d.${quoteIdent(c)} AS ${quoteIdent(c)}`).join(', ');
  const anyCount = (terms: (c: string) => string) => delta.sum.map((c) => `${terms(quoteIdent(c))} <> 0`).join(' OR ');
  const matched = quoteIdent(`__matched_${model.schema}_${model.name}`);
  // One join finds the rows the change meets; they are deleted and written again with the change
  // added, and dropped when their counts reach 0: one scan of the table, not one each for an
  // update, the new keys and the emptied rows (cases_monthly at national: 0.7 → 0.3 s). By
  // rowid, so in one transaction (see replaceThroughTempTable).
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${matched} AS SELECT t.rowid AS row_id, t.* FROM ${target} AS t SEMI JOIN ${change} AS d ON ${match('t', 'd')}`);
    await connection.run(`DELETE FROM ${target} WHERE rowid IN (SELECT row_id FROM ${matched})`);
    await connection.run(
      `INSERT INTO ${target} BY NAME SELECT m.* EXCLUDE (row_id) REPLACE (${summed}) FROM ${matched} AS m JOIN ${change} AS d ON ${match('m', 'd')} WHERE ${anyCount((c) => `m.${c} + d.${c}`)}`,
    );
    const inserted = insertedRows(
      await connection.runAndReadAll(
        `INSERT INTO ${target} BY NAME SELECT d.* FROM ${change} AS d WHERE NOT EXISTS (SELECT 1 FROM ${matched} AS m WHERE ${match('m', 'd')}) AND (${anyCount((c) => `d.${c}`)})`,
      ),
    );
    await connection.run(`DROP TABLE ${matched}`);
    await connection.run('COMMIT');
    // The change stays for the rest of the run: its keys are the rows the analyst copy takes again.
    return inserted;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The temp table holding a `@delta` build's change (its keys and signed sums) for the rest of the run. */
export function deltaTable(model: Pick<Model, 'schema' | 'name'>): string {
  return quoteIdent(`${model.schema}_${model.name}_delta`);
}

/** The row count DuckDB reports for CREATE TABLE … AS, INSERT and DELETE. */
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
  /** A singular test with `@on_fail rebuild`. */
  rebuildOnFail?: boolean;
  /** Seconds the test's query took (what a night's tests cost, test by test). */
  seconds: number;
}

/**
 * The results that stop a build from being published: failed tests of severity `error`, and
 * tests of severity `error` that could not run at all. `warn` results are recorded only.
 */
export function blockingFailures(results: DataTestResult[]): DataTestResult[] {
  return results.filter((r) => r.severity === 'error' && r.status !== 'pass');
}

/**
 * Runs the column tests of the phase's models and, for the build phase, every singular test.
 * With the build's plan, a model the run skipped as unchanged keeps the results it was published
 * with: its tests run only when they read a table the run changed (a relationships test's
 * target), and a singular test only when one of its models changed.
 */
export async function runDataTests(
  connection: DuckDBConnection,
  project: Project,
  options: {
    phase: Phase;
    plan?: readonly ModelBuild[];
    /**
     * The load relations the run's batches left as they were: a keys build's relationships
     * tests to one of them check only the rows the build added (the others were checked before).
     */
    unchangedLoads?: ReadonlySet<string>;
  },
): Promise<DataTestResult[]> {
  const skipped = new Set((options.plan ?? []).filter((b) => b.mode === 'skip').map((b) => b.relation));
  const unchanged = (relation: string) => skipped.has(relation) || (options.unchangedLoads?.has(relation) ?? false);
  const byKeys = new Set((options.plan ?? []).filter((b) => b.mode === 'keys').map((b) => b.relation));
  const byDelta = new Set((options.plan ?? []).filter((b) => b.mode === 'delta').map((b) => b.relation));
  // An incremental run (a plan, and not a rebuild) checks the rows its batches appended to a
  // load model stamped with the run: the rows before were checked when they were loaded, and a
  // re-read file's old rows were replaced by key. A build model updated by keys is checked on
  // the rows it added (its change table), one updated by its change on the rows of the keys that
  // change touched: every other row is as it was when last checked.
  const incremental = options.plan !== undefined && options.plan.every((b) => b.reason !== 'rebuild');
  const results: DataTestResult[] = [];
  for (const model of project.models) {
    // Staging models are checked per batch; everything kept on disk is checked at build time.
    const checkedIn: Phase = model.schema === 'staging' ? 'load' : 'build';
    if (checkedIn !== options.phase) continue;
    const keysBuilt = incremental && byKeys.has(model.relation);
    const deltaKey = incremental && byDelta.has(model.relation) ? (model.delta?.key ?? null) : null;
    const runRows = !incremental
      ? null
      : appendsRunRows(model)
        ? `(SELECT * FROM ${model.relation} WHERE run_id = getvariable('run_id'))`
        : keysBuilt
          ? changeTables(model).added
          : deltaKey !== null
            ? `(SELECT t.* FROM ${model.relation} AS t SEMI JOIN ${deltaTable(model)} AS d ON ${sameKey(deltaKey, 't', 'd')})`
            : null;
    for (const test of model.tests) {
      if (skipped.has(model.relation) && (test.test.kind !== 'relationships' || unchanged(test.test.target))) continue;
      // A unique test is right on the run's rows alone only when the model replaces (or adds to)
      // its rows by a key within it; a keys or delta build's relationships test only when its
      // target is as it was.
      const check = test.test;
      const rowKey = deltaKey ?? model.uniqueKey;
      const scoped =
        runRows !== null &&
        (check.kind !== 'unique' || rowKey.every((k) => check.columns.includes(k))) &&
        (!(keysBuilt || deltaKey !== null) || check.kind !== 'relationships' || unchanged(check.target));
      results.push(await runTest(connection, test.name, model.relation, test.severity, failingRowsSql(scoped ? runRows : model.relation, check)));
    }
  }
  if (options.phase === 'build') {
    for (const test of project.singularTests) {
      if (test.dependsOn.length > 0 && test.dependsOn.every(unchanged)) continue;
      const result = await runTest(connection, test.name, `sql/${test.file}`, test.severity, test.sql.trim().replace(/;\s*$/, ''));
      results.push(test.rebuildOnFail ? { ...result, rebuildOnFail: true } : result);
    }
  }
  return results;
}

/** A load-phase incremental model whose rows carry the run that appended them (`run_id`). */
function appendsRunRows(model: Model): boolean {
  return model.phase === 'load' && model.materialized === 'incremental' && model.uniqueKey.length > 0 && /getvariable\('run_id'\)[^,\n]*\bAS run_id\b/.test(model.sql);
}

async function runTest(
  connection: DuckDBConnection,
  name: string,
  subject: string,
  severity: Severity,
  failingSql: string,
): Promise<DataTestResult> {
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  try {
    const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM (\n${failingSql}\n)`);
    const failures = Number(reader.getRowObjects()[0]?.n ?? 0);
    return { name, subject, severity, status: failures === 0 ? 'pass' : 'fail', failures, message: null, seconds: seconds() };
  } catch (error) {
    return { name, subject, severity, status: 'error', failures: 0, message: (error as Error).message, seconds: seconds() };
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
