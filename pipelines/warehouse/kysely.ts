// A small Kysely dialect over @duckdb/node-api, and a typed handle on the marts.
//
// Why our own: the published `kysely-duckdb` (0.4.0) reads DATE columns through the local time
// zone (a 2025-06-30 becomes 2025-06-29T16:00Z in Asia/Shanghai) and treats any one-row result
// with a single `count` column as an UPDATE count, returning no rows for
// `SELECT count(*) AS count`. Both would give wrong numbers on the dashboards.
//
// SQL: DuckDB speaks PostgreSQL's dialect for everything Kysely builds (double-quoted
// identifiers, `$1` parameters, RETURNING), so Kysely's Postgres compiler and adapter are used.
// Values: DATE → 'YYYY-MM-DD', integers (BIGINT included, when safe) and DECIMAL → number,
// TIMESTAMP → Date (UTC), lists → arrays.
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  ResultReturnType,
  type DuckDBValue,
  type DuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema.ts';

export interface DuckDbDialectOptions {
  /**
   * Where connections come from. An instance: each Kysely connection is a DuckDB connection of
   * it (idle ones are reused). A connection: every query runs on it, one at a time.
   */
  source: DuckDBInstance | DuckDBConnection;
  /** Run on each new connection of an instance (e.g. `SET threads = 1`). */
  onConnect?: (connection: DuckDBConnection) => Promise<void>;
}

export class DuckDbDialect implements Dialect {
  readonly #options: DuckDbDialectOptions;

  constructor(options: DuckDbDialectOptions) {
    this.#options = options;
  }

  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new DuckDbDriver(this.#options);
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/** Opens a typed Kysely handle on the marts of a DuckDB instance or connection. */
export function martDb(source: DuckDBInstance | DuckDBConnection, options: Omit<DuckDbDialectOptions, 'source'> = {}): Kysely<Database> {
  return new Kysely<Database>({ dialect: new DuckDbDialect({ ...options, source }) });
}

class DuckDbDriver implements Driver {
  readonly #options: DuckDbDialectOptions;
  readonly #idle: DuckDbKyselyConnection[] = [];
  readonly #owned: DuckDbKyselyConnection[] = [];
  #shared: DuckDbKyselyConnection | undefined;
  /** For a shared connection: the tail of the queue of queries waiting for it. */
  #sharedQueue: Promise<void> = Promise.resolve();

  constructor(options: DuckDbDialectOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {
    if (this.#options.source instanceof DuckDBConnection) this.#shared = new DuckDbKyselyConnection(this.#options.source);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#shared) {
      // one query (or transaction) at a time on a shared connection
      const shared = this.#shared;
      let release!: () => void;
      const previous = this.#sharedQueue;
      this.#sharedQueue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      shared.release = release;
      return shared;
    }
    const reused = this.#idle.pop();
    if (reused) return reused;
    const source = this.#options.source as DuckDBInstance;
    const raw = await source.connect();
    await this.#options.onConnect?.(raw);
    const created = new DuckDbKyselyConnection(raw);
    this.#owned.push(created);
    return created;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error('DuckDB transactions have no isolation level or access mode to set');
    }
    await connection.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const conn = connection as DuckDbKyselyConnection;
    if (conn === this.#shared) {
      const release = conn.release;
      conn.release = undefined;
      release?.();
    } else {
      this.#idle.push(conn);
    }
  }

  /** Closes the connections this driver opened; a shared connection or the instance stay the caller's. */
  async destroy(): Promise<void> {
    for (const conn of this.#owned) conn.close();
    this.#owned.length = 0;
    this.#idle.length = 0;
  }
}

class DuckDbKyselyConnection implements DatabaseConnection {
  readonly #connection: DuckDBConnection;
  release: (() => void) | undefined;

  constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#connection.run(compiledQuery.sql, toDuckDbValues(compiledQuery.parameters));
    if (result.returnType === ResultReturnType.CHANGED_ROWS) {
      const changed = BigInt(result.rowsChanged);
      return { rows: [], numAffectedRows: changed, numChangedRows: changed };
    }
    const rows = (await result.convertRowObjects(rowValueConverter)) as R[];
    return { rows };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 2048): AsyncIterableIterator<QueryResult<R>> {
    const result = await this.#connection.stream(compiledQuery.sql, toDuckDbValues(compiledQuery.parameters));
    let batch: R[] = [];
    for await (const rows of result.yieldConvertedRowObjects(rowValueConverter)) {
      for (const row of rows) {
        batch.push(row as R);
        if (batch.length >= chunkSize) {
          yield { rows: batch };
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield { rows: batch };
  }

  close(): void {
    this.#connection.closeSync();
  }
}

/** Kysely parameters → DuckDB values; a Date becomes its ISO text (DuckDB casts it where needed). */
function toDuckDbValues(parameters: readonly unknown[]): DuckDBValue[] {
  return parameters.map((value, i) => {
    if (value === undefined || value === null) return null;
    if (value instanceof Date) return value.toISOString();
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'bigint':
        return value;
      default:
        throw new Error(`query parameter $${i + 1} has a type DuckDB cannot bind here: ${Object.prototype.toString.call(value)}`);
    }
  });
}

function safeNumber(value: bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/** DuckDB values → JS, as the mart types in schema.ts describe them. */
const rowValueConverter: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DATE:
      return String(value);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return typeof value === 'bigint' ? safeNumber(value) : JSDuckDBValueConverter(value, type, converter);
    default:
      return JSDuckDBValueConverter(value, type, converter);
  }
};
