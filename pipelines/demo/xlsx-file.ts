// A workbook export written with exceljs's streaming writer: text, number and real date cells
// (dates at UTC midnight, which exceljs turns into the same calendar date), with the zip
// timestamps fixed afterwards so the file depends on the seed only.
import { readFile, writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { setZipTimestamps } from './zip-timestamps.ts';
import type { Cell } from './style.ts';

export const EXCEL_DATE_FORMATS = ['yyyy-mm-dd', 'yyyy/m/d', 'yyyy"年"m"月"d"日"'] as const;

export class XlsxFile {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;

  private constructor(
    private readonly file: string,
    private readonly created: Date,
  ) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    this.workbook.creator = '业务系统导出';
    this.workbook.lastModifiedBy = '业务系统导出';
    this.workbook.created = created;
    this.workbook.modified = created;
  }

  /** `created`: the export's date (UTC midnight), used for the document properties and zip entries. */
  static create(file: string, created: Date): XlsxFile {
    return new XlsxFile(file, created);
  }

  addSheet(name: string, dateFormat: string): XlsxSheet {
    return new XlsxSheet(this.workbook.addWorksheet(name), dateFormat);
  }

  /** Finishes the workbook and returns its size in bytes. */
  async close(): Promise<number> {
    await this.workbook.commit();
    const bytes = await readFile(this.file);
    setZipTimestamps(bytes, this.created.getUTCFullYear(), this.created.getUTCMonth() + 1, this.created.getUTCDate());
    await writeFile(this.file, bytes);
    return bytes.length;
  }
}

export class XlsxSheet {
  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly dateFormat: string,
  ) {}

  writeRow(cells: readonly Cell[]): void {
    const row = this.sheet.addRow(cells as ExcelJS.CellValue[]);
    cells.forEach((cell, i) => {
      if (cell instanceof Date) row.getCell(i + 1).numFmt = this.dateFormat;
    });
    row.commit();
  }

  commit(): void {
    this.sheet.commit();
  }
}
