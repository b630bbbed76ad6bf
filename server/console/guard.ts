// The statement guard: before anything runs, the console's SQL must be exactly one plain read
// (SELECT / WITH / FROM / VALUES / DESCRIBE / SUMMARIZE / PIVOT in a SELECT) whose every table
// is a table or view of the analyst `mart` schema (or a CTE of the statement) and whose
// functions are allowed. DuckDB parses the text itself (extractStatements, json_serialize_sql):
// no regex over SQL, so comments, case, quoting and spacing change nothing. It is one of three
// locks; the locked configuration and the analyst-only file each stop the same attacks alone.
import type { DuckDBConnection } from '@duckdb/node-api';

/** Table functions a query may call: they generate rows, none reads a file or a setting. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

/**
 * Scalar (and aggregate, window) functions that are refused: they reveal settings, paths or
 * the process environment, or run SQL the guard has not seen. Names matching
 * DENIED_FUNCTION_PATTERN (the file readers and catalog functions) are refused too.
 */
export const DENIED_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_setting',
  'getenv',
  'current_database',
  'current_catalog',
  'current_schema',
  'current_schemas',
  'in_search_path',
  'json_execute_serialized_sql',
  'query',
  'query_table',
  'glob',
  'sniff_csv',
  'which_secret',
  'checkpoint',
  'force_checkpoint',
  'enable_logging',
  'disable_logging',
  'enable_profiling',
  'disable_profiling',
  'truncate_duckdb_logs',
  'pg_sleep',
  'sleep_ms',
]);
export const DENIED_FUNCTION_PATTERN = /^(read_|pragma_|duckdb_|parquet_|arrow_|sqlite_|postgres_|mysql_|iceberg_|delta_)|_scan$|_auto$/;

/** Schema names (lower case) that a table reference may name: the analyst marts only. */
const ALLOWED_SCHEMA = 'mart';

export type GuardResult = { ok: true } | { ok: false; code: 'refused' | 'syntax'; message: string };

export interface GuardOptions {
  /** Lower-case names of the tables and views of `mart` in the analyst database. */
  martRelations: ReadonlySet<string>;
  /** Lower-case name of the analyst database's catalog (may be named in a reference). */
  catalogName: string;
}

const refuse = (zh: string, en: string): GuardResult => ({ ok: false, code: 'refused', message: `已拒绝：${zh} / Refused: ${en}` });

/** Checks one console statement without running it. */
export async function guardStatement(connection: DuckDBConnection, sql: string, options: GuardOptions): Promise<GuardResult> {
  if (sql.trim() === '') return refuse('语句为空', 'empty statement');
  // json_serialize_sql only parses (extractStatements would already act on some statements,
  // e.g. IMPORT DATABASE reads its folder), and it serialises nothing but SELECTs.
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
  const tree = JSON.parse(String(reader.getRowObjects()[0]?.tree)) as { error: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error) {
    const message = tree.error_message ?? '';
    if (/Only SELECT statements/i.test(message)) {
      return refuse('只允许只读查询（SELECT / WITH / FROM / VALUES / DESCRIBE / SUMMARIZE）', 'only read-only queries are allowed (SELECT, WITH, FROM, VALUES, DESCRIBE, SUMMARIZE)');
    }
    return { ok: false, code: 'syntax', message: `SQL 语法错误 / syntax error: ${firstLine(message)}` };
  }
  const count = tree.statements?.length ?? 0;
  if (count === 0) return refuse('语句为空', 'empty statement');
  if (count > 1) return refuse(`一次只能执行一条语句（收到 ${count} 条）`, `exactly one statement is allowed (got ${count})`);

  const cteNames = new Set<string>();
  collectCteNames(tree.statements![0], cteNames);
  const problem = findProblem(tree.statements![0], { ...options, cteNames });
  return problem ?? { ok: true };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

function collectCteNames(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectCteNames(n, out));
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const cteMap = record.cte_map as { map?: { key: string }[] } | undefined;
  for (const entry of cteMap?.map ?? []) out.add(entry.key.toLowerCase());
  for (const value of Object.values(record)) collectCteNames(value, out);
}

