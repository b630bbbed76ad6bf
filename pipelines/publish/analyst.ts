// The analyst database: a separate DuckDB file holding only what analysts may read — the
// published marts (copied as tables, same names: `SELECT * FROM mart.indicator_values`) and
// a few documented views — with COMMENT ON every table, view and documented column. Nothing
// with names, ID numbers, masked IDs, raw rows or person keys goes in: the `intermediate`
// models are left out, person keys are dropped, and a final check refuses to publish a file
// that has a column of a forbidden name. The SQL console opens only this file.
//
// Files: `W.analyst/<run_id>.duckdb` (docs/architecture.md, "Warehouse files"); the build
// warehouse records the file's name in `audit.publication`, so the published W names its own
// analyst copy and a rollback brings the matching one back.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, rm } from 'node:fs/promises';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../fs/private-files.ts';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { headerDocs, loadProject, parseHeader, references, type ColumnDoc, type Model, type Project } from '../models/project.ts';
import { deltaTable, partitionOrder, storedOrder } from '../models/runner.ts';
import { openDatabase, queryRows, quoteIdent, quoteLiteral, sameKey, varcharList } from '../warehouse/duckdb.ts';

/** Columns dropped from a published mart, by relation, with why. */
export const DROPPED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  // The HMAC person key is the warehouse's join key to core.staff; analysts get person_code.
  'mart.training_person_year': ['person_key'],
};

/** No published column may carry one of these names (personal data or raw rows). */
const FORBIDDEN_COLUMN = /^(name|person_name|staff_name|director_name|id_number|id_no|id_masked|person_key|raw|raw_row|姓名|身份证号)$/i;

const VIEWS_DIR = path.resolve(import.meta.dirname, 'analyst-views');
const ATTACHED = 'analyst_out';

export interface AnalystView {
  name: string;
  description: string;
  /** Chinese description and column descriptions (`@zh`, `@column` lines, as in models). */
  descriptionZh: string;
  columns: ColumnDoc[];
  sql: string;
}

/** The documented views of the analyst database (pipelines/publish/analyst-views/*.sql). */
export function analystViews(dir: string = VIEWS_DIR): AnalystView[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const header = parseHeader(text, file);
      return { name: path.basename(file, '.sql'), description: header.description, ...headerDocs(header, file), sql: text.trim().replace(/;\s*$/, '') };
    });
}

/** The mart models published to analysts: every `mart` model (the `intermediate` steps are not). */
export function publishedMarts(models: Model[] = loadProject().models): Model[] {
  return models.filter((m) => m.schema === 'mart');
}

export function analystDirFor(warehouseFile: string): string {
  return `${warehouseFile}.analyst`;
}

export function analystFileFor(warehouseFile: string, runId: string): string {
  return path.join(analystDirFor(warehouseFile), `${runId}.duckdb`);
}

/**
 * Writes the analyst database at `analystPath` (replacing any file there) from the marts of
 * the warehouse open on `connection` (read-write: the refresh's build file), and records it in
 * that warehouse's `audit.publication`.
 */
export interface AnalystWriteOptions {
  project?: Project;
  /**
   * A nightly run: start from a copy of the analyst file published before (`file`) and copy
   * again only the marts not in `unchanged` (the models the run skipped); the views are
   * recreated and the personal-data check covers the whole file as always.
   */
  reuse?: {
    file: string;
    unchanged: ReadonlySet<string>;
    /**
     * Marts the run built by `@delta`: their rows of the keys in the change table
     * (runner.ts, deltaTable) are taken again, the other rows kept.
     */
    byDelta?: ReadonlySet<string>;
    /**
     * Marts the run built by partitions (whole periods, and (period, indicator) pairs): their
     * rows of those partitions are taken again, the other rows kept. Marts built by office or
     * person pairs are copied whole (person_key is not in the analyst copy).
     */
    byPartitions?: ReadonlyMap<string, RebuiltPartitions>;
  };
}

