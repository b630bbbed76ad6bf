// Workbook exports (.xlsx) read with exceljs's streaming reader and landed with DuckDB's
// appender. Sheets are found by name (司法所, 人员) in any order, or the workbook's first sheet
// for case and training files. The header is the first non-empty row (rows above it that
// name no required column, like a title, are passed over: at most ten rows are looked at);
// row numbers are the sheet's own.
import { StringDecoder } from 'node:string_decoder';
import { dateValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import type { TableSpec } from '../contract/exports.ts';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';
import { maskIdNumbers } from '../pii/id-mask.ts';
import { cellText, isEmptyText } from './cell-text.ts';
import { headerKey, matchHeaders, namesRequiredColumns, type HeaderMapping } from './headers.ts';
import type { LandingMeta } from './landing.ts';
import { checkWorkbookDirectory, DEFAULT_WORKBOOK_LIMITS, WorkbookBudget, type WorkbookLimits } from './workbook-limits.ts';

export interface SheetRequest {
  table: TableSpec;
  /** A sheet name (compared after NFKC, white space removed), or the workbook's first sheet. */
  sheet: string | 'first sheet';
}

export interface SheetResult {
  table: TableSpec;
  sheet: string;
  headerRow: number;
  /** Data rows landed (rows of empty cells are not counted). */
  rowsRead: number;
}

export interface WorkbookReadOptions {
  file: string;
  requests: SheetRequest[];
  meta: LandingMeta;
  /** Called every few thousand rows, for progress displays. */
  onRows?: (sheet: string, rows: number) => void;
  /** What the workbook may cost (workbook-limits.ts); defaults to DEFAULT_WORKBOOK_LIMITS. */
  limits?: WorkbookLimits;
}

const HEADER_SEARCH_ROWS = 10;
const PROGRESS_EVERY = 5000;

// exceljs's streaming classes, as far as this module uses them (its typings leave them out).
interface StreamWorkbook extends AsyncIterable<StreamWorksheet> {
  model?: { sheets?: { id: number; name: string; rId: string }[] };
  sharedStrings?: unknown[];
  stream?: { destroy(): void };
  _parseRels(entry: ZipEntry): Promise<void>;
  _parseStyles(entry: ZipEntry): Promise<void>;
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
  _parseWorkbook(entry: ZipEntry): Promise<void>;
  _parseSharedStrings(entry: ZipEntry): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
}
interface ZipEntry extends NodeJS.ReadableStream {
  path: string;
}
interface StreamWorksheet extends AsyncIterable<StreamRow> {
  id: number | string;
  name?: string;
}
interface StreamRow {
  number: number;
  values: unknown[];
}

export async function landWorkbook(connection: DuckDBConnection, options: WorkbookReadOptions): Promise<SheetResult[]> {
  // Limits first, from the zip directory alone: nothing is inflated before they pass.
  const limits = options.limits ?? DEFAULT_WORKBOOK_LIMITS;
  const budget = new WorkbookBudget(limits, await checkWorkbookDirectory(options.file, limits));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(options.file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as StreamWorkbook;
  decodeAcrossChunks(reader, budget);
  const results: SheetResult[] = [];
  const pending = new Set(options.requests);
  try {
    for await (const worksheet of reader) {
      const name = sheetName(reader, worksheet);
      const request = [...pending].find((r) => sheetMatches(r, name, reader));
      if (!request || name === undefined) continue;
      pending.delete(request);
      const date1904 = Boolean(reader.properties?.model?.date1904);
      results.push(await landSheet(connection, worksheet, { ...options, table: request.table, sheet: name, date1904, budget }));
    }
  } catch (error) {
    if (error instanceof FileRejection) throw error;
    throw new FileRejection('unreadable_file', fileMessages.unreadableWorkbook(errorDetail(error)));
  } finally {
    // A workbook given up halfway (a limit, a bad part) must not keep its file open.
    reader.stream?.destroy();
  }
  // A file with no workbook part at all (plain text, another zip) is no workbook, not one without sheets.
  if (!reader.model) throw new FileRejection('unreadable_file', fileMessages.unreadableWorkbook('文件中没有工作簿结构'));
  if (pending.size > 0) {
    const missing = [...pending].map((r) => (r.sheet === 'first sheet' ? '（第一个工作表）' : r.sheet));
    throw new FileRejection('missing_sheet', fileMessages.missingSheet(missing));
  }
  return results;
}

/**
 * exceljs 4.4 turns each compressed chunk of a part into text on its own, so a character split
 * between two chunks comes out as U+FFFD (exceljs issues #2084, #2316, unfixed). Its parser
 * takes text as well as bytes: hand it text decoded with a decoder that carries a split
 * character over to the next chunk. The same overrides (of private methods of this one reader)
 * count every part exceljs inflates against the workbook's budget (workbook-limits.ts), and the
 * shared strings as they are cached.
 */
function decodeAcrossChunks(reader: StreamWorkbook, budget: WorkbookBudget): void {
  const parseRels = reader._parseRels;
  const parseStyles = reader._parseStyles;
  const parseWorkbook = reader._parseWorkbook;
  const parseSharedStrings = reader._parseSharedStrings;
  const parseWorksheet = reader._parseWorksheet;
  const counted = (entry: ZipEntry, after?: () => void) => entry.pipe(budget.counter(entry.path, after)) as unknown as ZipEntry;
  reader._parseRels = function (entry) {
    return parseRels.call(this, counted(entry));
  };
  reader._parseStyles = function (entry) {
    return parseStyles.call(this, counted(entry));
  };
  reader._parseWorkbook = function (entry) {
    const text = counted(entry);
    text.setEncoding('utf8');
    return parseWorkbook.call(this, text);
  };
  reader._parseSharedStrings = function (entry) {
    const text = counted(entry, () => budget.sharedStrings(reader.sharedStrings?.length ?? 0));
    text.setEncoding('utf8');
    return parseSharedStrings.call(this, text);
  };
  reader._parseWorksheet = function (iterator, sheetNo) {
    return parseWorksheet.call(this, decodedText(budget.counted(`xl/worksheets/sheet${sheetNo}.xml`, iterator)), sheetNo);
  };
}

async function* decodedText(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function sheetMatches(request: SheetRequest, name: string | undefined, reader: StreamWorkbook): boolean {
  if (name === undefined) return false;
  if (request.sheet === 'first sheet') {
    const first = reader.model?.sheets?.[0]?.name;
    return first === undefined || first === name;
  }
  return headerKey(name) === headerKey(request.sheet);
}

/**
 * The worksheet's name. exceljs resolves it only when the relationship target is written
 * relative (`worksheets/sheet1.xml`); some writers use an absolute `/xl/worksheets/sheet1.xml`.
 */
function sheetName(reader: StreamWorkbook, worksheet: StreamWorksheet): string | undefined {
  if (worksheet.name) return worksheet.name;
  const target = `worksheets/sheet${worksheet.id}.xml`;
  const rel = (reader.workbookRels ?? []).find((r) => r.Target.replace(/^\/?(xl\/)?/, '') === target);
  return rel ? reader.model?.sheets?.find((s) => s.rId === rel.Id)?.name : undefined;
}

interface SheetOptions extends WorkbookReadOptions {
  table: TableSpec;
  sheet: string;
  date1904: boolean;
  budget: WorkbookBudget;
}

async function landSheet(connection: DuckDBConnection, worksheet: StreamWorksheet, options: SheetOptions): Promise<SheetResult> {
  const { table, sheet } = options;
  const candidates: { row: number; cells: (string | null)[] }[] = [];
  let header: HeaderMapping | undefined;
  let headerRow = 0;
  let rowsRead = 0;
  let lastRow = 0;
  let rowsSeen = 0;
  const appender = await connection.createAppender(table.landingTable, 'main', 'staging');
  const exportDate = dateValue(Date.parse(`${options.meta.exportDate}T00:00:00Z`) / 86_400_000);
  // Per contract column: its 1-based cell index in the sheet (undefined when absent) and whether it holds dates.
  let columns: { index: number | undefined; dateColumn: boolean }[] = [];
  try {
    for await (const row of worksheet) {
      // A row without its `r` attribute follows the previous one.
      const rowNumber = Number.isFinite(row.number) ? row.number : lastRow + 1;
      lastRow = rowNumber;
      const values = row.values;
      options.budget.row(sheet, ++rowsSeen, values.length);
      if (!header) {
        const cells = textCells(values, options.date1904);
        if (cells.every(isEmptyText)) continue;
        candidates.push({ row: rowNumber, cells });
        if (namesRequiredColumns(table, cells)) {
          header = matchHeaders(table, cells, { sheet, row: rowNumber });
          headerRow = rowNumber;
          const positions = header.positions;
          columns = table.columns.map((c) => {
            const position = positions.get(c.alias);
            return { index: position === undefined ? undefined : position + 1, dateColumn: c.type === 'date' };
          });
        } else if (candidates.length >= HEADER_SEARCH_ROWS) {
          break;
        }
        continue;
      }
      const texts = columns.map((c) =>
        c.index === undefined ? null : cellText(values[c.index], { dateColumn: c.dateColumn, date1904: options.date1904 }),
      );
      if (texts.every(isEmptyText) && textCells(values, options.date1904).every(isEmptyText)) continue;
      appendRow(appender, options.meta, sheet, rowNumber, exportDate, texts);
      rowsRead++;
      if (rowsRead % PROGRESS_EVERY === 0) options.onRows?.(sheet, rowsRead);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  if (!header) {
    // No row named the required columns: report against the first non-empty row.
    const first = candidates[0];
    if (!first) throw new FileRejection('missing_column', fileMessages.emptySheet(sheet), sheet);
    matchHeaders(table, first.cells, { sheet, row: first.row });
    throw new FileRejection('missing_column', fileMessages.emptySheet(sheet), sheet);
  }
  options.onRows?.(sheet, rowsRead);
  return { table, sheet, headerRow, rowsRead };
}

function textCells(values: unknown[], date1904: boolean): (string | null)[] {
  const cells: (string | null)[] = [];
  // values[0] is unused: exceljs numbers columns from 1.
  for (let i = 1; i < values.length; i++) cells.push(cellText(values[i], { dateColumn: false, date1904 }));
  return cells;
}

function appendRow(
  appender: DuckDBAppender,
  meta: LandingMeta,
  sheet: string,
  rowNumber: number,
  exportDate: ReturnType<typeof dateValue>,
  texts: (string | null)[],
): void {
  appender.appendVarchar(meta.fileId);
  appender.appendVarchar(meta.fileName);
  appender.appendVarchar(sheet);
  appender.appendInteger(rowNumber);
  appender.appendDate(exportDate);
  appender.appendBigInt(BigInt(meta.loadSeq));
  // workbook cells always go through clean_text (cells_clean is for CSV files, clean-cells.ts)
  appender.appendBoolean(false);
  for (const text of texts) {
    if (text === null) appender.appendNull();
    else appender.appendVarchar(text);
  }
  appender.endRow();
}

function errorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return maskIdNumbers(message.split('\n')[0] ?? '').slice(0, 200);
}
