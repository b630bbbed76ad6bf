// Header matching (exports.md, "Header names"): NFKC, all white space removed, the Chinese
// header or the English alias in any letter case, mixed freely, in any order; unknown headers
// are ignored. A required column that is missing, or a column named twice, rejects the file.
import type { ColumnSpec, TableSpec } from '../contract/exports.ts';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';

/** The form a header is compared in. */
export function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

export interface HeaderMapping {
  /** Contract alias → position of its header cell (0-based). Absent optional columns are absent. */
  positions: Map<string, number>;
}

export interface MatchOptions {
  /** The sheet, for messages; undefined for CSV. */
  sheet?: string;
  /** The header's row number, for messages. */
  row: number;
}

/** The contract columns a header row names; throws FileRejection when the file cannot be read by it. */
export function matchHeaders(table: TableSpec, headerCells: readonly (string | null)[], options: MatchOptions): HeaderMapping {
  const byKey = new Map<string, ColumnSpec>();
  for (const column of table.columns) {
    byKey.set(headerKey(column.header), column);
    byKey.set(headerKey(column.alias), column);
  }
  const found = new Map<string, { position: number; header: string }[]>();
  headerCells.forEach((cell, position) => {
    if (cell == null) return;
    const column = byKey.get(headerKey(cell));
    if (!column) return;
    found.set(column.alias, [...(found.get(column.alias) ?? []), { position, header: cell.trim() }]);
  });
  if (headerCells.every((cell) => cell == null || headerKey(cell) === '')) {
    throw new FileRejection('missing_column', fileMessages.emptySheet(options.sheet), options.sheet);
  }
  const missing = table.columns.filter((c) => c.required && !found.has(c.alias)).map((c) => c.header);
  if (missing.length > 0) {
    throw new FileRejection('missing_column', fileMessages.missingColumns(options.sheet, missing, options.row), options.sheet);
  }
  for (const column of table.columns) {
    const cells = found.get(column.alias) ?? [];
    if (cells.length > 1) {
      throw new FileRejection(
        'duplicate_column',
        fileMessages.duplicateColumn(options.sheet, column.header, cells.map((c) => c.header)),
        options.sheet,
      );
    }
  }
  return { positions: new Map([...found].map(([alias, cells]) => [alias, cells[0]!.position])) };
}

/** True when the header row names every required column once (used to find a workbook's header row). */
export function namesRequiredColumns(table: TableSpec, headerCells: readonly (string | null)[]): boolean {
  try {
    matchHeaders(table, headerCells, { row: 0 });
    return true;
  } catch {
    return false;
  }
}
