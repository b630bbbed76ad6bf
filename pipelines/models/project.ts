// Reads the SQL project under sql/: one model per file, its description, materialisation and
// tests in the comment block at its top, its dependencies found in its own text. No list of
// models is kept by hand: the folder is the list, the references are the order.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/** Folder under sql/ → schema (or, for staging, the in-memory catalog) its models land in. */
export const LAYERS = [
  { folder: 'staging', schema: 'staging' },
  { folder: 'core', schema: 'core' },
  { folder: 'audit', schema: 'audit' },
  // the steps of the indicators (year snapshots, units, parts of each indicator family): read
  // by the marts, never published to analysts
  { folder: 'intermediate', schema: 'intermediate' },
  { folder: 'marts', schema: 'mart' },
] as const;

export type Schema = (typeof LAYERS)[number]['schema'];
export type Materialization = 'table' | 'view' | 'incremental';
/** `load` models run once per batch of files; `build` models once per refresh, after loading. */
export type Phase = 'load' | 'build';
export type Severity = 'error' | 'warn';

export type ColumnTest =
  | { kind: 'unique'; columns: string[] }
  | { kind: 'not_null'; columns: string[] }
  | { kind: 'accepted_values'; column: string; values: string[] }
  | { kind: 'relationships'; columns: string[]; target: string; targetColumns: string[] }
  | { kind: 'expect'; expression: string };

export interface ColumnDoc {
  name: string;
  description: string;
}

export interface ModelTest {
  name: string;
  severity: Severity;
  test: ColumnTest;
}

export interface Model {
  /** schema.name, e.g. `mart.indicator_values`. */
  relation: string;
  schema: Schema;
  name: string;
  file: string;
  description: string;
  /** The Chinese description for analysts (`@zh` lines), '' when the header has none. */
  descriptionZh: string;
  /** Chinese descriptions of the output columns (`@column name: 说明`), in header order. */
  columns: ColumnDoc[];
  materialized: Materialization;
  phase: Phase;
  uniqueKey: string[];
  /**
   * `@partition_by period` (build-phase tables): an incremental run deletes and re-inserts only
   * the periods its new data touched; `@partition_by period, office_code`: only the (period,
   * office) pairs its new case versions touched, `@partition_by period, person_key`: the
   * (period, person) pairs its new training versions touched, `@partition_by period,
   * indicator_id`: the (period, indicator) pairs of its changed inputs, each with whole the
   * periods a snapshot touched (build-plan.ts); null: rebuilt whole every run.
   */
  partitionBy: Partitioning | null;
  /**
   * `@rows_from staging.land_cases` (one relation or several): every row of the model comes from
   * a row of those relations, so when they are all empty the runner leaves the model empty
   * without running it (a nightly batch of case files need not run the office models' joins).
   */
  rowsFrom: string[];
  /**
   * `@delta month, office_code, business_line` + `@delta_sum received, closed`: in a nightly
   * run whose only changed inputs are models built by keys or load relations it only appended
   * to, the model is updated by the signed change its SQL gives under build_delta() (the keys
   * build's replaced rows −1, added rows +1; a load relation's rows of this run +1), added to
   * the table by key (build-plan.ts, runner.ts). Null: never.
   */
  delta: DeltaSpec | null;
  tests: ModelTest[];
  /** Other models this one reads, by relation. */
  dependsOn: string[];
  sql: string;
}

/** The key and the additive columns of a `@delta` model. */
export interface DeltaSpec {
  key: string[];
  sum: string[];
}

/** The partition columns of a model: its period column, and the column of the pairs it is rebuilt by within a period. */
export interface Partitioning {
  period: string;
  /** Null: rebuilt by whole periods. */
  pairs: PairScope | null;
}

/**
 * A model rebuilt by (period, member) pairs: the column that names the member, and the scope the
 * touched pairs come from — `offices` (sql/scope/touched_offices.sql: the case models, by
 * `office_code`), `people` (sql/scope/touched_people.sql: the training models, by `person_key`)
 * or `indicators` (the indicator models, by `indicator_id`: the pairs of the inputs that changed,
 * from the plan itself, per model). The pairs go to the temp table build_<scope>;
 * in_build_<scope>(period, member) narrows early.
 */
export interface PairScope {
  column: string;
  scope: PairScopeName;
  /**
   * `@derived_indicators reform_index`: members the model computes from its other members of the
   * same period, rebuilt in every period it rebuilds any pair of (indicators scope only).
   */
  derived: string[];
}

