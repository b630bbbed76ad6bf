// A console worker process (started by pool.ts, never by hand): it opens the analyst database
// read-only and locked, runs one guarded query at a time, formats its result under the row and
// byte caps it is given (worker-formats.ts) and writes it as frames to fd 3 (worker-protocol.ts). The server caps this process's memory with setrlimit once it is
// ready, and kills it when a query outlives its time limit by the grace period or when the
// server goes away; a query that makes it die takes nothing else with it.
// Run by Node's own type stripping: erasable TypeScript only, in this file and what it imports.
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { StatementType } from '@duckdb/node-api';
import { openAnalystDatabase, type AnalystDatabase } from './analyst-database.ts';
import { translateDuckDbError } from './errors-zh.ts';
import { guardStatement } from './guard.ts';
import { ParquetExporter } from './parquet-export.ts';
import { describeColumns } from './result-formats.ts';
import { createFormatter, TooLargeError, type ResultFormatter } from './worker-formats.ts';
import {
  encodeFrame,
  FRAME_ACCEPTED,
  FRAME_END,
  FRAME_FAIL,
  FRAME_HEAD,
  type EndPayload,
  type FailPayload,
  type QueryMessage,
  type SchemaMessage,
  type ToWorker,
} from './worker-protocol.ts';

interface WorkerSettings {
  analystFile: string;
  memoryLimit: string;
  threads: number;
  tempDir: string;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const out = new Socket({ fd: 3, readable: false, writable: true });
// The server went away: nothing to answer to.
out.on('error', () => process.exit(1));
process.on('disconnect', () => process.exit(0));

let database: AnalystDatabase | undefined;
let current: { id: string; stopped: boolean } | undefined;
const exporter = new ParquetExporter({ tempDir: settings.tempDir, memoryLimit: '256MB' });

async function send(type: number, payload: Uint8Array | object): Promise<void> {
  const bytes = payload instanceof Uint8Array ? payload : Buffer.from(JSON.stringify(payload));
  if (!out.write(encodeFrame(type, bytes))) {
    await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
}

async function databaseFor(file: string): Promise<AnalystDatabase> {
  if (database?.file === file) return database;
  database?.close();
  database = undefined;
  database = await openAnalystDatabase(file, { memoryLimit: settings.memoryLimit, threads: settings.threads });
  return database;
}

function vmSizeBytes(): number {
  const match = /VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function runQuery(message: QueryMessage): Promise<void> {
  const started = performance.now();
  const run = { id: message.id, stopped: false };
  current = run;
  let format: ResultFormatter | undefined;
  let db: AnalystDatabase | undefined;
  try {
    db = await databaseFor(message.analystFile);
    const verdict = await guardStatement(db.connection, message.sql, db);
    if (!verdict.ok) {
      const message2 = verdict.code === 'syntax' ? translateDuckDbError(`Parser Error: ${verdict.message}`, { ...db, sql: message.sql }) : verdict.message;
      await send(FRAME_FAIL, { id: message.id, status: 400, code: verdict.code, message: message2 } satisfies FailPayload);
      return;
    }
    const extracted = await db.connection.extractStatements(message.sql);
    if (extracted.count !== 1) {
      await send(FRAME_FAIL, { id: message.id, status: 400, code: 'refused', message: '已拒绝：一次只能执行一条语句' } satisfies FailPayload);
      return;
    }
    const prepared = await extracted.prepare(0);
    if (prepared.statementType !== StatementType.SELECT) {
      await send(FRAME_FAIL, { id: message.id, status: 400, code: 'refused', message: '已拒绝：只允许只读查询' } satisfies FailPayload);
      return;
    }
    // A stop that came while the statement was checked: DuckDB's interrupt only reaches a
    // running query, so it is honoured here before the query starts.
    if (run.stopped) throw new Error('INTERRUPT: stopped by the server');
    const result = await prepared.stream();
    const names = result.deduplicatedColumnNames();
    const types = result.columnTypes();
    const columns = describeColumns(names, types);
    format = createFormatter(message, send, exporter);
    await send(FRAME_HEAD, { id: message.id, columns });
    await format.start(columns, names, types);
    let rowCount = 0;
    for (;;) {
      if (run.stopped) throw new Error('INTERRUPT: stopped by the server');
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      let cut = false;
      if (rowCount + chunk.rowCount > message.maxRows) {
        chunk.rowCount = message.maxRows - rowCount;
        cut = true;
      }
      if (chunk.rowCount > 0 && !(await format.chunk(chunk))) break;
      rowCount += chunk.rowCount;
      if (cut) {
        format.tally.cutBy ??= 'rows';
        break;
      }
    }
    if (run.stopped) throw new Error('INTERRUPT: stopped by the server');
    await format.finish();
    const { tally } = format;
    const end: EndPayload = {
      id: message.id,
      rowCount: tally.rows,
      truncated: tally.cutBy !== null,
      truncatedBy: tally.cutBy,
      bytes: tally.bytes,
      elapsedMs: Math.round(performance.now() - started),
    };
    await send(FRAME_END, end);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let fail: FailPayload;
    if (run.stopped) fail = { id: message.id, status: 409, code: 'stopped', message: '查询已停止', stopped: true };
    else if (error instanceof TooLargeError) {
      fail = { id: message.id, status: 413, code: 'too_large', message: `结果超过导出大小上限（${Math.round(message.maxBytes / 1e6)} MB），请缩小查询范围` };
    } else fail = { id: message.id, status: 400, code: 'query_error', message: translateDuckDbError(raw, { martRelations: db?.martRelations ?? new Set(), martColumns: db?.martColumns ?? new Set(), sql: message.sql }) };
    await send(FRAME_FAIL, fail);
  } finally {
    await format?.dispose().catch(() => undefined);
    if (current === run) current = undefined;
  }
}

async function runSchema(message: SchemaMessage): Promise<void> {
  try {
    const db = await databaseFor(message.analystFile);
    const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
    const relations = (await rows(
      `SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables() WHERE schema_name = 'mart'
       UNION ALL SELECT view_name, 'view', comment FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal
       ORDER BY kind, name`,
    )) as { name: string; kind: string; comment: string | null }[];
    const columns = (await rows(
      "SELECT table_name, column_name AS name, data_type AS type, comment FROM duckdb_columns() WHERE schema_name = 'mart' ORDER BY table_name, column_index",
    )) as { table_name: string; name: string; type: string; comment: string | null }[];
    const schema = relations.map((r) => ({
      ...r,
      columns: columns.filter((c) => c.table_name === r.name).map(({ name, type, comment }) => ({ name, type, comment })),
    }));
    await send(FRAME_END, { id: message.id, rowCount: schema.length, truncated: false, truncatedBy: null, bytes: 0, elapsedMs: 0, schema } satisfies EndPayload);
  } catch (error) {
    await send(FRAME_FAIL, { id: message.id, status: 503, code: 'no_analyst_database', message: `分析库无法打开：${(error as Error).message.split('\n')[0]}` } satisfies FailPayload);
  }
}

// One request at a time: the server sends the next only after this one's end or failure.
let queue: Promise<void> = Promise.resolve();
process.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    if (current?.id === message.id) {
      current.stopped = true;
      database?.connection.interrupt();
    }
    return;
  }
  void send(FRAME_ACCEPTED, { id: message.id });
  queue = queue.then(() => (message.type === 'query' ? runQuery(message) : runSchema(message))).catch(() => process.exit(1));
});

await databaseFor(settings.analystFile);
process.send!({ type: 'ready', vmSizeBytes: vmSizeBytes() });
