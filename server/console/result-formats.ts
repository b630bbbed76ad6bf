// Turning DuckDB result chunks into what the console sends: JSON rows, CSV text and Arrow IPC
// record batches (and cells for xlsx). Columns keep their DuckDB type; types JSON and Arrow have
// no word for (lists, structs, intervals…) travel as their JSON text. Text that a spreadsheet
// would run as a formula is neutralised in CSV and xlsx as in the dashboards' CSVs.
// Erasable TypeScript only (it runs in the console worker, see worker-protocol.ts).
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBType,
} from '@duckdb/node-api';
import { Field, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
import { arrowType, arrowValue, type ColumnType } from '../http/arrow.ts';
import { neutraliseFormula } from '../http/csv.ts';

export interface ResultColumn {
  name: string;
  /** DuckDB's name of the type, e.g. VARCHAR, DECIMAL(18,6), VARCHAR[]. */
  type: string;
  /** What the JSON/Arrow value is: number, integer, text, boolean, date, timestamp or other. */
  kind: ColumnKind;
}

export type ColumnKind = 'integer' | 'number' | 'boolean' | 'text' | 'date' | 'timestamp' | 'other';

const SMALL_INTEGERS = new Set([DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT]);
const BIG_INTEGERS = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const DECIMALS = new Set([DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL]);
const TIMESTAMPS = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
]);

export function columnKind(type: DuckDBType): ColumnKind {
  const id = type.typeId;
  if (SMALL_INTEGERS.has(id) || BIG_INTEGERS.has(id)) return 'integer';
  if (DECIMALS.has(id)) return 'number';
  if (id === DuckDBTypeId.BOOLEAN) return 'boolean';
  if (id === DuckDBTypeId.VARCHAR || id === DuckDBTypeId.ENUM || id === DuckDBTypeId.UUID) return 'text';
  if (id === DuckDBTypeId.DATE) return 'date';
  if (TIMESTAMPS.has(id)) return 'timestamp';
  return 'other';
}

export function describeColumns(names: string[], types: DuckDBType[]): ResultColumn[] {
  return names.map((name, i) => ({ name, type: types[i]!.toString(), kind: columnKind(types[i]!) }));
}

export type JsonCell = string | number | boolean | null | JsonCell[] | { [key: string]: JsonCell };

/** Rows of a chunk as arrays of JSON cells: numbers as numbers when exact, else their text. */
export function jsonRows(chunk: DuckDBDataChunk, columns: ResultColumn[]): JsonCell[][] {
  const rows = chunk.convertRows(JsonDuckDBValueConverter) as JsonCell[][];
  for (const row of rows) {
    columns.forEach((column, i) => {
      const value = row[i];
      if ((column.kind === 'integer' || column.kind === 'number') && typeof value === 'string') {
        const n = Number(value);
        if (column.kind === 'integer' ? Number.isSafeInteger(n) : Number.isFinite(n)) row[i] = n;
      }
    });
  }
  return rows;
}

/** The text of a cell as a spreadsheet should show it (formula-leading text neutralised). */
export function sheetText(value: JsonCell | undefined, column: ResultColumn | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return column?.kind === 'text' || column?.kind === 'other' ? neutraliseFormula(text) : text;
}

function csvField(value: JsonCell | undefined, column?: ResultColumn): string {
  const text = sheetText(value, column);
  if (text === null) return '';
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(columns: ResultColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

export function csvLine(row: JsonCell[], columns: ResultColumn[]): string {
  return `${row.map((value, i) => csvField(value, columns[i])).join(',')}\r\n`;
}

/**
 * Arrow IPC stream bytes written piece by piece: the schema message first, then each batch's
 * message, then the end-of-stream marker, so that a result is sent as it is read (apache-arrow's
 * stream writer queues without bound). No dictionaries are used, so a one-batch stream is
 * exactly schema + batch + end marker.
 */
export class ArrowStreamPieces {
  static readonly END = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  private readonly schemaLength: number;
  readonly schemaBytes: Uint8Array;

  constructor(schema: Schema) {
    const empty = tableToIPC(new Table(schema), 'stream');
    this.schemaLength = empty.byteLength - ArrowStreamPieces.END.byteLength;
    this.schemaBytes = empty.subarray(0, this.schemaLength);
  }

  batchBytes(batch: RecordBatch): Uint8Array {
    const whole = tableToIPC(new Table([batch]), 'stream');
    return whole.subarray(this.schemaLength, whole.byteLength - ArrowStreamPieces.END.byteLength);
  }
}

/** The column type of server/http/arrow.ts that carries a console column. */
function tableColumnType(column: ResultColumn): ColumnType {
  switch (column.kind) {
    case 'integer':
      return /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT)$/.test(column.type) ? 'INTEGER' : 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'text':
      return 'VARCHAR';
    case 'other':
      return 'JSON';
  }
}

/** The Arrow schema of a result (every field nullable). */
export function arrowSchema(columns: ResultColumn[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(tableColumnType(c)), true)));
}

/** One Arrow record batch of a chunk, in `schema`. */
export function arrowBatch(schema: Schema, columns: ResultColumn[], chunk: DuckDBDataChunk): RecordBatch {
  const js = chunk.convertColumns(JSDuckDBValueConverter) as unknown[][];
  const vectors = columns.map((column, i) => {
    const type = tableColumnType(column);
    const values = (js[i] ?? []).map((v) => arrowValue(type, type === 'INTEGER' || type === 'DOUBLE' ? toNumber(v) : v));
    return vectorFromArray(values, schema.fields[i]!.type);
  });
  const data = makeData({
    type: new Struct(schema.fields),
    length: chunk.rowCount,
    nullCount: 0,
    children: vectors.map((v) => v.data[0]!),
  });
  return new RecordBatch(schema, data);
}

function toNumber(value: unknown): unknown {
  return value === null || value === undefined ? value : Number(value);
}
