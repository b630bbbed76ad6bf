// The statement guard: before anything runs, the console's SQL must be exactly one plain read
// (SELECT / WITH / FROM / VALUES / DESCRIBE / SUMMARIZE / PIVOT … IN …) whose every relation,
// at the point of the statement where it is named, is a table or view of the analyst `mart`
// schema or a CTE visible there, and whose functions are allowed. DuckDB parses the text
// itself (json_serialize_sql): no regex over SQL, so comments, case, quoting and spacing change
// nothing. Names are resolved by scope: a CTE is visible in the query that defines it (and its
// subqueries, and the later CTEs of its WITH), not outside; and no CTE may borrow the name of
// one of DuckDB's own views or table functions (pg_settings, duckdb_databases…), since inside
// its own body that name would still mean the system view. The guard is one of three locks;
// the locked configuration and the analyst-only file each stop the same attacks alone.
// Erasable TypeScript only (see worker-protocol.ts).
import type { DuckDBConnection } from '@duckdb/node-api';
import { closestName } from './suggest.ts';

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

/** Limits on the parsed statement: how deep its tree, how many query blocks. */
/** JSON nesting of the parse tree: a 100-term sum is ~205, 30 nested subqueries ~98. */
export const MAX_TREE_DEPTH = 1000;
export const MAX_QUERY_BLOCKS = 256;

export type GuardResult =
  | { ok: true }
  | { ok: false; code: 'refused' | 'syntax' | 'unknown_table' | 'too_complex'; message: string };

export interface GuardOptions {
  /** Lower-case names of the tables and views of `mart` in the analyst database. */
  martRelations: ReadonlySet<string>;
  /** Lower-case name of the analyst database's catalog (may be named in a reference). */
  catalogName: string;
  /** Lower-case names of DuckDB's own views, table functions and schemas. */
  systemRelations: ReadonlySet<string>;
}

const refuse = (zh: string): GuardResult => ({ ok: false, code: 'refused', message: `已拒绝：${zh}` });

/** Checks one console statement without running it. */
export async function guardStatement(connection: DuckDBConnection, sql: string, options: GuardOptions): Promise<GuardResult> {
  if (sql.trim() === '') return refuse('语句为空');
  // json_serialize_sql only parses (extractStatements would already act on some statements,
  // e.g. IMPORT DATABASE reads its folder), and it serialises nothing but SELECTs.
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
  const text = String(reader.getRows()[0]?.[0]);
  const depth = jsonDepth(text);
  if (depth > MAX_TREE_DEPTH) {
    return { ok: false, code: 'too_complex', message: '已拒绝：语句嵌套过深，请拆分或简化查询' };
  }
  const tree = JSON.parse(text) as { error: boolean; error_message?: string; position?: string; statements?: unknown[] };
  if (tree.error) {
    const message = tree.error_message ?? '';
    if (/Only SELECT statements/i.test(message)) {
      if (/^\s*(PIVOT|PIVOT_WIDER|UNPIVOT|PIVOT_LONGER)\b/i.test(stripLeadingComments(sql))) {
        return refuse('PIVOT 语句须写明列值，例如 PIVOT mart.indicator_values ON grain IN (\'city\', \'county\') USING count(*)');
      }
      return refuse('只允许只读查询（SELECT / WITH / FROM / VALUES / DESCRIBE / SUMMARIZE / PIVOT）');
    }
    return { ok: false, code: 'syntax', message: tree.position === undefined ? message : `${message} at position ${tree.position}` };
  }
  const count = tree.statements?.length ?? 0;
  if (count === 0) return refuse('语句为空');
  if (count > 1) return refuse(`一次只能执行一条语句（收到 ${count} 条）`);
  const blocks = countQueryBlocks(tree.statements![0]);
  if (blocks > MAX_QUERY_BLOCKS) {
    return { ok: false, code: 'too_complex', message: `已拒绝：语句包含 ${blocks} 个查询块，超过上限 ${MAX_QUERY_BLOCKS}，请拆分查询` };
  }
  return new ScopeWalk(options).statement(tree.statements![0]) ?? { ok: true };
}

/** Leading SQL comments and blanks removed (only to name the statement in a message). */
function stripLeadingComments(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('--')) rest = trimmed.slice(trimmed.indexOf('\n') + 1 || trimmed.length);
    else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end === -1 ? '' : trimmed.slice(end + 2);
    }
    else return trimmed;
  }
}

/** Nesting depth of a JSON text, counted without recursion (a hostile tree may be very deep). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function countQueryBlocks(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node !== null && typeof node === 'object') {
      const type = (node as Record<string, unknown>).type;
      if (type === 'SELECT_NODE' || type === 'SET_OPERATION_NODE' || type === 'RECURSIVE_CTE_NODE') count++;
      stack.push(...Object.values(node));
    }
  }
  return count;
}

/** The CTE names visible at one point of the statement. */
class Scope {
  readonly names = new Set<string>();
  readonly parent: Scope | undefined;
  constructor(parent: Scope | undefined) {
    this.parent = parent;
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
}

class ScopeWalk {
  private readonly options: GuardOptions;
  constructor(options: GuardOptions) {
    this.options = options;
  }

