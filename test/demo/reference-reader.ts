// Reads demo exports back the way exports.md describes, independently of the generator and of
// the project's loader: encoding detection (BOM, strict UTF-8, else GB18030), RFC 4180 CSV
// records, workbooks through exceljs, header matching after NFKC and white-space removal
// (Chinese header or English alias, any letter case).
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';

export type RawCell = string | number | Date | null;

export interface ReadTable {
  sheet: string | null;
  /** Header texts as written. */
  header: string[];
  /** Contract alias of each column (null for columns the contract does not know). */
  aliases: (string | null)[];
  /** Data rows with their row number (header = 1); all-empty rows left out. */
  rows: { rowNumber: number; cells: RawCell[] }[];
  /** All-empty rows seen. */
  blankRows: number;
}

export type DetectedEncoding = 'utf-8-bom' | 'utf-8' | 'gb18030';

export function detectEncoding(bytes: Buffer): DetectedEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8-bom';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

export function decodeCsvBytes(bytes: Buffer): { text: string; encoding: DetectedEncoding } {
  const encoding = detectEncoding(bytes);
  if (encoding === 'utf-8-bom') return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3)), encoding };
  if (encoding === 'utf-8') return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding };
  return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding };
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

export const normalizeHeader = (text: string): string => text.normalize('NFKC').replace(/\s+/g, '');

/** Matches headers to contract columns: NFKC, no white space; Chinese header or alias in any case. */
export function matchHeaders(header: readonly string[], columns: readonly { header: string; alias: string }[]): (string | null)[] {
  return header.map((text) => {
    const key = normalizeHeader(text);
    const column = columns.find((c) => normalizeHeader(c.header) === key || c.alias.toLowerCase() === key.toLowerCase());
    return column ? column.alias : null;
  });
}

const isEmpty = (cell: RawCell): boolean => cell === null || (typeof cell === 'string' && cell.trim() === '');

export async function readCsvTable(file: string, columns: readonly { header: string; alias: string }[]): Promise<ReadTable & { encoding: DetectedEncoding }> {
  const { text, encoding } = decodeCsvBytes(await readFile(file));
  const [header = [], ...records] = parseCsv(text);
  const rows: ReadTable['rows'] = [];
  let blankRows = 0;
  records.forEach((cells, i) => {
    if (cells.every(isEmpty)) blankRows++;
    else rows.push({ rowNumber: i + 2, cells });
  });
  return { sheet: null, header, aliases: matchHeaders(header, columns), rows, blankRows, encoding };
}

export async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
}

export function readSheet(sheet: ExcelJS.Worksheet, columns: readonly { header: string; alias: string }[]): ReadTable {
  const header: string[] = [];
  const rows: ReadTable['rows'] = [];
  let blankRows = 0;
  let width = 0;
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values = row.values as RawCell[];
    if (rowNumber === 1) {
      for (let c = 1; c < values.length; c++) header.push(String(values[c] ?? ''));
      width = header.length;
      return;
    }
    const cells: RawCell[] = [];
    for (let c = 1; c <= width; c++) {
      const value = values[c];
      cells.push(value === undefined ? null : (value as RawCell));
    }
    if (cells.every(isEmpty)) blankRows++;
    else rows.push({ rowNumber, cells });
  });
  return { sheet: sheet.name, header, aliases: matchHeaders(header, columns), rows, blankRows };
}
