// One analyst database file opened for the console: its own DuckDB instance, read-only, with
// no reach outside the file (no external access, no extension installs or autoloads), memory
// and threads from the configuration, and then the configuration locked so no statement can
// loosen it. A few connections are opened up front; queries borrow one each.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface AnalystDatabaseOptions {
  file: string;
  memoryLimit: string;
  threads: number;
  connections: number;
}

/** The settings the console instance is created with; `lock_configuration` follows them. */
export function consoleSettings(options: { memoryLimit: string; threads: number }): Record<string, string> {
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

export class AnalystDatabase {
  /** Lower-case names of the `mart` tables and views. */
  readonly martRelations: ReadonlySet<string>;
  readonly catalogName: string;
  private readonly idle: DuckDBConnection[];
  private readonly waiters: ((connection: DuckDBConnection) => void)[] = [];
  private busy = 0;
  private retired = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    connections: DuckDBConnection[],
    catalogName: string,
    martRelations: Set<string>,
  ) {
    this.idle = connections;
    this.catalogName = catalogName;
    this.martRelations = martRelations;
  }

  static async open(options: AnalystDatabaseOptions): Promise<AnalystDatabase> {
    const instance = await DuckDBInstance.create(options.file, consoleSettings(options));
    const connections: DuckDBConnection[] = [];
    try {
      for (let i = 0; i < options.connections; i++) {
        const connection = await instance.connect();
        // Unqualified names mean the marts; set before the lock, per connection.
        await connection.run("SET search_path = 'mart'");
        connections.push(connection);
      }
      const first = connections[0]!;
      const catalog = String((await first.runAndReadAll('SELECT current_database() AS c')).getRowObjects()[0]?.c ?? '');
      const relations = (
        await first.runAndReadAll(
          "SELECT table_name AS n FROM duckdb_tables() WHERE schema_name = 'mart' UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal",
        )
      ).getRowObjects();
      await first.run('SET lock_configuration = true');
      return new AnalystDatabase(options.file, instance, connections, catalog.toLowerCase(), new Set(relations.map((r) => String(r.n).toLowerCase())));
    } catch (error) {
      for (const c of connections) c.closeSync();
      instance.closeSync();
      throw error;
    }
  }

  /** Connections in use plus queries waiting for one. */
  get load(): { busy: number; waiting: number; size: number } {
    return { busy: this.busy, waiting: this.waiters.length, size: this.busy + this.idle.length };
  }

  /** A connection for one query; waits for one when all are busy. */
  acquire(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('analyst database closed'));
    const connection = this.idle.pop();
    if (connection) {
      this.busy++;
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => {
      this.waiters.push((c) => {
        this.busy++;
        resolve(c);
      });
    });
  }

  release(connection: DuckDBConnection): void {
    this.busy--;
    const waiter = this.waiters.shift();
    if (waiter) return waiter(connection);
    this.idle.push(connection);
    if (this.retired && this.busy === 0) this.close();
  }

  /** A newer file was published: close once the queries on this one have finished. */
  retire(): void {
    this.retired = true;
    if (this.busy === 0 && this.waiters.length === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.idle) c.closeSync();
    this.idle.length = 0;
    this.instance.closeSync();
  }
}
