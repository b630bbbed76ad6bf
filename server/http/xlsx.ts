// Excel (.xlsx) downloads of tables, next to the CSV ones (csv.ts): one worksheet, a bold header
// row of Chinese labels, numbers as numbers (every digit kept), and text that Excel would run as
// a formula ("=…", "+…", "-…", "@…") prefixed with an apostrophe, exactly as in the CSV.
import ExcelJS from 'exceljs';
import type { CsvColumn } from './csv.ts';

/** Limits: a chart's table is small; anything bigger belongs in the console's exports. */
export const XLSX_MAX_ROWS = 100_000;

const FORMULA_LEAD = /^[=+\-@\t\r]/;

export type XlsxValue = string | number | boolean | Date | null;

/** A cell value as written: lists joined with 、, formula-leading text neutralised. */
export function xlsxCell(value: unknown): XlsxValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  const text = Array.isArray(value) ? value.join('、') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return typeof value === 'string' && FORMULA_LEAD.test(text) ? `'${text}` : text;
}

/** An .xlsx file of `rows` under the columns' labels, in sheet `sheetName`. */
export async function toXlsx(columns: CsvColumn[], rows: Record<string, unknown>[], sheetName: string): Promise<Buffer> {
  if (rows.length > XLSX_MAX_ROWS) throw new RangeError(`too many rows for an xlsx download: ${rows.length} > ${XLSX_MAX_ROWS}`);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '丽水市司法所综合改革监测';
  // Excel forbids []:*?/\ in sheet names and allows 31 characters.
  const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1');
  sheet.columns = columns.map((c) => ({ header: c.label, key: c.key, width: Math.min(40, Math.max(10, [...c.label].length * 2 + 2)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, xlsxCell(row[c.key])])));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