/** The partitions a build rebuilt: whole periods, and 'period/indicator_id' pairs. */
export interface RebuiltPartitions {
  periods: readonly string[];
  indicators?: readonly string[];
}

export async function writeAnalystDatabase(connection: DuckDBConnection, analystPath: string, options: AnalystWriteOptions = {}): Promise<void> {
  await mkdirPrivate(path.dirname(analystPath));
  await rm(analystPath, { force: true });
  await rm(`${analystPath}.wal`, { force: true });
  const reuse = options.reuse && existsSync(options.reuse.file) && !existsSync(`${options.reuse.file}.wal`) ? options.reuse : undefined;
  if (reuse) {
    await copyFile(reuse.file, analystPath);
    await chmod(analystPath, PRIVATE_FILE_MODE);
  }
  const existing = new Set(
    (
      await queryRows<{ name: string }>(
        connection,
        "SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'mart' UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'mart'",
      )
    ).map((r) => r.name),
  );
  const marts = publishedMarts(options.project?.models).filter((m) => existing.has(m.name));
  const copied = new Set(marts.map((m) => m.relation));
  await connection.run(`ATTACH ${quoteLiteral(analystPath)} AS ${ATTACHED}`);
  try {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${ATTACHED}.mart`);
    const byDelta = new Set(marts.filter((m) => m.delta !== null && reuse?.byDelta?.has(m.relation)).map((m) => m.relation));
    const byPartitions = new Map(
      marts
        .filter(syncedByPartitions)
        .flatMap((m) => {
          const rebuilt = reuse?.byPartitions?.get(m.relation);
          return rebuilt ? [[m.relation, rebuilt] as const] : [];
        }),
    );
    const kept = reuse ? await keepUnchanged(connection, marts, new Set([...reuse.unchanged, ...byDelta, ...byPartitions.keys()])) : new Set<string>();
    for (const model of marts) {
      if (!kept.has(model.name)) await copyMart(connection, model);
      else if (byDelta.has(model.relation)) await syncDeltaKeys(connection, model);
      else if (byPartitions.has(model.relation)) await syncPartitions(connection, model, byPartitions.get(model.relation)!);
    }
    // A view is published when every mart it reads was (a build of a smaller project lacks some).
    for (const view of analystViews().filter((v) => references(v.sql).every((r) => copied.has(r)))) {
      const target = `${ATTACHED}.mart.${quoteIdent(view.name)}`;
      await connection.run(`CREATE VIEW ${target} AS\n${view.sql}`);
      const viewColumns = await queryRows<{ name: string }>(
        connection,
        `SELECT column_name AS name FROM duckdb_columns() WHERE database_name = '${ATTACHED}' AND table_name = $1`,
        [view.name],
      );
      const present = new Set(viewColumns.map((c) => c.name));
      await commentOn(connection, 'VIEW', target, view.descriptionZh || view.description, view.columns.filter((c) => present.has(c.name)));
    }
    await assertNothingPersonal(connection);
  } catch (error) {
    await connection.run(`DETACH ${ATTACHED}`).catch(() => undefined);
    await rm(analystPath, { force: true });
    throw error;
  }
  await connection.run(`DETACH ${ATTACHED}`);
  await connection.run('CREATE SCHEMA IF NOT EXISTS audit');
  await connection.run('CREATE TABLE IF NOT EXISTS audit.publication (analyst_file VARCHAR NOT NULL, written_at TIMESTAMPTZ NOT NULL)');
  await connection.run('DELETE FROM audit.publication');
  await connection.run('INSERT INTO audit.publication VALUES ($1, now())', [path.basename(analystPath)]);
}

/**
 * In a copy of the previous analyst file: every view dropped (they are recreated), every table
 * dropped but the marts the run left unchanged. Returns the names of the tables kept.
 */
async function keepUnchanged(connection: DuckDBConnection, marts: readonly Model[], unchanged: ReadonlySet<string>): Promise<Set<string>> {
  const keep = new Set(marts.filter((m) => unchanged.has(m.relation)).map((m) => m.name));
  for (const { name } of await queryRows<{ name: string }>(connection, `SELECT view_name AS name FROM duckdb_views() WHERE database_name = '${ATTACHED}' AND NOT internal`)) {
    await connection.run(`DROP VIEW ${ATTACHED}.mart.${quoteIdent(name)}`);
  }
  const kept = new Set<string>();
  for (const { name } of await queryRows<{ name: string }>(connection, `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = '${ATTACHED}'`)) {
    if (keep.has(name)) kept.add(name);
    else await connection.run(`DROP TABLE ${ATTACHED}.mart.${quoteIdent(name)}`);
  }
  return kept;
}

/** The columns of a mart that the analyst copy publishes (all but DROPPED_COLUMNS), in order. */
async function martColumns(connection: DuckDBConnection, model: Model): Promise<string[]> {
  const dropped = new Set(DROPPED_COLUMNS[model.relation] ?? []);
  return (
    await queryRows<{ name: string }>(
      connection,
      "SELECT column_name AS name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'mart' AND table_name = $1 ORDER BY column_index",
      [model.name],
    )
  )
    .map((c) => c.name)
    .filter((c) => !dropped.has(c));
}

async function copyMart(connection: DuckDBConnection, model: Model): Promise<void> {
  const columns = await martColumns(connection, model);
  const target = `${ATTACHED}.mart.${quoteIdent(model.name)}`;
  await connection.run(`CREATE TABLE ${target} AS SELECT ${columns.map(quoteIdent).join(', ')} FROM mart.${quoteIdent(model.name)}${storedOrder(model)}`);
  const present = new Set(columns);
  await commentOn(connection, 'TABLE', target, model.descriptionZh || model.description, model.columns.filter((c) => present.has(c.name)));
}

/**
 * A mart whose rebuilt partitions a night copies again into the kept analyst table: by whole
 * periods, or by (period, indicator) pairs, the partitions its table is kept in order of
 * (runner.ts partitionOrder); pairs of offices or people are not kept apart.
 */
function syncedByPartitions(model: Model): boolean {
  return partitionOrder(model).length > 0;
}

/**
 * A mart kept from the previous analyst file and built by `@delta` this run: its rows of the
 * changed keys deleted and copied again from the warehouse (a delta night changes a few
 * thousand of cases_monthly's millions of rows; copying it whole took 1.7 s at national scale).
 */
async function syncDeltaKeys(connection: DuckDBConnection, model: Model): Promise<void> {
  // NULL-safe, as the merge itself (runner.ts, mergeDelta)
  const changed = (alias: string) => `EXISTS (SELECT 1 FROM ${deltaTable(model)} AS d WHERE ${sameKey(model.delta!.key, alias, 'd')})`;
  const target = `${ATTACHED}.mart.${quoteIdent(model.name)}`;
  const columns = (await martColumns(connection, model)).map(quoteIdent).join(', ');
  await connection.run(`DELETE FROM ${target} AS t WHERE ${changed('t')}`);
  await connection.run(`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM mart.${quoteIdent(model.name)} AS m WHERE ${changed('m')}`);
}

/**
 * A mart kept from the previous analyst file and built by partitions this run: its rows of the
 * rebuilt periods and (period, indicator) pairs deleted and copied again (a night of case and
 * training files rebuilds 4 of indicator_values' 16 indicators: copying it whole took 1.2 s at
 * national scale).
 */
async function syncPartitions(connection: DuckDBConnection, model: Model, rebuilt: RebuiltPartitions): Promise<void> {
  const period = quoteIdent(model.partitionBy!.period);
  const member = model.partitionBy!.pairs ? quoteIdent(model.partitionBy!.pairs.column) : null;
  const inScope = (alias: string) =>
    `(list_contains(${varcharList(rebuilt.periods)}, ${alias}.${period}::VARCHAR)` +
    (member ? ` OR list_contains(${varcharList(rebuilt.indicators ?? [])}, ${alias}.${period}::VARCHAR || '/' || ${alias}.${member})` : '') +
    ')';
  const target = `${ATTACHED}.mart.${quoteIdent(model.name)}`;
  const columns = (await martColumns(connection, model)).map(quoteIdent).join(', ');
  await connection.run(`DELETE FROM ${target} AS t WHERE ${inScope('t')}`);
  await connection.run(`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM mart.${quoteIdent(model.name)} AS m WHERE ${inScope('m')}`);
}

/**
 * The Chinese comments of a published table or view, from its header's `@zh` and `@column`
 * lines: the data dictionary (GET /api/dictionary) and the console read them back. A column the
 * header does not describe gets no comment; callers pass only the columns the relation has (test/access/dictionary.test.ts fails on that).
 */
async function commentOn(connection: DuckDBConnection, kind: 'TABLE' | 'VIEW', target: string, description: string, columns: readonly ColumnDoc[]): Promise<void> {
  await connection.run(`COMMENT ON ${kind} ${target} IS ${quoteLiteral(description)}`);
  for (const column of columns) {
    await connection.run(`COMMENT ON COLUMN ${target}.${quoteIdent(column.name)} IS ${quoteLiteral(column.description)}`);
  }
}

async function assertNothingPersonal(connection: DuckDBConnection): Promise<void> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    connection,
    `SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = '${ATTACHED}'`,
  );
  const bad = columns.filter((c) => FORBIDDEN_COLUMN.test(c.column_name));
  if (bad.length > 0) {
    throw new Error(`分析库不得包含个人信息列：${bad.map((c) => `${c.table_name}.${c.column_name}`).join(', ')}`);
  }
  const schemas = await queryRows<{ schema_name: string }>(
    connection,
    `SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = '${ATTACHED}' UNION SELECT DISTINCT schema_name FROM duckdb_views() WHERE database_name = '${ATTACHED}' AND NOT internal`,
  );
  const others = schemas.map((s) => s.schema_name).filter((s) => s !== 'mart');
  if (others.length > 0) throw new Error(`分析库只能包含 mart 模式，发现：${others.join(', ')}`);
}

/**
 * The analyst file that the warehouse open on `connection` (a run's build copy of W) names in
 * `audit.publication`, if it exists beside W; null otherwise.
 */
export async function analystFileNamedIn(connection: DuckDBConnection, warehouseFile: string): Promise<string | null> {
  const pointer = await queryRows<{ n: bigint }>(
    connection,
    "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'audit' AND table_name = 'publication'",
  );
  if (Number(pointer[0]?.n ?? 0) === 0) return null;
  const named = (await queryRows<{ analyst_file: string }>(connection, 'SELECT analyst_file FROM audit.publication LIMIT 1'))[0]?.analyst_file;
  const file = named && path.basename(named) === named ? path.join(analystDirFor(warehouseFile), named) : null;
  return file && existsSync(file) ? file : null;
}

/**
 * The analyst file of the published warehouse `warehouseFile`: the one `audit.publication`
 * names, else (a warehouse published before the pointer existed) the newest under
 * `W.analyst/`; null when there is none. Opens W read-only for a moment, in its own instance.
 */
export async function currentAnalystFile(warehouseFile: string): Promise<string | null> {
  const dir = analystDirFor(warehouseFile);
  if (!existsSync(warehouseFile)) return null;
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1, memoryLimit: '256MB' });
  let named: string | undefined;
  try {
    const pointer = await queryRows<{ n: bigint }>(
      db.connection,
      "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'audit' AND table_name = 'publication'",
    );
    if (Number(pointer[0]?.n ?? 0) > 0) {
      named = (await queryRows<{ analyst_file: string }>(db.connection, 'SELECT analyst_file FROM audit.publication LIMIT 1'))[0]?.analyst_file;
    }
  } finally {
    db.close();
  }
  if (named && path.basename(named) === named && existsSync(path.join(dir, named))) return path.join(dir, named);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.duckdb'))
    .sort()
    .at(-1);
  return newest ? path.join(dir, newest) : null;
}
