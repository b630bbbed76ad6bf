// Rows → an Arrow IPC stream, with column types taken from the DuckDB types of the source
// (DATE → Date32<DAY>, DOUBLE → Float64, INTEGER → Int32, BIGINT → Int64, lists → List<Utf8>).
import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';

export type ColumnType = 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'BIGINT' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'VARCHAR[]' | 'JSON';

export interface TableColumn {
  name: string;
  type: ColumnType;
}

export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'VARCHAR':
    case 'JSON':
      return new Utf8();
    case 'DOUBLE':
      return new Float64();
    case 'INTEGER':
      return new Int32();
    case 'BIGINT':
      return new Int64();
    case 'BOOLEAN':
      return new Bool();
    case 'DATE':
      return new DateDay();
    case 'TIMESTAMP':
      return new TimestampMillisecond();
    case 'VARCHAR[]':
      return new List(new Field('item', new Utf8(), true));
  }
}

export function arrowValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'DATE':
      // 'YYYY-MM-DD' is a calendar date: midnight UTC, never a local time zone
      return value instanceof Date ? value : new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
    case 'TIMESTAMP':
      return value instanceof Date ? value : new Date(String(value));
    case 'BIGINT':
      // UBIGINT and HUGEINT results wrap as Int64 does, rather than throw
      return BigInt.asIntN(64, BigInt(value as number | bigint | string));
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    default:
      return value;
  }
}

export function toArrowIpc(columns: TableColumn[], rows: Record<string, unknown>[]): Uint8Array {
  const vectors = Object.fromEntries(
    columns.map((c) => [c.name, vectorFromArray(rows.map((r) => arrowValue(c.type, r[c.name])), arrowType(c.type))]),
  );
  return tableToIPC(new Table(vectors), 'stream');
}