interface WalkContext extends GuardOptions {
  cteNames: ReadonlySet<string>;
}

/** The first refused construct in the parse tree, walking every object of it. */
function findProblem(node: unknown, context: WalkContext): GuardResult | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findProblem(child, context);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  const found = checkNode(record, context);
  if (found) return found;
  for (const value of Object.values(record)) {
    const inner = findProblem(value, context);
    if (inner) return inner;
  }
  return undefined;
}

function checkNode(node: Record<string, unknown>, context: WalkContext): GuardResult | undefined {
  switch (node.type) {
    case 'BASE_TABLE':
      return checkTable(node, context);
    case 'TABLE_FUNCTION': {
      const fn = node.function as Record<string, unknown> | undefined;
      const name = String(fn?.function_name ?? '').toLowerCase();
      if (!ALLOWED_TABLE_FUNCTIONS.has(name) || fn?.schema || fn?.catalog) {
        return refuse(`不允许调用表函数 ${name}()（只允许 ${[...ALLOWED_TABLE_FUNCTIONS].join('、')}）`, `table function ${name}() is not allowed (only ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')})`);
      }
      return undefined;
    }
    case 'SHOW_REF': {
      // DESCRIBE / SUMMARIZE of a query (its tables are checked by the walk); SHOW TABLES.
      const showType = String(node.show_type ?? '');
      const tableName = String(node.table_name ?? '').replaceAll('"', '').toLowerCase();
      if ((showType === 'DESCRIBE' || showType === 'SUMMARY') && node.query && !tableName) return undefined;
      if (showType === 'SHOW_UNQUALIFIED' && tableName === 'tables') return undefined;
      return refuse(`不允许 SHOW ${tableName || showType}`, `SHOW ${tableName || showType} is not allowed`);
    }
    case 'JOIN':
    case 'SUBQUERY':
    case 'EXPRESSION_LIST':
    case 'EMPTY':
    case 'PIVOT':
      return undefined;
    default:
      break;
  }
  if (node.class === 'FUNCTION' || node.class === 'WINDOW' || node.class === 'AGGREGATE') {
    const name = String(node.function_name ?? '').toLowerCase();
    if (DENIED_FUNCTIONS.has(name) || DENIED_FUNCTION_PATTERN.test(name)) {
      return refuse(`不允许调用函数 ${name}()：它读取文件、设置或环境`, `function ${name}() is not allowed: it reaches files, settings or the environment`);
    }
    if (node.catalog || (node.schema && !['main', 'pg_catalog'].includes(String(node.schema).toLowerCase()))) {
      return refuse(`不允许带模式的函数名 ${String(node.schema)}.${name}()`, `schema-qualified function ${String(node.schema)}.${name}() is not allowed`);
    }
  }
  return undefined;
}

function checkTable(node: Record<string, unknown>, context: WalkContext): GuardResult | undefined {
  const catalog = String(node.catalog_name ?? '').toLowerCase();
  const schema = String(node.schema_name ?? '').toLowerCase();
  const table = String(node.table_name ?? '').toLowerCase();
  const shown = [catalog, schema, table].filter(Boolean).join('.');
  if (catalog && catalog !== context.catalogName) {
    return refuse(`只能查询分析库 mart 模式中的表，不允许 ${shown}`, `only tables of the analyst schema "mart" can be read, not ${shown}`);
  }
  if (schema) {
    if (schema !== ALLOWED_SCHEMA || !context.martRelations.has(table)) {
      return refuse(`只能查询分析库 mart 模式中的表，不允许 ${shown}`, `only tables of the analyst schema "mart" can be read, not ${shown}`);
    }
    return undefined;
  }
  if (context.cteNames.has(table) || context.martRelations.has(table)) return undefined;
  return refuse(`未知的表或文件 ${shown}：只能查询 mart 模式中的表`, `unknown table or file ${shown}: only tables of the analyst schema "mart" can be read`);
}
