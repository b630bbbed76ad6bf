// One analyst database file opened for the console (inside a console worker process): its own
// DuckDB instance, read-only, with no reach outside the file (no external access, no extension
// installs or autoloads), memory and threads from the configuration, and then the configuration
// locked so no statement can loosen it. Also reads what the guard and the error messages need:
// the analyst tables and columns, and the names of DuckDB's own catalog views and table
// functions (which a CTE may not borrow). Erasable TypeScript only (see worker-protocol.ts).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface AnalystDatabaseOptions {
  memoryLimit: string;
  threads: number;
}

/** The settings the console instance is created with; `lock_configuration` follows them. */
export function consoleSettings(options: AnalystDatabaseOptions): Record<string, string> {
  // Applied in this order: temp_directory cannot change once external access is off.
  return {
    // Nothing is spilled to disk: a query that needs more than memory_limit fails instead.
    temp_directory: '',
    access_mode: 'READ_ONLY',
    enable_external_access: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: options.memoryLimit,
    threads: String(options.threads),
  };
}

export interface AnalystDatabase {
  file: string;
  connection: DuckDBConnection;
  /** Lower-case name of the analyst file's catalog. */
  catalogName: string;
  /** Lower-case names of the `mart` tables and views. */
  martRelations: ReadonlySet<string>;
  /** Lower-case column names of the `mart` relations (for "did you mean" hints). */
  martColumns: ReadonlySet<string>;
  /** Lower-case names of DuckDB's own views and table functions (pg_settings, duckdb_databases…). */
  systemRelations: ReadonlySet<string>;
  close(): void;
}

export async function openAnalystDatabase(file: string, options: AnalystDatabaseOptions): Promise<AnalystDatabase> {
  const instance = await DuckDBInstance.create(file, consoleSettings(options));
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    // Unqualified names mean the marts; set before the lock.
    await connection.run("SET search_path = 'mart'");
    const names = async (sql: string): Promise<Set<string>> =>
      new Set((await connection!.runAndReadAll(sql)).getRows().map((r) => String(r[0]).toLowerCase()));
    const catalogName = [...(await names('SELECT current_database()'))][0] ?? '';
    const martRelations = await names(
      "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart' UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal",
    );
    const martColumns = await names("SELECT DISTINCT column_name FROM duckdb_columns() WHERE schema_name = 'mart'");
    const systemRelations = await names(
      "SELECT view_name FROM duckdb_views() WHERE internal UNION SELECT function_name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') UNION SELECT schema_name FROM duckdb_schemas() WHERE schema_name <> 'mart'",
    );
    await connection.run('SET lock_configuration = true');
    const opened = connection;
    return {
      file,
      connection: opened,
      catalogName,
      martRelations,
      martColumns,
      systemRelations,
      close: () => {
        opened.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
}
