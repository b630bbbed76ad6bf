// Turning DuckDB result chunks into what the console sends: JSON rows, CSV text and Arrow IPC
// record batches. Columns keep their DuckDB type; types JSON and Arrow have no word for
// (lists, structs, intervals…) travel as their JSON text.
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBType,
} from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';

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

function csvField(value: JsonCell | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(columns: ResultColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

export function csvLines(rows: JsonCell[][]): string {
  let out = '';
  for (const row of rows) out += `${row.map(csvField).join(',')}\r\n`;
  return out;
}

function arrowType(kind: ColumnKind, type: string): DataType {
  switch (kind) {
    case 'integer':
      return /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT)$/.test(type) ? new Int32() : new Int64();
    case 'number':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

/** The Arrow schema of a result (every field nullable). */
export function arrowSchema(columns: ResultColumn[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.kind, c.type), true)));
}

/** One Arrow record batch of a chunk, in `schema`. */
export function arrowBatch(schema: Schema, columns: ResultColumn[], chunk: DuckDBDataChunk): RecordBatch {
  const js = chunk.convertColumns(JSDuckDBValueConverter) as unknown[][];
  const vectors = columns.map((column, i) => {
    const field = schema.fields[i]!;
    const values = (js[i] ?? []).map((v) => arrowValue(column.kind, field.type, v));
    return vectorFromArray(values, field.type);
  });
  const data = makeData({
    type: new Struct(schema.fields),
    length: chunk.rowCount,
    nullCount: 0,
    children: vectors.map((v) => v.data[0]!),
  });
  return new RecordBatch(schema, data);
}

function arrowValue(kind: ColumnKind, type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
      if (type instanceof Int64) return typeof value === 'bigint' ? BigInt.asIntN(64, value) : BigInt(value as number);
      return Number(value);
    case 'number':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'date':
    case 'timestamp':
      return value instanceof Date ? value : new Date(String(value));
    case 'text':
      return String(value);
    default:
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
