// The result formats of a console worker: JSON rows, CSV, Arrow IPC, Parquet and xlsx, each
// written chunk by chunk as data frames under the byte cap (and the row cap its caller applies),
// with a tally of what was sent. Erasable TypeScript only (see worker-protocol.ts).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import type { ParquetExporter, ParquetWriter } from './parquet-export.ts';
import { ArrowStreamPieces, arrowBatch, arrowSchema, csvHeader, csvLine, jsonRows, sheetText, type ResultColumn } from './result-formats.ts';
import { FRAME_DATA, FRAME_HEAD, type QueryMessage } from './worker-protocol.ts';

/** Excel's own sheet limit (one row is the header). */
const XLSX_MAX_ROWS = 1_048_575;

export type Send = (type: number, payload: Uint8Array | object) => Promise<void>;

export interface Tally {
  bytes: number;
  rows: number;
  cutBy: 'rows' | 'bytes' | null;
}

export interface ResultFormatter {
  readonly tally: Tally;
  start(columns: ResultColumn[], names: string[], types: DuckDBType[]): Promise<void>;
  /** Writes one chunk's rows; false when a cap was reached (stop reading). */
  chunk(chunk: DuckDBDataChunk): Promise<boolean>;
  finish(): Promise<void>;
  dispose(): Promise<void>;
}

/** Thrown when a Parquet file comes out over the byte cap (it is only known once written). */
export class TooLargeError extends Error {}

export function createFormatter(message: QueryMessage, send: Send, exporter: ParquetExporter): ResultFormatter {
  const tally: Tally = { bytes: 0, rows: 0, cutBy: null };
  /** Sends bytes unless they would pass the byte cap; false (and cut) when they would. */
  const emit = async (bytes: Uint8Array): Promise<boolean> => {
    if (tally.bytes + bytes.byteLength > message.maxBytes) {
      tally.cutBy = 'bytes';
      return false;
    }
    tally.bytes += bytes.byteLength;
    await send(FRAME_DATA, bytes);
    return true;
  };
  switch (message.format) {
    case 'json':
      return textRows(tally, emit, message.maxBytes, (row, columns, first) => {
        const object: Record<string, unknown> = {};
        columns.forEach((c, i) => (object[c.name] = row[i] ?? null));
        return `${first ? '' : ','}${JSON.stringify(object)}`;
      });
    case 'csv':
      return textRows(tally, emit, message.maxBytes, (row, columns) => csvLine(row, columns), async (columns) => {
        // BOM: Excel opens UTF-8 CSV with Chinese text correctly only with it.
        await emit(Buffer.from(`\uFEFF${csvHeader(columns)}`));
      });
    case 'arrow':
      return arrow(tally, emit, message.maxBytes, send);
    case 'parquet':
      return parquet(tally, emit, message, send, exporter);
    case 'xlsx':
      return xlsx(tally, message.maxBytes, send);
  }
}

/** JSON rows and CSV lines: text per row, cut before the row that would pass the byte cap. */
function textRows(
  tally: Tally,
  emit: (bytes: Uint8Array) => Promise<boolean>,
  maxBytes: number,
  line: (row: ReturnType<typeof jsonRows>[number], columns: ResultColumn[], first: boolean) => string,
  header?: (columns: ResultColumn[]) => Promise<void>,
): ResultFormatter {
  let columns: ResultColumn[] = [];
  return {
    tally,
    start: async (c) => {
      columns = c;
      await header?.(columns);
    },
    chunk: async (chunk) => {
      let text = '';
      let size = 0;
      for (const row of jsonRows(chunk, columns)) {
        const piece = line(row, columns, tally.rows === 0);
        const pieceSize = Buffer.byteLength(piece);
        if (tally.bytes + size + pieceSize > maxBytes) {
          if (text) await emit(Buffer.from(text));
          tally.cutBy = 'bytes';
          return false;
        }
        text += piece;
        size += pieceSize;
        tally.rows++;
      }
      return emit(Buffer.from(text));
    },
    finish: async () => undefined,
    dispose: async () => undefined,
  };
}

