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
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadProject, references, type Model, type Project } from '../models/project.ts';
import { openDatabase, queryRows, quoteIdent, quoteLiteral } from '../warehouse/duckdb.ts';

/** Columns dropped from a published mart, by relation, with why. */
export const DROPPED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  // The HMAC person key is the warehouse's join key to core.staff; analysts get person_code.
  'mart.training_person_year': ['person_key'],
};

/** No published column may carry one of these names (personal data or raw rows). */
const FORBIDDEN_COLUMN = /^(name|person_name|staff_name|director_name|id_number|id_no|id_masked|person_key|raw|raw_row|姓名|身份证号)$/i;

/** Notes for columns that many marts share, used where a model's header does not describe them. */
const SHARED_COLUMN_NOTES: Readonly<Record<string, string>> = {
  period: '年度（如 2025） / reporting year',
  as_of: '该年度所用司法所快照的日期 / date of the year\'s office snapshot S',
  grain: '口径：office 司法所、cluster 片区、county 县（市、区）、city 全市 / grain',
  unit_code: '单位代码：司法所代码、片区重点所代码、县代码或 3311（全市） / unit code',
  unit_name: '单位名称 / unit name',
  county_code: '县（市、区）代码 / county code',
  county_name: '县（市、区）名称 / county name',
  office_code: '司法所代码 / office code',
  office_name: '司法所名称 / office name',
  cluster_code: '所属片区（重点所）代码 / cluster (key office) code',
  cluster_name: '所属片区名称 / cluster name',
  indicator_id: '指标代码（见 mart.indicator_catalog） / indicator id',
  numerator: '分子 / numerator',
  denominator: '分母 / denominator',
  value: '指标值 = 分子 / 分母 / value',
  target: '方案目标值（无目标为 NULL） / target',
  meets_target: '是否达到目标 / meets the target',
  tier: '司法所类型：key 重点所、ordinary 普通所 / tier',
  business_line: '业务类型 / business line',
  person_code: '人员化名代码（不可还原为身份） / pseudonymous person code',
  name_zh: '指标中文名称 / indicator name',
  task: '方案八项任务之一 / task of the plan',
};

const VIEWS_DIR = path.resolve(import.meta.dirname, 'analyst-views');
const ATTACHED = 'analyst_out';

export interface AnalystView {
  name: string;
  description: string;
  sql: string;
}

/** The documented views of the analyst database (pipelines/publish/analyst-views/*.sql). */
export function analystViews(dir: string = VIEWS_DIR): AnalystView[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      return { name: path.basename(file, '.sql'), description: headerComment(text), sql: text.trim().replace(/;\s*$/, '') };
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
export async function writeAnalystDatabase(connection: DuckDBConnection, analystPath: string, options: { project?: Project } = {}): Promise<void> {
  await mkdir(path.dirname(analystPath), { recursive: true });
  await rm(analystPath, { force: true });
  await rm(`${analystPath}.wal`, { force: true });
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
    await connection.run(`CREATE SCHEMA ${ATTACHED}.mart`);
    for (const model of marts) {
      await copyMart(connection, model);
    }
    // A view is published when every mart it reads was (a build of a smaller project lacks some).
    for (const view of analystViews().filter((v) => references(v.sql).every((r) => copied.has(r)))) {
      const target = `${ATTACHED}.mart.${quoteIdent(view.name)}`;
      await connection.run(`CREATE VIEW ${target} AS\n${view.sql}`);
      await connection.run(`COMMENT ON VIEW ${target} IS ${quoteLiteral(view.description)}`);
      const viewColumns = await queryRows<{ name: string }>(
        connection,
        `SELECT column_name AS name FROM duckdb_columns() WHERE database_name = '${ATTACHED}' AND table_name = $1`,
        [view.name],
      );
      const described = columnDescriptions(view.description);
      for (const { name } of viewColumns) {
        const text = described.get(name) ?? SHARED_COLUMN_NOTES[name];
        if (text) await connection.run(`COMMENT ON COLUMN ${target}.${quoteIdent(name)} IS ${quoteLiteral(text)}`);
      }
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

async function copyMart(connection: DuckDBConnection, model: Model): Promise<void> {
  const dropped = new Set(DROPPED_COLUMNS[model.relation] ?? []);
  const columns = (
    await queryRows<{ name: string }>(
      connection,
      "SELECT column_name AS name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'mart' AND table_name = $1 ORDER BY column_index",
      [model.name],
    )
  )
    .map((c) => c.name)
    .filter((c) => !dropped.has(c));
  const target = `${ATTACHED}.mart.${quoteIdent(model.name)}`;
  await connection.run(`CREATE TABLE ${target} AS SELECT ${columns.map(quoteIdent).join(', ')} FROM mart.${quoteIdent(model.name)}`);
  await connection.run(`COMMENT ON TABLE ${target} IS ${quoteLiteral(model.description)}`);
  const described = columnDescriptions(model.description);
  for (const column of columns) {
    const text = described.get(column) ?? SHARED_COLUMN_NOTES[column];
    if (text) await connection.run(`COMMENT ON COLUMN ${target}.${quoteIdent(column)} IS ${quoteLiteral(text)}`);
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

/** The description text of a `.sql` file's leading comment block. */
function headerComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('--')) break;
    lines.push(trimmed.replace(/^--\s?/, ''));
  }
  return lines.join('\n').trim();
}

/**
 * Column descriptions from a model header's `Columns:` paragraph: `a, b (what b is), c`.
 * A column named without a note gets none; commas inside brackets do not split.
 */
export function columnDescriptions(description: string): Map<string, string> {
  const found = new Map<string, string>();
  const start = description.search(/Columns:/);
  if (start < 0) return found;
  const rest = description.slice(start + 'Columns:'.length);
  // The paragraph ends at a blank line or at the next "Word:" heading such as "Grain:".
  const paragraph = rest.split(/\n\s*\n|\n(?=[A-Z][a-z]+:)/)[0]!.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  let depth = 0;
  let current = '';
  const items: string[] = [];
  for (const ch of paragraph) {
    if (ch === '(' || ch === '（') depth++;
    if (ch === ')' || ch === '）') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  for (const item of items) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/s.exec(item);
    if (match?.[2]) found.set(match[1]!, match[2].trim());
  }
  return found;
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
