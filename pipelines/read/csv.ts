// One CSV export into its landing table. JavaScript reads the header (first record) and makes
// the bytes UTF-8 NFKC; DuckDB's own read_csv reads every row, all VARCHAR, straight into the
// landing table. The dialect is forced (no sniffing): `,`, `"`, `""`, no comment character.
// Rows are numbered by a streaming row_number() over a single-threaded scan, which follows the
// file's record order; empty lines were turned into empty records by the transcoder, so the
// numbers are the file's record numbers with the header as row 1. Short rows are padded with
// NULL, cells beyond the header are ignored (strict_mode=false); a row of empty cells is
// counted but not landed.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSpec } from '../contract/exports.ts';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';
import { maskIdNumbers } from '../pii/id-mask.ts';
import { quoteIdent, quoteLiteral } from '../warehouse/duckdb.ts';
import { prepareCsv, type CsvEncoding } from './encoding.ts';
import { readFirstRecord } from './first-record.ts';
import { matchHeaders } from './headers.ts';
import type { CellCheck } from './clean-cells.ts';
import { landingColumns, type LandingMeta } from './landing.ts';

export interface CsvReadResult {
  encoding: CsvEncoding;
  /** Data rows landed (rows of empty cells are not counted). */
  rowsRead: number;
  /** Seconds spent in JavaScript (encoding detection, transcoding, header). */
  jsSeconds: number;
  /** Seconds spent in DuckDB's read_csv and the insert. */
  duckdbSeconds: number;
}

export interface CsvReadOptions {
  file: string;
  table: TableSpec;
  meta: LandingMeta;
  tmpDir: string;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export async function landCsv(connection: DuckDBConnection, options: CsvReadOptions): Promise<CsvReadResult> {
  const started = performance.now();
  const prepared = await prepareCsv(options.file, { tmpDir: options.tmpDir, onProgress: options.onProgress });
  try {
    const header = await readFirstRecord(prepared.path);
    const mapping = matchHeaders(options.table, header, { row: 1 });
    const jsDone = performance.now();
    const sql = landingInsertSql({ ...options, path: prepared.path, width: header.length, positions: mapping.positions, cells: prepared.cells });
    let rows: number;
    try {
      const reader = await connection.runAndReadAll(sql);
      rows = Number(reader.getRows()[0]?.[0] ?? 0);
    } catch (error) {
      throw new FileRejection('unreadable_file', fileMessages.unreadableCsv(duckdbCsvDetail(error)));
    }
    if (!prepared.cells.wholeFile) await checkRecordNumbers(connection, options.table, options.meta, prepared.cells);
    return {
      encoding: prepared.encoding,
      rowsRead: rows,
      jsSeconds: (jsDone - started) / 1000,
      duckdbSeconds: (performance.now() - jsDone) / 1000,
    };
  } finally {
    await prepared.cleanup();
  }
}

interface InsertSqlOptions {
  table: TableSpec;
  meta: LandingMeta;
  path: string;
  /** Cells in the header record: the columns DuckDB is told the file has. */
  width: number;
  positions: Map<string, number>;
  /** The records with a cell clean_text would change (encoding.ts, clean-cells.ts). */
  cells: CellCheck;
}

/** The INSERT … SELECT FROM read_csv(…) that lands one file (generated: names and literals only). */
export function landingInsertSql(options: InsertSqlOptions): string {
  const { table, meta } = options;
  const cells = Array.from({ length: options.width }, (_, i) => `c${i}`);
  const columnTypes = cells.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ');
  const values = table.columns.map((column) => {
    const position = options.positions.get(column.alias);
    return position === undefined ? 'NULL' : quoteIdent(`c${position}`);
  });
  // A cell is empty when it holds only white space; a row is landed when one cell is not.
  const anyCell = cells.map((c) => `NOT regexp_full_match(coalesce(${quoteIdent(c)}, ''), '\\s*')`).join('\n    OR ');
  return `INSERT INTO staging.${quoteIdent(table.landingTable)} (${landingColumns(table).map(quoteIdent).join(', ')})
SELECT ${quoteLiteral(meta.fileId)}, ${quoteLiteral(meta.fileName)}, NULL, record_number::INTEGER,
  DATE ${quoteLiteral(meta.exportDate)}, ${Math.trunc(meta.loadSeq)}, ${cellsCleanSql(options.cells)},
  ${values.join(', ')}
FROM (
  SELECT row_number() OVER () AS record_number, *
  FROM read_csv(${quoteLiteral(options.path)},
    auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', comment = '',
    columns = {${columnTypes}},
    null_padding = true, strict_mode = false, parallel = false, encoding = 'utf-8',
    max_line_size = 67108864)
)${dirtyRecordsJoin(options.cells)}
WHERE record_number > 1 AND (
    ${anyCell})`;
}

/** The landing's cells_clean: false for the records to clean (or all), true for the others. */
function cellsCleanSql(cells: CellCheck): string {
  if (cells.wholeFile) return 'false';
  return cells.dirtyRecords.length === 0 ? 'true' : 'dirty_record IS NULL';
}

/**
 * The records to clean, joined by number: a hash join on a few rows costs nothing, where
 * `record_number NOT IN (…)` compared every row with every listed number (province read +1.6 s).
 */
function dirtyRecordsJoin(cells: CellCheck): string {
  if (cells.wholeFile || cells.dirtyRecords.length === 0) return '';
  const values = cells.dirtyRecords.map((r) => `(${Math.trunc(r)})`).join(', ');
  return `\nLEFT JOIN (VALUES ${values}) AS dirty_records(dirty_record) ON dirty_record = record_number`;
}

/**
 * The scan numbered the records as DuckDB did when both end on the same last landed row; if
 * not (a quirk of the file the scan did not foresee), every row of the file is cleaned.
 */
async function checkRecordNumbers(connection: DuckDBConnection, table: TableSpec, meta: LandingMeta, cells: CellCheck): Promise<void> {
  const landing = `staging.${quoteIdent(table.landingTable)}`;
  const sameFile = `file_id = ${quoteLiteral(meta.fileId)} AND file_name = ${quoteLiteral(meta.fileName)}`;
  const reader = await connection.runAndReadAll(`SELECT max(row_number) FROM ${landing} WHERE ${sameFile}`);
  const lastLanded = Number(reader.getRows()[0]?.[0] ?? 0);
  const expected = cells.lastContentRecord > 1 ? cells.lastContentRecord : 0;
  if (lastLanded !== expected) await connection.run(`UPDATE ${landing} SET cells_clean = false WHERE ${sameFile}`);
}

/**
 * DuckDB's CSV error, first line only: it names the line, while the following lines quote the
 * row itself, which may hold an ID number. Long digit runs are masked all the same.
 */
function duckdbCsvDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return maskIdNumbers((message.split('\n')[0] ?? '').trim()).slice(0, 200);
}
