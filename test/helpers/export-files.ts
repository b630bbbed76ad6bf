// Builders for tiny export files inside tests: CSV text in UTF-8 (with or without BOM) or GBK,
// and .xlsx workbooks written by exceljs (real date cells, numbers, rich text, formulas).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export function tempDir(prefix = 'ingest-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'gb18030';

/** Rows joined as CSV records; cells are written as given (quote them yourself where needed). */
export function csvText(rows: readonly (readonly string[])[], newline = '\r\n'): string {
  return rows.map((r) => r.join(',')).join(newline) + newline;
}

export function encodeText(text: string, encoding: CsvEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  return iconv.encode(text, encoding);
}

export function writeCsv(dir: string, name: string, text: string, encoding: CsvEncoding = 'utf-8'): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeText(text, encoding));
  return file;
}

export type SheetRows = readonly (readonly ExcelJS.CellValue[])[];

export interface SheetSpec {
  name: string;
  /** Row i is sheet row i + 1; an empty array leaves that row out of the file entirely. */
  rows: SheetRows;
  /** Number format of Date cells (default yyyy-mm-dd). */
  dateFormat?: string;
}

/** Writes a workbook; Date values become real date cells (yyyy-mm-dd format). */
export async function writeWorkbook(dir: string, name: string, sheets: readonly SheetSpec[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    spec.rows.forEach((values, i) => {
      if (values.length === 0) return; // an absent row: numbering continues past it
      const row = sheet.getRow(i + 1);
      values.forEach((value, j) => {
        const cell = row.getCell(j + 1);
        cell.value = value;
        if (value instanceof Date) cell.numFmt = spec.dateFormat ?? 'yyyy-mm-dd';
      });
      row.commit();
    });
  }
  const file = path.join(dir, name);
  await workbook.xlsx.writeFile(file);
  return file;
}

/** A calendar date as exceljs expects it for a date cell (UTC midnight). */
export function day(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}
