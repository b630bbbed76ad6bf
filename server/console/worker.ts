// A console worker process (started by pool.ts, never by hand): it opens the analyst database
// read-only and locked, runs one guarded query at a time, formats its result (JSON rows, CSV,
// Arrow IPC, Parquet, xlsx) under the row and byte caps it is given, and writes it as frames to
// fd 3 (worker-protocol.ts). The server caps this process's memory with setrlimit once it is
// ready, and kills it when a query outlives its time limit by the grace period or when the
// server goes away; a query that makes it die takes nothing else with it.
// Run by Node's own type stripping: erasable TypeScript only, in this file and what it imports.
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { StatementType, type DuckDBDataChunk } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { openAnalystDatabase, type AnalystDatabase } from './analyst-database.ts';
import { translateDuckDbError } from './errors-zh.ts';
import { guardStatement } from './guard.ts';
import { ParquetExporter, type ParquetWriter } from './parquet-export.ts';
import { ArrowStreamPieces, arrowBatch, arrowSchema, csvHeader, csvLine, describeColumns, jsonRows, sheetText, type ResultColumn } from './result-formats.ts';
import {
  encodeFrame,
  FRAME_DATA,
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

/** Excel's own sheet limit (one row is the header). */
const XLSX_MAX_ROWS = 1_048_575;

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

/** One result format: a header, then rows chunk by chunk (false: stop, a cap was reached). */
interface Formatter {
  start(columns: ResultColumn[], names: string[], chunkTypes: Parameters<ParquetExporter['begin']>[1]): Promise<void>;
  chunk(chunk: DuckDBDataChunk, rows: number): Promise<boolean>;
  finish(): Promise<void>;
  dispose(): Promise<void>;
  readonly bytes: number;
  readonly rowsSent: number;
  cutBy: 'rows' | 'bytes' | null;
}

function formatter(message: QueryMessage): Formatter {
  let columns: ResultColumn[] = [];
  const state = { bytes: 0, rowsSent: 0, rawBytes: 0, cutBy: null as 'rows' | 'bytes' | null };
  /** Sends bytes unless they would pass the byte cap; false when they would. */
  const emit = async (bytes: Uint8Array): Promise<boolean> => {
    if (state.bytes + bytes.byteLength > message.maxBytes) {
      state.cutBy = 'bytes';
      return false;
    }
    state.bytes += bytes.byteLength;
    await send(FRAME_DATA, bytes);
    return true;
  };
  const base = {
    get bytes() {
      return state.bytes;
    },
    get rowsSent() {
      return state.rowsSent;
    },
    get cutBy() {
      return state.cutBy;
    },
    set cutBy(value: 'rows' | 'bytes' | null) {
      state.cutBy = value;
    },
  };
  switch (message.format) {
    case 'json': {
      let first = true;
      return Object.assign(base, {
        start: async (c: ResultColumn[]) => {
          columns = c;
        },
        chunk: async (chunk: DuckDBDataChunk) => {
          let text = '';
          for (const row of jsonRows(chunk, columns)) {
            const object: Record<string, unknown> = {};
            columns.forEach((c, i) => (object[c.name] = row[i] ?? null));
            const piece = `${first ? '' : ','}${JSON.stringify(object)}`;
            if (state.bytes + Buffer.byteLength(text) + Buffer.byteLength(piece) > message.maxBytes) {
              if (text) await emit(Buffer.from(text));
              state.cutBy = 'bytes';
              return false;
            }
            text += piece;
            first = false;
            state.rowsSent++;
          }
          return emit(Buffer.from(text));
        },
        finish: async () => undefined,
        dispose: async () => undefined,
      }) as unknown as Formatter;
    }
    case 'csv':
      return Object.assign(base, {
        start: async (c: ResultColumn[]) => {
          columns = c;
          // BOM: Excel opens UTF-8 CSV with Chinese text correctly only with it.
          await emit(Buffer.from(`\uFEFF${csvHeader(columns)}`));
        },
        chunk: async (chunk: DuckDBDataChunk) => {
          let text = '';
          for (const row of jsonRows(chunk, columns)) {
            const line = csvLine(row, columns);
            if (state.bytes + Buffer.byteLength(text) + Buffer.byteLength(line) > message.maxBytes) {
              if (text) await emit(Buffer.from(text));
              state.cutBy = 'bytes';
              return false;
            }
            text += line;
            state.rowsSent++;
          }
          return emit(Buffer.from(text));
        },
        finish: async () => undefined,
        dispose: async () => undefined,
      }) as unknown as Formatter;
    case 'arrow': {
      let schema: ReturnType<typeof arrowSchema> | undefined;
      let pieces: ArrowStreamPieces | undefined;
      return Object.assign(base, {
        start: async (c: ResultColumn[]) => {
          columns = c;
          schema = arrowSchema(columns);
          pieces = new ArrowStreamPieces(schema);
          await emit(pieces.schemaBytes);
        },
        chunk: async (chunk: DuckDBDataChunk) => {
          const bytes = pieces!.batchBytes(arrowBatch(schema!, columns, chunk));
          // Room is kept for the end marker.
          if (state.bytes + bytes.byteLength + 8 > message.maxBytes) {
            state.cutBy = 'bytes';
            return false;
          }
          await emit(bytes);
          state.rowsSent += chunk.rowCount;
          return true;
        },
        finish: async () => {
          state.bytes += 8;
          await send(FRAME_DATA, ArrowStreamPieces.END);
        },
        dispose: async () => undefined,
      }) as unknown as Formatter;
    }
    case 'parquet': {
      let writer: ParquetWriter | undefined;
      return Object.assign(base, {
        start: async (c: ResultColumn[], names: string[], types: Parameters<ParquetExporter['begin']>[1]) => {
          columns = c;
          writer = await exporter.begin(names, types);
        },
        chunk: async (chunk: DuckDBDataChunk) => {
          writer!.append(chunk);
          state.rowsSent += chunk.rowCount;
          return true;
        },
        finish: async () => {
          const file = await writer!.finish();
          if ((await stat(file)).size > message.maxBytes) throw Object.assign(new Error('parquet too large'), { tooLarge: true });
          // A second head: the server sets its headers (and X-Result-Truncated) from it.
          await send(FRAME_HEAD, { id: message.id, columns, truncated: state.cutBy !== null });
          for await (const piece of createReadStream(file, { highWaterMark: 256 * 1024 })) await emit(piece as Buffer);
        },
        dispose: async () => {
          await writer?.dispose();
        },
      }) as unknown as Formatter;
    }
    case 'xlsx': {
      const stream = new PassThrough();
      const piping = (async () => {
        for await (const piece of stream) {
          // The workbook's zip is sent as it is made; the byte cap is checked per row below.
          state.bytes += (piece as Buffer).byteLength;
          await send(FRAME_DATA, piece as Buffer);
        }
      })();
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
      const sheet = workbook.addWorksheet('query');
      let written = 0;
      return Object.assign(base, {
        start: async (c: ResultColumn[]) => {
          columns = c;
          sheet.addRow(columns.map((col) => col.name)).commit();
        },
        chunk: async (chunk: DuckDBDataChunk) => {
          for (const row of jsonRows(chunk, columns)) {
            if (written >= XLSX_MAX_ROWS) {
              state.cutBy = 'rows';
              return false;
            }
            // Uncompressed size of what was added, a bound on what the zip will weigh.
            if (state.rawBytes > message.maxBytes) {
              state.cutBy = 'bytes';
              return false;
            }
            const cells = row.map((value, i) => {
              const kind = columns[i]?.kind;
              if (value === null || value === undefined) return null;
              if ((kind === 'integer' || kind === 'number') && typeof value === 'number') return value;
              if (kind === 'boolean' && typeof value === 'boolean') return value;
              return sheetText(value, columns[i]);
            });
            state.rawBytes += cells.reduce<number>((n, v) => n + (v === null ? 0 : String(v).length + 16), 16);
            sheet.addRow(cells).commit();
            written++;
            state.rowsSent++;
          }
          // exceljs writes without waiting: hold the next chunk until the zip stream has been
          // sent on (with the pipe's back-pressure), so a slow client never piles it up here.
          if (stream.writableNeedDrain) await new Promise((resolve) => stream.once('drain', resolve));
          return true;
        },
        finish: async () => {
          sheet.commit();
          await workbook.commit();
          await piping;
        },
        dispose: async () => {
          stream.destroy();
          await piping.catch(() => undefined);
        },
      }) as unknown as Formatter;
    }
  }
}

async function runQuery(message: QueryMessage): Promise<void> {
  const started = performance.now();
  const run = { id: message.id, stopped: false };
  current = run;
  let format: Formatter | undefined;
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
    const result = await prepared.stream();
    const names = result.deduplicatedColumnNames();
    const types = result.columnTypes();
    const columns = describeColumns(names, types);
    format = formatter(message);
    await send(FRAME_HEAD, { id: message.id, columns });
    await format.start(columns, names, types);
    let rowCount = 0;
    for (;;) {
      if (run.stopped) throw new Error('INTERRUPT: stopped by the server');
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      if (rowCount + chunk.rowCount > message.maxRows) {
        chunk.rowCount = message.maxRows - rowCount;
        format.cutBy = 'rows';
      }
      if (chunk.rowCount > 0 && !(await format.chunk(chunk, chunk.rowCount))) break;
      rowCount += chunk.rowCount;
      if (format.cutBy) break;
    }
    if (run.stopped) throw new Error('INTERRUPT: stopped by the server');
    await format.finish();
    const sent = format.rowsSent;
    const end: EndPayload = {
      id: message.id,
      rowCount: sent,
      truncated: format.cutBy !== null,
      truncatedBy: format.cutBy,
      bytes: format.bytes,
      elapsedMs: Math.round(performance.now() - started),
    };
    await send(FRAME_END, end);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let fail: FailPayload;
    if (run.stopped) fail = { id: message.id, status: 409, code: 'stopped', message: '查询已停止', stopped: true };
    else if ((error as { tooLarge?: boolean }).tooLarge) {
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
  queue = queue.then(() => (message.type === 'query' ? runQuery(message) : runSchema(message))).catch(() => process.exit(1));
});

await databaseFor(settings.analystFile);
process.send!({ type: 'ready', vmSizeBytes: vmSizeBytes() });