export type PairScopeName = 'offices' | 'people' | 'indicators';

/** The pair column a scope is named by in `@partition_by`. */
const PAIR_SCOPES: Record<string, PairScopeName> = { office_code: 'offices', person_key: 'people', indicator_id: 'indicators' };

/**
 * The indicator ids a model may give: those its `accepted_values(indicator_id: …)` test allows
 * (the office parts models declare them so); null when it has no such test. A model partitioned
 * by (period, indicator_id) rebuilds, of a changed input, the pairs of these ids (build-plan.ts).
 */
export function declaredIndicatorIds(model: Model): string[] | null {
  for (const { test } of model.tests) {
    if (test.kind === 'accepted_values' && test.column === 'indicator_id') return test.values;
  }
  return null;
}

export interface SingularTest {
  name: string;
  file: string;
  description: string;
  severity: Severity;
  /**
   * `@on_fail rebuild`: when the test fails after a nightly (incremental) build, the run rebuilds
   * every model whole and tests again before it decides (a drift detector's way to heal).
   */
  rebuildOnFail: boolean;
  dependsOn: string[];
  sql: string;
}

export interface Project {
  root: string;
  /** Models in an order where each comes after everything it reads. */
  models: Model[];
  singularTests: SingularTest[];
  /** Statements run when a warehouse is opened for writing (CREATE … IF NOT EXISTS). */
  initSql: { file: string; sql: string }[];
  /** TEMP MACRO definitions, run on every connection that builds models. */
  macroSql: { file: string; sql: string }[];
  /** The fixed lists (sql/seeds/<name>.csv), loaded as seed.<name> before the init statements. */
  seeds: { name: string; file: string }[];
  /** sql/scope/changed_cases.sql: the cases a run's new versions change, read once into a temp table for the two below. */
  changedCasesSql: string | null;
  /** sql/scope/touched_years.sql: the periods a run's new data touches (build-plan.ts), if present. */
  touchedYearsSql: string | null;
  /** sql/scope/touched_offices.sql: the (period, office) pairs its new case versions touch, if present. */
  touchedOfficesSql: string | null;
  /** sql/scope/touched_people.sql: the (period, person) pairs its new training versions touch, if present. */
  touchedPeopleSql: string | null;
}

export const SQL_ROOT = path.resolve(import.meta.dirname, '../../sql');

export function loadProject(root: string = SQL_ROOT): Project {
  const unsorted: Model[] = [];
  for (const layer of LAYERS) {
    for (const file of sqlFiles(path.join(root, layer.folder))) {
      unsorted.push(parseModel(root, layer.folder, layer.schema, file));
    }
  }
  const relations = new Set(unsorted.map((m) => m.relation));
  for (const model of unsorted) {
    model.dependsOn = references(model.sql).filter((r) => relations.has(r) && r !== model.relation);
  }
  const singularTests = sqlFiles(path.join(root, 'tests')).map((file) => {
    const text = readFileSync(file, 'utf8');
    const header = parseHeader(text, file);
    return {
      name: path.basename(file, '.sql'),
      file: path.relative(root, file),
      description: header.description,
      severity: parseSeverity(header.directives.get('severity')?.[0] ?? 'error', file),
      rebuildOnFail: parseOnFail(header.directives.get('on_fail')?.[0], file),
      dependsOn: references(text).filter((r) => relations.has(r)),
      sql: text,
    };
  });
  const read = (folder: string) =>
    sqlFiles(path.join(root, folder)).map((file) => ({ file: path.relative(root, file), sql: readFileSync(file, 'utf8') }));
  const seeds = sqlFiles(path.join(root, 'seeds'), '.csv').map((file) => ({ name: path.basename(file, '.csv'), file }));
  const scope = (name: string) => {
    const file = path.join(root, 'scope', name);
    return existsSync(file) ? stripTrailingSemicolon(readFileSync(file, 'utf8')) : null;
  };
  return {
    root,
    models: topoSort(unsorted),
    singularTests,
    initSql: read('init'),
    macroSql: read('macros'),
    seeds,
    changedCasesSql: scope('changed_cases.sql'),
    touchedYearsSql: scope('touched_years.sql'),
    touchedOfficesSql: scope('touched_offices.sql'),
    touchedPeopleSql: scope('touched_people.sql'),
  };
}

function sqlFiles(dir: string, extension = '.sql'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(extension))
    .sort()
    .map((f) => path.join(dir, f));
}

