// What a refresh rebuilds in its build phase, model by model, and why. A nightly run rebuilds
// only what its new files touch: the latest-version tables (core.cases, core.training_records)
// by the keys of the run's new versions, the `@partition_by period` marts by the periods the
// run touched (sql/scope/touched_years.sql); everything else whole. A model is rebuilt whole,
// with everything that reads it, when the run is a rebuild, its table is new, or its SQL is
// not the SQL it was last built with (audit.model_state). The plan is recorded per run in
// audit.model_builds.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryJson } from '../warehouse/duckdb.ts';
import type { Model, Project } from './project.ts';

export type BuildMode = 'full' | 'keys' | 'partitions';
export type BuildReason =
  | 'rebuild'
  | 'new'
  | 'sql_changed'
  | 'upstream_changed'
  | 'years_changed'
  | 'first_incremental'
  | 'not_partitioned'
  | 'new_versions'
  | 'touched';

export interface ModelBuild {
  relation: string;
  mode: BuildMode;
  /** For `partitions`: the periods deleted and re-inserted (possibly none). */
  periods: string[];
  reason: BuildReason;
}

export interface TouchedPeriod {
  period: string;
  sources: string[];
  new_year: boolean;
}

/** Reasons that change a model's rows in any period, so that what reads it is rebuilt whole too. */
const CHANGES_EVERY_PERIOD = new Set<BuildReason>(['rebuild', 'new', 'sql_changed', 'upstream_changed', 'years_changed', 'first_incremental']);

export function sqlHash(model: Model): string {
  return createHash('sha256').update(model.sql).digest('hex');
}

/** The build plan of this run, decided before any build-phase model runs. */
export async function planBuild(connection: DuckDBConnection, project: Project, options: { rebuild: boolean }): Promise<ModelBuild[]> {
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
  const touched = !options.rebuild && scopeReady ? await queryJson<TouchedPeriod>(connection, project.touchedYearsSql!) : null;
  const periods = (touched ?? []).map((t) => t.period);
  const yearsChanged = (touched ?? []).some((t) => t.new_year);

  const plan = new Map<string, ModelBuild>();
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
    else if (model.materialized === 'incremental') build = { relation: model.relation, mode: 'keys', periods: [], reason: 'new_versions' };
    else if (model.partitionBy === null) build = whole('not_partitioned');
    else if (touched === null) build = whole('first_incremental');
    else if (yearsChanged) build = whole('years_changed');
    else build = { relation: model.relation, mode: 'partitions', periods, reason: 'touched' };
    plan.set(model.relation, build);
  }
  return [...plan.values()];
}

/** After the build: the SQL each model was built with, for the next run's plan. */
export async function recordBuild(connection: DuckDBConnection, project: Project, runId: string, plan: ModelBuild[]): Promise<void> {
  await connection.run('DELETE FROM audit.model_state');
  for (const model of project.models.filter((m) => m.phase === 'build')) {
    await connection.run('INSERT INTO audit.model_state VALUES ($1, $2, $3)', [model.relation, sqlHash(model), runId]);
  }
  for (const build of plan) {
    const periods = build.mode === 'partitions' ? `[${build.periods.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}]::VARCHAR[]` : 'NULL';
    await connection.run(`INSERT INTO audit.model_builds VALUES ($1, $2, $3, ${periods}, $4)`, [runId, build.relation, build.mode, build.reason]);
  }
}