function arrow(tally: Tally, emit: (bytes: Uint8Array) => Promise<boolean>, maxBytes: number, send: Send): ResultFormatter {
  let columns: ResultColumn[] = [];
  let schema: ReturnType<typeof arrowSchema> | undefined;
  let pieces: ArrowStreamPieces | undefined;
  return {
    tally,
    start: async (c) => {
      columns = c;
      schema = arrowSchema(columns);
      pieces = new ArrowStreamPieces(schema);
      await emit(pieces.schemaBytes);
    },
    chunk: async (chunk) => {
      const bytes = pieces!.batchBytes(arrowBatch(schema!, columns, chunk));
      // Room is kept for the end marker.
      if (tally.bytes + bytes.byteLength + ArrowStreamPieces.END.byteLength > maxBytes) {
        tally.cutBy = 'bytes';
        return false;
      }
      await emit(bytes);
      tally.rows += chunk.rowCount;
      return true;
    },
    finish: async () => {
      tally.bytes += ArrowStreamPieces.END.byteLength;
      await send(FRAME_DATA, ArrowStreamPieces.END);
    },
    dispose: async () => undefined,
  };
}

function parquet(tally: Tally, emit: (bytes: Uint8Array) => Promise<boolean>, message: QueryMessage, send: Send, exporter: ParquetExporter): ResultFormatter {
  let columns: ResultColumn[] = [];
  let writer: ParquetWriter | undefined;
  return {
    tally,
    start: async (c, names, types) => {
      columns = c;
      writer = await exporter.begin(names, types);
    },
    chunk: async (chunk) => {
      writer!.append(chunk);
      tally.rows += chunk.rowCount;
      return true;
    },
    finish: async () => {
      const file = await writer!.finish();
      if ((await stat(file)).size > message.maxBytes) throw new TooLargeError('parquet file over the byte cap');
      // A second head: the server sets its headers (and X-Result-Truncated) from it.
      await send(FRAME_HEAD, { id: message.id, columns, truncated: tally.cutBy !== null });
      for await (const piece of createReadStream(file, { highWaterMark: 256 * 1024 })) await emit(piece as Buffer);
    },
    dispose: async () => {
      await writer?.dispose();
    },
  };
}

function xlsx(tally: Tally, maxBytes: number, send: Send): ResultFormatter {
  let columns: ResultColumn[] = [];
  /** Uncompressed size of the cells added: a bound on what the zip will weigh. */
  let cellBytes = 0;
  const stream = new PassThrough();
  let piping: Promise<void> = Promise.resolve();
  let workbook: { commit(): Promise<void> } | undefined;
  let sheet: { addRow(values: unknown[]): { commit(): void }; commit(): void } | undefined;
  return {
    tally,
    start: async (c) => {
      columns = c;
      // Loaded on first use: exceljs is the slowest module to load, and workers start often.
      const { default: ExcelJS } = await import('exceljs');
      piping = (async () => {
        for await (const piece of stream) {
          tally.bytes += (piece as Buffer).byteLength;
          await send(FRAME_DATA, piece as Buffer);
        }
      })();
      piping.catch(() => undefined);
      const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
      workbook = writer;
      sheet = writer.addWorksheet('query');
      sheet.addRow(columns.map((col) => col.name)).commit();
    },
    chunk: async (chunk) => {
      for (const row of jsonRows(chunk, columns)) {
        if (tally.rows >= XLSX_MAX_ROWS) {
          tally.cutBy = 'rows';
          return false;
        }
        if (cellBytes > maxBytes) {
          tally.cutBy = 'bytes';
          return false;
        }
        const cells = row.map((value, i) => {
          const kind = columns[i]?.kind;
          if (value === null || value === undefined) return null;
          if ((kind === 'integer' || kind === 'number') && typeof value === 'number') return value;
          if (kind === 'boolean' && typeof value === 'boolean') return value;
          return sheetText(value, columns[i]);
        });
        cellBytes += cells.reduce<number>((n, v) => n + (v === null ? 0 : String(v).length + 16), 16);
        sheet!.addRow(cells).commit();
        tally.rows++;
      }
      // exceljs writes without waiting: hold the next chunk until the zip stream has been
      // sent on (with the pipe's back-pressure), so a slow client never piles it up here.
      if (stream.writableNeedDrain) await new Promise((resolve) => stream.once('drain', resolve));
      return true;
    },
    finish: async () => {
      sheet!.commit();
      await workbook!.commit();
      await piping;
    },
    dispose: async () => {
      stream.destroy();
      await piping.catch(() => undefined);
    },
  };
}