export interface Header {
  description: string;
  directives: Map<string, string[]>;
}

/** The leading `--` comment block: plain lines are the description, `@key value` lines directives. */
export function parseHeader(text: string, file: string): Header {
  const description: string[] = [];
  const directives = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const body = trimmed.replace(/^--\s?/, '');
    const directive = /^@([\w:]+)\s*(.*)$/.exec(body);
    if (directive) {
      const [, key, value] = directive as unknown as [string, string, string];
      directives.set(key, [...(directives.get(key) ?? []), value.trim()]);
    } else if (directives.size === 0) {
      description.push(body);
    } else if (body !== '') {
      throw new Error(`${file}: text after directives must be a directive too: "${body}"`);
    }
  }
  return { description: description.join('\n').trim(), directives };
}

function parseModel(root: string, folder: string, schema: Schema, file: string): Model {
  const text = readFileSync(file, 'utf8');
  const name = path.basename(file, '.sql');
  const header = parseHeader(text, file);
  const rel = path.relative(root, file);
  const materialized = (header.directives.get('materialized')?.[0] ?? 'table') as Materialization;
  if (!['table', 'view', 'incremental'].includes(materialized)) {
    throw new Error(`${rel}: @materialized must be table, view or incremental, not "${materialized}"`);
  }
  if (folder === 'staging' && materialized !== 'table') {
    throw new Error(`${rel}: staging models are rebuilt per batch in memory; drop @materialized`);
  }
  const tests: ModelTest[] = [];
  for (const [key, values] of header.directives) {
    const [word, severityText] = key.split(':');
    if (word !== 'test') continue;
    const severity = parseSeverity(severityText ?? 'error', rel);
    for (const value of values) {
      const test = parseColumnTest(value, rel);
      tests.push({ name: `${schema}.${name}: ${value}`, severity, test });
    }
  }
  const known = new Set(['materialized', 'unique_key', 'partition_by', 'derived_indicators', 'rows_from', 'delta', 'delta_sum', 'phase', 'test', 'test:warn', 'test:error', 'zh', 'column']);
  for (const key of header.directives.keys()) {
    if (!known.has(key)) throw new Error(`${rel}: unknown directive @${key}`);
  }
  // `@phase build` on an incremental model: updated once per run by the keys of the run's new
  // versions (core.cases), instead of once per batch.
  const phaseText = header.directives.get('phase')?.[0];
  if (phaseText !== undefined && (phaseText !== 'build' || materialized !== 'incremental')) {
    throw new Error(`${rel}: @phase build is for incremental models only`);
  }
  const partitionText = header.directives.get('partition_by')?.[0];
  const partitionColumns = partitionText === undefined ? [] : splitList(partitionText);
  if (
    partitionText !== undefined &&
    (materialized !== 'table' ||
      folder === 'staging' ||
      partitionColumns.length < 1 ||
      partitionColumns.length > 2 ||
      !/^[A-Za-z_]\w*$/.test(partitionColumns[0]!) ||
      (partitionColumns[1] !== undefined && !Object.hasOwn(PAIR_SCOPES, partitionColumns[1])))
  ) {
    throw new Error(`${rel}: @partition_by takes a period column and optionally office_code, person_key or indicator_id, on build-phase table models`);
  }
  const pairColumn = partitionColumns[1];
  const derived = splitList(header.directives.get('derived_indicators')?.[0] ?? '');
  if (derived.length > 0 && pairColumn !== 'indicator_id') throw new Error(`${rel}: @derived_indicators goes with @partition_by period, indicator_id`);
  const partitionBy: Partitioning | null =
    partitionText === undefined
      ? null
      : { period: partitionColumns[0]!, pairs: pairColumn === undefined ? null : { column: pairColumn, scope: PAIR_SCOPES[pairColumn]!, derived } };
  const rowsFrom = splitList(header.directives.get('rows_from')?.[0] ?? '');
  if (!rowsFrom.every((r) => /^[a-z_]+\.[A-Za-z_]\w*$/.test(r))) throw new Error(`${rel}: @rows_from takes relations, schema.name`);
  const deltaKey = splitList(header.directives.get('delta')?.[0] ?? '');
  const deltaSum = splitList(header.directives.get('delta_sum')?.[0] ?? '');
  if ((deltaKey.length > 0) !== (deltaSum.length > 0) || (deltaKey.length > 0 && materialized !== 'table')) {
    throw new Error(`${rel}: @delta (key columns) and @delta_sum (additive columns) go together, on a table model`);
  }
  return {
    relation: `${schema}.${name}`,
    schema,
    name,
    file: rel,
    description: header.description,
    ...headerDocs(header, rel),
    materialized,
    phase: folder === 'staging' || (materialized === 'incremental' && phaseText !== 'build') ? 'load' : 'build',
    uniqueKey: splitList(header.directives.get('unique_key')?.[0] ?? ''),
    partitionBy,
    rowsFrom,
    delta: deltaKey.length > 0 ? { key: deltaKey, sum: deltaSum } : null,
    tests,
    dependsOn: [],
    sql: stripTrailingSemicolon(text),
  };
}

