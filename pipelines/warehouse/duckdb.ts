// Thin helpers over @duckdb/node-api: open a database file with explicit limits, run a
// query and get plain JS rows back. Everything else talks to DuckDB through these.
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface OpenOptions {
  readOnly?: boolean;
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB may spill; defaults to DuckDB's own choice beside the file. */
  tempDirectory?: string;
  /** Extra DuckDB settings applied at open time (e.g. enable_external_access). */
  settings?: Record<string, string>;
}

export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  path: string;
  close(): void;
}

/**
 * Opens a DuckDB file (':memory:' for none). Always a fresh instance, never the instance
 * cache: after a publish renames a new file into place, the same path must give the new file.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  const settings: Record<string, string> = { ...options.settings };
  if (options.readOnly) settings.access_mode = 'READ_ONLY';
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  if (options.threads) settings.threads = String(options.threads);
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  const instance = await DuckDBInstance.create(path, settings);
  const connection = await instance.connect();
  return {
    instance,
    connection,
    path,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs a query and returns its rows as JS objects (BIGINT as bigint, DATE as DuckDBDateValue…). */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Params,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as T[];
}

/** Runs a query and returns its rows as JSON-safe objects (dates as ISO strings, BIGINT as string). */
export async function queryJson<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Params,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as T[];
}

export async function execute(connection: DuckDBConnection, sql: string, params?: Params): Promise<void> {
  await connection.run(sql, params);
}

/** Quotes an identifier for DuckDB. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB (for the few places that cannot take a parameter, like ATTACH). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A VARCHAR[] literal of the given strings (an empty list stays typed). */
export function varcharList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]::VARCHAR[]`;
}

/** `a.k IS NOT DISTINCT FROM b.k` for each key column, ANDed: rows of the same key, NULL included. */
export function sameKey(columns: readonly string[], a: string, b: string): string {
  return columns.map((c) => `${a}.${quoteIdent(c)} IS NOT DISTINCT FROM ${b}.${quoteIdent(c)}`).join(' AND ');
}