  statement(node: unknown): GuardResult | undefined {
    return this.walk(node, new Scope(undefined));
  }

  /** The first refused construct under `node`, with `scope` the CTEs visible there. */
  private walk(node: unknown, scope: Scope): GuardResult | undefined {
    if (Array.isArray(node)) {
      for (const child of node) {
        const found = this.walk(child, scope);
        if (found) return found;
      }
      return undefined;
    }
    if (node === null || typeof node !== 'object') return undefined;
    const record = node as Record<string, unknown>;
    let inner = scope;
    const cteMap = record.cte_map as { map?: { key: string; value: { query?: unknown } }[] } | undefined;
    if (cteMap?.map && cteMap.map.length > 0) {
      // The CTEs of this WITH: each sees the outer ones, the earlier ones and itself.
      inner = new Scope(scope);
      for (const entry of cteMap.map) {
        const name = entry.key.toLowerCase();
        if (this.isSystemName(name)) return refuse(`CTE 不能使用系统表或系统函数的名字 ${entry.key}`);
        const body = new Scope(inner);
        body.names.add(name);
        const found = this.walk(entry.value.query, body);
        if (found) return found;
        inner.names.add(name);
      }
    }
    const found = this.check(record, inner);
    if (found) return found;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'cte_map') continue;
      const deeper = this.walk(value, inner);
      if (deeper) return deeper;
    }
    return undefined;
  }

  private isSystemName(name: string): boolean {
    return this.options.systemRelations.has(name) || DENIED_FUNCTION_PATTERN.test(name) || DENIED_FUNCTIONS.has(name);
  }

  private check(node: Record<string, unknown>, scope: Scope): GuardResult | undefined {
    switch (node.type) {
      case 'BASE_TABLE':
        return this.checkTable(node, scope);
      case 'TABLE_FUNCTION': {
        const fn = node.function as Record<string, unknown> | undefined;
        const name = String(fn?.function_name ?? '').toLowerCase();
        if (!ALLOWED_TABLE_FUNCTIONS.has(name) || fn?.schema || fn?.catalog) {
          return refuse(`不允许调用表函数 ${name}()（只允许 ${[...ALLOWED_TABLE_FUNCTIONS].join('、')}）`);
        }
        return undefined;
      }
      case 'SHOW_REF': {
        // DESCRIBE / SUMMARIZE of a query (its tables are checked by the walk); SHOW TABLES.
        const showType = String(node.show_type ?? '');
        const tableName = String(node.table_name ?? '').replaceAll('"', '').toLowerCase();
        if ((showType === 'DESCRIBE' || showType === 'SUMMARY') && node.query && !tableName) return undefined;
        if (showType === 'SHOW_UNQUALIFIED' && tableName === 'tables') return undefined;
        return refuse(`不允许 SHOW ${tableName || showType}`);
      }
      default:
        break;
    }
    if (node.class === 'FUNCTION' || node.class === 'WINDOW' || node.class === 'AGGREGATE') {
      const name = String(node.function_name ?? '').toLowerCase();
      if (DENIED_FUNCTIONS.has(name) || DENIED_FUNCTION_PATTERN.test(name)) {
        return refuse(`不允许调用函数 ${name}()：它读取文件、设置或运行环境`);
      }
      if (node.catalog || (node.schema && !['main', 'pg_catalog'].includes(String(node.schema).toLowerCase()))) {
        return refuse(`不允许带模式的函数名 ${String(node.schema)}.${name}()`);
      }
    }
    return undefined;
  }

  private checkTable(node: Record<string, unknown>, scope: Scope): GuardResult | undefined {
    const catalog = String(node.catalog_name ?? '').toLowerCase();
    const schema = String(node.schema_name ?? '').toLowerCase();
    const table = String(node.table_name ?? '').toLowerCase();
    const shown = [catalog, schema, table].filter(Boolean).join('.');
    const onlyMart = refuse(`只能查询分析库 mart 模式中的表，不允许 ${shown}`);
    if (catalog && catalog !== this.options.catalogName) return onlyMart;
    if (schema) {
      if (schema !== ALLOWED_SCHEMA) return onlyMart;
      if (this.options.martRelations.has(table)) return undefined;
      return unknownTable(shown, this.options.martRelations);
    }
    if (scope.has(table) || this.options.martRelations.has(table)) return undefined;
    if (this.isSystemName(table)) return refuse(`不允许读取系统表 ${shown}：只能查询 mart 模式中的表`);
    if (/[/\\:*?]|\.[a-z0-9]{1,8}$/i.test(table)) return refuse(`不允许读取文件或网址 ${shown}`);
    return unknownTable(shown, this.options.martRelations);
  }
}

function unknownTable(shown: string, relations: ReadonlySet<string>): GuardResult {
  const bare = shown.split('.').pop() ?? shown;
  const hint = closestName(bare, relations);
  return { ok: false, code: 'unknown_table', message: `表 ${shown} 不存在${hint ? `。您是否想找 mart.${hint}？` : '。可查询的表见左侧“数据表”列表或 GET /api/sql/schema'}` };
}