/**
 * The analyst-facing documentation of a header: `@zh 中文说明` lines (joined) and one
 * `@column name: 中文说明` line per output column. The data dictionary and the analyst
 * database's comments are generated from these.
 */
export function headerDocs(header: Header, file: string): { descriptionZh: string; columns: ColumnDoc[] } {
  const columns: ColumnDoc[] = [];
  for (const value of header.directives.get('column') ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*[:：]\s*(\S.*)$/.exec(value);
    if (!match) throw new Error(`${file}: @column name: 说明 expected, got "${value}"`);
    if (columns.some((c) => c.name === match[1])) throw new Error(`${file}: @column ${match[1]} described twice`);
    columns.push({ name: match[1]!, description: match[2]!.trim() });
  }
  return { descriptionZh: (header.directives.get('zh') ?? []).join('').trim(), columns };
}

function parseOnFail(text: string | undefined, file: string): boolean {
  if (text === undefined) return false;
  if (text === 'rebuild') return true;
  throw new Error(`${file}: @on_fail takes "rebuild", not "${text}"`);
}

function parseSeverity(text: string, file: string): Severity {
  if (text === 'error' || text === 'warn') return text;
  throw new Error(`${file}: severity must be error or warn, not "${text}"`);
}

/** `unique(a, b)`, `not_null(a, b)`, `accepted_values(col: x, y)`, `relationships(a -> core.t(b))`, `expect(expr)`. */
export function parseColumnTest(text: string, file: string): ColumnTest {
  const match = /^(\w+)\((.*)\)$/s.exec(text.trim());
  if (!match) throw new Error(`${file}: cannot read test "${text}"`);
  const [, kind, args] = match as unknown as [string, string, string];
  switch (kind) {
    case 'unique':
    case 'not_null':
      return { kind, columns: splitList(args) };
    case 'accepted_values': {
      const [column, values] = args.split(':');
      if (!column || values === undefined) throw new Error(`${file}: accepted_values(col: a, b) expected, got "${text}"`);
      return { kind, column: column.trim(), values: splitList(values) };
    }
    case 'relationships': {
      const rel = /^(.*)->\s*([\w.]+)\((.*)\)$/.exec(args);
      if (!rel) throw new Error(`${file}: relationships(a -> schema.table(b)) expected, got "${text}"`);
      const [, from, target, to] = rel as unknown as [string, string, string, string];
      const columns = splitList(from);
      const targetColumns = splitList(to);
      if (columns.length !== targetColumns.length) throw new Error(`${file}: relationships column counts differ in "${text}"`);
      return { kind, columns, target, targetColumns };
    }
    case 'expect':
      return { kind, expression: args };
    default:
      throw new Error(`${file}: unknown test "${kind}"`);
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function stripTrailingSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/** `schema.table` of any layer's schema (LAYERS). */
const RELATION = new RegExp(`\\b(${LAYERS.map((l) => l.schema).join('|')})\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)\\b`, 'g');

/** Relations named as schema.table in the SQL, comments and string literals left out. */
export function references(sql: string): string[] {
  const code = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
  const found = new Set<string>();
  for (const m of code.matchAll(RELATION)) {
    found.add(`${m[1]}.${m[2]!.toLowerCase()}`);
  }
  return [...found];
}

function topoSort(models: Model[]): Model[] {
  const byRelation = new Map(models.map((m) => [m.relation, m]));
  const sorted: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, trail: string[]) => {
    const s = state.get(model.relation);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`models reference each other in a cycle: ${[...trail, model.relation].join(' → ')}`);
    state.set(model.relation, 'visiting');
    for (const dep of model.dependsOn) visit(byRelation.get(dep)!, [...trail, model.relation]);
    state.set(model.relation, 'done');
    sorted.push(model);
  };
  for (const model of models) visit(model, []);
  return sorted;
}
