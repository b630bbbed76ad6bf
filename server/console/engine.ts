// The console engine: runs one guarded, read-only query on the current analyst database, with
// a time limit enforced by a real DuckDB interrupt, a cancel by query id, a small pool of
// connections with a bounded queue (503 when full), and the row limits of the configuration.
// DuckDB executes on its own threads, so the event loop keeps serving other requests.
import { statSync } from 'node:fs';
import { StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { currentAnalystFile } from '../../pipelines/publish/analyst.ts';
import { AnalystDatabase } from './analyst-database.ts';
import { guardStatement } from './guard.ts';
import { describeColumns, type ResultColumn } from './result-formats.ts';

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsoleEngineOptions {
  /** The analyst file to query now (changes when a refresh publishes). */
  resolveAnalystFile: () => Promise<string | null>;
  memoryLimit: string;
  threads: number;
  timeoutMs: number;
  connections?: number;
  /** Queries allowed to wait for a connection; more get 503. */
  maxWaiting?: number;
}

export interface QueryRequest {
  /** Client-chosen id, used to cancel. */
  id: string;
  userName: string;
  sql: string;
}

export interface ResultSink {
  /** Called once, before any chunk, with the result's columns. */
  columns(columns: ResultColumn[], names: string[], types: DuckDBType[]): void | Promise<void>;
  /** Called per chunk (rows already cut to the cap). */
  chunk(chunk: DuckDBDataChunk): void | Promise<void>;
}

export interface QueryOutcome {
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

interface Running {
  userName: string;
  connection: DuckDBConnection;
  stopped: 'timeout' | 'cancelled' | null;
}

export interface SchemaColumn {
  name: string;
  type: string;
  comment: string | null;
}
export interface SchemaRelation {
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
  columns: SchemaColumn[];
}

export class ConsoleEngine {
  private current: AnalystDatabase | undefined;
  private opening: Promise<AnalystDatabase | undefined> | undefined;
  private readonly running = new Map<string, Running>();
  private schemaCache: { file: string; relations: SchemaRelation[] } | undefined;

  constructor(private readonly options: ConsoleEngineOptions) {}

  /** Runs a query, passing its rows to `sink` up to `maxRows`. */
  async run(request: QueryRequest, sink: ResultSink, maxRows: number): Promise<QueryOutcome> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(request.id)) throw new ConsoleError(400, 'bad_request', '查询编号无效 / invalid query id');
    if (this.running.has(request.id)) throw new ConsoleError(409, 'duplicate_id', '该查询编号正在使用 / query id already running');
    const db = await this.database();
    const load = db.load;
    if (load.busy >= load.size && load.waiting >= (this.options.maxWaiting ?? 4)) {
      throw new ConsoleError(503, 'busy', '控制台繁忙，请稍后再试 / the console is busy, try again shortly');
    }
    const started = performance.now();
    const connection = await db.acquire();
    const entry: Running = { userName: request.userName, connection, stopped: null };
    this.running.set(request.id, entry);
    const timer = setTimeout(() => {
      entry.stopped = 'timeout';
      connection.interrupt();
    }, this.options.timeoutMs);
    try {
      const verdict = await guardStatement(connection, request.sql, db);
      if (!verdict.ok) throw new ConsoleError(400, verdict.code, verdict.message);
      const extracted = await connection.extractStatements(request.sql);
      if (extracted.count !== 1) throw new ConsoleError(400, 'refused', '已拒绝：一次只能执行一条语句 / Refused: exactly one statement is allowed');
      const prepared = await extracted.prepare(0);
      if (prepared.statementType !== StatementType.SELECT) {
        throw new ConsoleError(400, 'refused', '已拒绝：只允许只读查询 / Refused: only read-only queries are allowed');
      }
      const result = await prepared.stream();
      const names = result.deduplicatedColumnNames();
      const types = result.columnTypes();
      await sink.columns(describeColumns(names, types), names, types);
      let rowCount = 0;
      let truncated = false;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        if (rowCount + chunk.rowCount > maxRows) {
          chunk.rowCount = maxRows - rowCount;
          truncated = true;
        }
        if (chunk.rowCount > 0) await sink.chunk(chunk);
        rowCount += chunk.rowCount;
        if (truncated) break;
      }
      if (entry.stopped) throw new Error('interrupted');
      return { rowCount, truncated, elapsedMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (entry.stopped === 'timeout') {
        throw new ConsoleError(408, 'timeout', `查询超过 ${this.options.timeoutMs / 1000} 秒时限，已中断 / query interrupted after the ${this.options.timeoutMs / 1000} s limit`);
      }
      if (entry.stopped === 'cancelled') throw new ConsoleError(409, 'cancelled', '查询已取消 / query cancelled');
      if (error instanceof ConsoleError) throw error;
      throw new ConsoleError(400, 'query_error', `查询出错 / query failed: ${firstLine((error as Error).message)}`);
    } finally {
      clearTimeout(timer);
      this.running.delete(request.id);
      db.release(connection);
    }
  }

  /** Interrupts a running query of this user; false when there is none. */
  cancel(id: string, userName: string): boolean {
    const entry = this.running.get(id);
    if (!entry || entry.userName !== userName) return false;
    entry.stopped ??= 'cancelled';
    entry.connection.interrupt();
    return true;
  }

  /** Tables and views of the analyst database with their documented comments. */
  async schema(): Promise<SchemaRelation[]> {
    const db = await this.database();
    if (this.schemaCache?.file === db.file) return this.schemaCache.relations;
    const connection = await db.acquire();
    try {
      const relations = (
        await connection.runAndReadAll(
          `SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables() WHERE schema_name = 'mart'
           UNION ALL SELECT view_name, 'view', comment FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal
           ORDER BY kind, name`,
        )
      ).getRowObjectsJson() as { name: string; kind: 'table' | 'view'; comment: string | null }[];
      const columns = (
        await connection.runAndReadAll(
          "SELECT table_name, column_name AS name, data_type AS type, comment FROM duckdb_columns() WHERE schema_name = 'mart' ORDER BY table_name, column_index",
        )
      ).getRowObjectsJson() as { table_name: string; name: string; type: string; comment: string | null }[];
      const result = relations.map((r) => ({
        ...r,
        columns: columns.filter((c) => c.table_name === r.name).map(({ name, type, comment }) => ({ name, type, comment })),
      }));
      this.schemaCache = { file: db.file, relations: result };
      return result;
    } finally {
      db.release(connection);
    }
  }

  close(): void {
    this.current?.close();
    this.current = undefined;
  }

  /** The open analyst database, reopened when a newer file has been published. */
  private async database(): Promise<AnalystDatabase> {
    const file = await this.options.resolveAnalystFile();
    if (!file) throw new ConsoleError(503, 'no_analyst_database', '分析库尚未发布，请等待首次刷新完成 / no analyst database published yet');
    if (this.current?.file === file) return this.current;
    this.opening ??= (async () => {
      try {
        const next = await AnalystDatabase.open({
          file,
          memoryLimit: this.options.memoryLimit,
          threads: this.options.threads,
          connections: this.options.connections ?? 2,
        });
        this.current?.retire();
        this.current = next;
        return next;
      } finally {
        this.opening = undefined;
      }
    })();
    const opened = await this.opening;
    if (!opened) throw new ConsoleError(503, 'no_analyst_database', '分析库无法打开 / the analyst database cannot be opened');
    return opened;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 500);
}

/**
 * The analyst file of the published warehouse, re-read only when the warehouse file itself
 * changed (a publish renames a new file over it), so a query costs one stat.
 */
export function analystFileResolver(warehouseFile: string): () => Promise<string | null> {
  let seen: { key: string; file: string | null } | undefined;
  return async () => {
    let key: string;
    try {
      const stat = statSync(warehouseFile);
      key = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return null;
    }
    if (seen?.key !== key) seen = { key, file: await currentAnalystFile(warehouseFile) };
    return seen.file;
  };
}
