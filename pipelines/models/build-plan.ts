// What a refresh rebuilds in its build phase, model by model, and why. A nightly run rebuilds
// only what its new files touch: the latest-version tables (core.cases, core.training_records)
// by the keys of the run's new versions, the `@partition_by period` marts by the periods the
// run touched (sql/scope/touched_years.sql), the `@partition_by period, office_code` case models
// by the (period, office) pairs its new case versions touched (sql/scope/touched_offices.sql),
// the `@partition_by period, indicator_id` models by the (period, indicator) pairs of their
// changed inputs, and whole the periods a snapshot touched; everything else whole. A model is
// rebuilt whole, with everything that reads it, when the run is a rebuild, its table is new,
// or its SQL is not the SQL it was last built with (audit.model_state). The plan is recorded per run in
// audit.model_builds.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryJson, varcharList } from '../warehouse/duckdb.ts';
import { declaredIndicatorIds, references, type Model, type PairScopeName, type Project } from './project.ts';

export type BuildMode = 'full' | 'keys' | 'partitions' | 'delta' | 'skip';
export type BuildReason =
  | 'rebuild'
  | 'new'
  | 'sql_changed'
  | 'upstream_changed'
  | 'years_changed'
  | 'first_incremental'
  | 'not_partitioned'
  | 'new_versions'
  | 'touched'
  | 'unchanged'
  | 'test_asked';

export interface ModelBuild {
  relation: string;
  mode: BuildMode;
  /** For `partitions`: the periods deleted and re-inserted whole (possibly none). */
  periods: string[];
  /**
   * For `partitions` of a model partitioned by office too: how many (period, office) partitions
   * besides the whole periods were deleted and re-inserted (the pairs are in the temp table
   * build_offices, and recorded in audit.model_builds.offices).
   */
  offices?: number;
  /**
   * For `partitions` of a model partitioned by person (the training models): how many (period,
   * person) partitions besides the whole periods (the pairs are in the temp table build_people;
   * only their number is recorded: person keys stay out of the build record).
   */
  people?: number;
  /**
   * For `partitions` of a model partitioned by indicator (the office parts and unit values): the
   * (period, indicator) partitions besides the whole periods, as 'period/indicator_id' — those
   * of its inputs that changed (build_indicators while it is built; audit.model_builds.indicators).
   */
  indicators?: string[];
  reason: BuildReason;
}

export interface TouchedPeriod {
  period: string;
  sources: string[];
  new_year: boolean;
}

/** Reasons that change a model's rows in any period, so that what reads it is rebuilt whole too. */
const CHANGES_EVERY_PERIOD = new Set<BuildReason>(['rebuild', 'new', 'sql_changed', 'upstream_changed', 'years_changed', 'first_incremental', 'test_asked']);

export function sqlHash(model: Model): string {
  return createHash('sha256').update(model.sql).digest('hex');
}

function seedHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * A model whose rows can change with the day, not only with its inputs (today's date): never
 * skipped as unchanged. (The latest-version models read the run's id only to find its keys.)
 */
const VOLATILE = /\b(current_date|current_timestamp|now\s*\(|today\s*\(|get_current_\w+\s*\()/i;

export interface PlanOptions {
  rebuild: boolean;
  /**
   * The load-phase relations this run's batches changed (runner.ts: `changed` of their
   * results). A build model none of whose inputs changed (and not volatile) is skipped: its
   * table stays as published. Without it every load relation counts as changed.
   */
  changedLoads?: ReadonlySet<string>;
  /**
   * Of the changed load relations, those the batches only appended to (runner.ts: no row of an
   * earlier run `replaced`): a `@delta` model may take their rows of this run (`run_id`) as their
   * whole change. Without it, none.
   */
  appendedLoads?: ReadonlySet<string>;
}

/** The build plan of this run, decided before any build-phase model runs. */
export async function planBuild(connection: DuckDBConnection, project: Project, options: PlanOptions): Promise<ModelBuild[]> {
  const models = project.models.filter((m) => m.phase === 'build');
  const stored = new Map(
    (await queryJson<{ relation: string; sql_hash: string }>(connection, 'SELECT relation, sql_hash FROM audit.model_state')).map((r) => [r.relation, r.sql_hash]),
  );
  const existing = new Set(
    (
      await queryJson<{ relation: string }>(
        connection,
        "SELECT schema_name || '.' || table_name AS relation FROM duckdb_tables() WHERE database_name = current_database()",
      )
    ).map((r) => r.relation),
  );
  // Touched periods need the latest-version tables and the reported years as they were.
  const scopeReady = ['core.cases', 'core.training_records', 'intermediate.int_years'].every((r) => existing.has(r)) && project.touchedYearsSql !== null;
  const scoped = !options.rebuild && scopeReady;
  if (scoped && project.changedCasesSql !== null) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE changed_cases AS\n${project.changedCasesSql}`);
  }
  const touched = scoped ? await queryJson<TouchedPeriod>(connection, project.touchedYearsSql!) : null;
  const periods = (touched ?? []).map((t) => t.period);
  const yearsChanged = (touched ?? []).some((t) => t.new_year);
  // Models partitioned by pairs — the case models by office, the training models by person: the
  // touched pairs, and whole the periods whose offices or rosters a snapshot changed.
  const pairs: Record<Exclude<PairScopeName, 'indicators'>, PeriodPairs[] | null> = {
    offices: touched !== null && project.touchedOfficesSql !== null ? await fillBuildPairs(connection, 'offices', project.touchedOfficesSql) : null,
    people: touched !== null && project.touchedPeopleSql !== null ? await fillBuildPairs(connection, 'people', project.touchedPeopleSql) : null,
  };
  const snapshotPeriods = (touched ?? []).filter((t) => t.sources.includes('snapshot')).map((t) => t.period);

  // What this run changed, so far: the load relations, then every build model rebuilt with rows
  // of its own to change (not skipped, and not a partitions build with nothing in scope).
  const loadRelations = project.models.filter((m) => m.phase === 'load').map((m) => m.relation);
  const changed = new Set(options.changedLoads ?? loadRelations);
  // A seed whose file changed since the last build may change any model (macros read seeds too).
  const seedsChanged = project.seeds.some((seed) => stored.get(`seed.${seed.name}`) !== seedHash(seed.file));
  const inputChanged = (model: Model) => seedsChanged || references(model.sql).some((r) => changed.has(r));

  const plan = new Map<string, ModelBuild>();
  const byRelation = new Map(project.models.map((m) => [m.relation, m]));
  // (period, indicator) pairs: those of each changed input built by indicator pairs, and the
  // declared indicator ids (declaredIndicatorIds) of any other changed input in the touched
  // periods; whole the periods a snapshot touched, and those an input that declares none changed
  // in. A night of case and training files rebuilds 3 of the 15 indicators.
  const indicatorPartitions = (model: Model): ModelBuild => {
    const whole = new Set(snapshotPeriods);
    const keys = new Set<string>();
    for (const input of references(model.sql).filter((r) => changed.has(r))) {
      const upstream = plan.get(input);
      if (upstream?.indicators !== undefined) {
        for (const p of upstream.periods) whole.add(p);
        for (const key of upstream.indicators) keys.add(key);
        continue;
      }
      const inputModel = byRelation.get(input);
      const ids = inputModel ? declaredIndicatorIds(inputModel) : null;
      if (ids === null) for (const p of periods) whole.add(p);
      else for (const p of periods) for (const id of ids) keys.add(`${p}/${id}`);
    }
    // what the model computes from its other indicators of a period goes with any of them
    const periodOf = (key: string) => key.slice(0, key.indexOf('/'));
    for (const period of new Set([...keys].map(periodOf))) for (const id of model.partitionBy?.pairs?.derived ?? []) keys.add(`${period}/${id}`);
    const indicators = [...keys].filter((key) => !whole.has(periodOf(key))).sort();
    return { relation: model.relation, mode: 'partitions', periods: [...whole].sort(), indicators, reason: 'touched' };
  };
  // A `@delta` model can add the change of its inputs only when every input that changed was
  // built by keys (its replaced and added rows are the whole change) or is a load relation the
  // run only appended to (its rows of this run are).
  const onlyAdditiveChanges = (model: Model) =>
    references(model.sql)
      .filter((r) => changed.has(r))
      .every((r) => plan.get(r)?.mode === 'keys' || (options.appendedLoads?.has(r) ?? false));
  for (const model of models) {
    const whole = (reason: BuildReason): ModelBuild => ({ relation: model.relation, mode: 'full', periods: [], reason });
    const upstreamChanged = model.dependsOn.some((dep) => {
      const built = plan.get(dep);
      return built !== undefined && built.mode === 'full' && CHANGES_EVERY_PERIOD.has(built.reason);
    });
    let build: ModelBuild;
    if (options.rebuild) build = whole('rebuild');
    else if (model.materialized !== 'view' && !existing.has(model.relation)) build = whole('new');
    else if (stored.get(model.relation) !== sqlHash(model)) build = whole(stored.has(model.relation) ? 'sql_changed' : 'first_incremental');
    else if (upstreamChanged) build = whole('upstream_changed');
    else if (!VOLATILE.test(model.sql) && !inputChanged(model)) build = { relation: model.relation, mode: 'skip', periods: [], reason: 'unchanged' };
    else if (model.materialized === 'incremental') build = { relation: model.relation, mode: 'keys', periods: [], reason: 'new_versions' };
    else if (model.delta !== null && touched !== null && !yearsChanged && snapshotPeriods.length === 0 && onlyAdditiveChanges(model)) {
      build = { relation: model.relation, mode: 'delta', periods: [], reason: 'touched' };
    } else if (model.partitionBy === null) build = whole('not_partitioned');
    else if (touched === null) build = whole('first_incremental');
    else if (yearsChanged) build = whole('years_changed');
    else if (model.partitionBy.pairs?.scope === 'indicators') build = indicatorPartitions(model);
    else if (model.partitionBy.pairs !== null && pairs[model.partitionBy.pairs.scope] !== null) {
      const scope = model.partitionBy.pairs.scope;
      const count = pairs[scope]!.filter((p) => !snapshotPeriods.includes(p.period)).reduce((sum, p) => sum + p.pairs, 0);
      build = { relation: model.relation, mode: 'partitions', periods: snapshotPeriods, [scope]: count, reason: 'touched' };
    } else build = { relation: model.relation, mode: 'partitions', periods, reason: 'touched' };
    plan.set(model.relation, build);
    const nothingInScope =
      build.mode === 'partitions' && build.periods.length === 0 && (build.offices ?? 0) === 0 && (build.people ?? 0) === 0 && (build.indicators?.length ?? 0) === 0;
    if (build.mode !== 'skip' && !nothingInScope) changed.add(model.relation);
  }
  return [...plan.values()];
}

/** Every build model whole, for `reason` (a data test with `@on_fail rebuild` failed after a nightly build). */
export function wholePlan(project: Project, reason: BuildReason): ModelBuild[] {
  return project.models.filter((m) => m.phase === 'build').map((m) => ({ relation: m.relation, mode: 'full', periods: [], reason }));
}

interface PeriodPairs {
  period: string;
  pairs: number;
}

/**
 * build_<scope> (a temp table the runner and in_build_<scope>() read: sql/macros/build_scope.sql)
 * filled with the pairs the scope query gives, as 'period/member' keys; their number per period.
 */
async function fillBuildPairs(connection: DuckDBConnection, scope: PairScopeName, scopeSql: string): Promise<PeriodPairs[]> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE build_${scope} AS SELECT period || '/' || member AS key, period, member FROM (\n${scopeSql}\n) AS t(period, member)`);
  return queryJson<PeriodPairs>(connection, `SELECT period, count(*)::INTEGER AS pairs FROM build_${scope} GROUP BY period`);
}

/** After the build: the SQL each model was built with, for the next run's plan. */
export async function recordBuild(connection: DuckDBConnection, project: Project, runId: string, plan: ModelBuild[]): Promise<void> {
  // One transaction: one commit instead of one per row (about 70 of them, 0.8 s at national scale).
  await connection.run('BEGIN TRANSACTION');
  try {
    await writeBuildRecord(connection, project, runId, plan);
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function writeBuildRecord(connection: DuckDBConnection, project: Project, runId: string, plan: ModelBuild[]): Promise<void> {
  await connection.run('DELETE FROM audit.model_state');
  // A run that rebuilt after a failed test records its second plan in place of the first.
  await connection.run('DELETE FROM audit.model_builds WHERE run_id = $1', [runId]);
  for (const model of project.models.filter((m) => m.phase === 'build')) {
    await connection.run('INSERT INTO audit.model_state VALUES ($1, $2, $3)', [model.relation, sqlHash(model), runId]);
  }
  for (const seed of project.seeds) {
    await connection.run('INSERT INTO audit.model_state VALUES ($1, $2, $3)', [`seed.${seed.name}`, seedHash(seed.file), runId]);
  }
  for (const build of plan) {
    const periods = build.mode === 'partitions' ? varcharList(build.periods) : 'NULL';
    // The office pairs rebuilt beside the whole periods, as 'period/office_code'.
    const offices = build.offices === undefined ? 'NULL' : `(SELECT coalesce(list(key ORDER BY key) FILTER (WHERE NOT list_contains(${periods}, period)), []) FROM build_offices)`;
    const indicators = build.indicators === undefined ? 'NULL' : varcharList(build.indicators);
    await connection.run(
      `INSERT INTO audit.model_builds (run_id, relation, mode, periods, reason, offices, people, indicators) VALUES ($1, $2, $3, ${periods}, $4, ${offices}, $5, ${indicators})`,
      [runId, build.relation, build.mode, build.reason, build.people ?? null],
    );
  }
}
