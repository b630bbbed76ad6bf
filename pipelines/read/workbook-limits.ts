// What one workbook may cost. A zip of 1.5 MB can hold 1.5 GB of XML (a "zip bomb"), and
// exceljs holds all shared strings in memory, so every workbook is measured twice: first its zip
// directory (zip-directory.ts: declared sizes, compression ratios, part count — before anything
// is inflated), then, while exceljs reads it, every part it inflates is counted against what the
// directory declared, and shared strings, rows and cells against their limits. A workbook over
// any limit is rejected whole (`unreadable_file`) with a message naming the limit; memory and
// time stay bounded by the limits, whatever the file claims.
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { FileRejection } from '../contract/file-rejections.ts';
import { readZipDirectory, ZipFormatError, ZipLimitError, type ZipEntry } from './zip-directory.ts';

export interface WorkbookLimits {
  /** The .xlsx file as stored (compressed). */
  maxFileBytes: number;
  /** All parts together, inflated. */
  maxUncompressedBytes: number;
  /** xl/sharedStrings.xml inflated: exceljs keeps every shared string in memory. */
  maxSharedStringBytes: number;
  /** Shared strings counted while they are read. */
  maxSharedStrings: number;
  /** Inflated / stored bytes of one part, for parts above `ratioFloorBytes`. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
  /** Rows of one worksheet that is read (Excel itself stops at 1,048,576). */
  maxRows: number;
  /** Cells (row width summed over rows) of the worksheets read. */
  maxCells: number;
  /** Parts in the zip. */
  maxEntries: number;
}

const MIB = 1024 * 1024;

/**
 * Room for the largest real export (a year of Lishui's cases in one workbook is ~60,000 rows,
 * ~25 MB of sheet XML; the conformance and demo workbooks compress 2–8:1) with a wide margin,
 * and far below what exhausts a refresh: 1 GiB of memory and 30 s for a workbook rejected.
 */
export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = {
  maxFileBytes: 100 * MIB,
  maxUncompressedBytes: 256 * MIB,
  maxSharedStringBytes: 64 * MIB,
  maxSharedStrings: 500_000,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1 * MIB,
  maxRows: 1_048_576,
  maxCells: 20_000_000,
  maxEntries: 2_000,
};

const SHARED_STRINGS = 'xl/sharedStrings.xml';
const mb = (bytes: number) => (bytes / MIB).toFixed(1);
const whole = '，整个文件未加载';

export const workbookLimitMessages = {
  fileBytes: (bytes: number, limit: number) => `工作簿文件有 ${mb(bytes)} MB，超过单个工作簿 ${mb(limit)} MB 的上限（文件大小）${whole}；请拆分后重新报送`,
  uncompressedBytes: (bytes: number, limit: number) =>
    `工作簿解压后有 ${mb(bytes)} MB，超过 ${mb(limit)} MB 的上限（解压后大小）${whole}；请拆分后重新报送`,
  ratio: (part: string, ratio: number, limit: number) =>
    `工作簿中“${part}”的压缩比为 ${Math.round(ratio)}:1，超过 ${limit}:1 的上限（压缩比，疑似压缩炸弹）${whole}；请用 Excel 重新导出`,
  sharedStringBytes: (bytes: number, limit: number) =>
    `工作簿的共享字符串（${SHARED_STRINGS}）解压后有 ${mb(bytes)} MB，超过 ${mb(limit)} MB 的上限（共享字符串大小）${whole}；请拆分后重新报送`,
  sharedStrings: (limit: number) => `工作簿的共享字符串超过 ${limit} 个的上限（共享字符串个数）${whole}；请拆分后重新报送`,
  rows: (sheet: string, limit: number) => `工作表“${sheet}”超过 ${limit} 行的上限（行数）${whole}；请拆分后重新报送`,
  cells: (limit: number) => `工作簿超过 ${limit} 个单元格的上限（单元格数）${whole}；请删去多余的列或拆分后重新报送`,
  entries: (count: number, limit: number) => `工作簿包含 ${count} 个部件，超过 ${limit} 个的上限（部件数）${whole}；请用 Excel 重新导出`,
  directoryBytes: (bytes: number) => `工作簿的 zip 目录有 ${mb(bytes)} MB，超过上限（zip 目录大小）${whole}；请用 Excel 重新导出`,
  sizeMismatch: (part: string) => `工作簿中“${part}”解压后比 zip 目录记载的更大，文件已损坏或被改动（解压后大小）${whole}；请重新导出`,
  notZip: (detail: string) => `Excel 工作簿已损坏或不是 .xlsx 格式，无法读取（${detail}）；请重新导出`,
  method: (part: string) => `Excel 工作簿已损坏或不是 .xlsx 格式，无法读取（“${part}”使用了不支持的压缩方式）；请重新导出`,
} as const;

const reject = (message: string, sheet?: string) => new FileRejection('unreadable_file', message, sheet);

/** Checks the zip directory against the limits; returns the declared size of every part. */
export async function checkWorkbookDirectory(file: string, limits: WorkbookLimits): Promise<Map<string, number>> {
  const { size } = await stat(file);
  if (size > limits.maxFileBytes) throw reject(workbookLimitMessages.fileBytes(size, limits.maxFileBytes));
  let entries: ZipEntry[];
  try {
    entries = await readZipDirectory(file, { maxEntries: limits.maxEntries, maxDirectoryBytes: limits.maxEntries * 1024 });
  } catch (error) {
    if (error instanceof ZipLimitError) {
      throw reject(error.limit === 'entries' ? workbookLimitMessages.entries(error.value, limits.maxEntries) : workbookLimitMessages.directoryBytes(error.value));
    }
    if (error instanceof ZipFormatError) throw reject(workbookLimitMessages.notZip(error.message));
    throw error;
  }
  let total = 0;
  const declared = new Map<string, number>();
  for (const entry of entries) {
    if (entry.method !== 0 && entry.method !== 8) throw reject(workbookLimitMessages.method(entry.name.slice(0, 60)));
    total += entry.uncompressedSize;
    declared.set(entry.name, (declared.get(entry.name) ?? 0) + entry.uncompressedSize);
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
      throw reject(workbookLimitMessages.ratio(entry.name.slice(0, 60), ratio, limits.maxCompressionRatio));
    }
    if (entry.name === SHARED_STRINGS && entry.uncompressedSize > limits.maxSharedStringBytes) {
      throw reject(workbookLimitMessages.sharedStringBytes(entry.uncompressedSize, limits.maxSharedStringBytes));
    }
  }
  if (total > limits.maxUncompressedBytes) throw reject(workbookLimitMessages.uncompressedBytes(total, limits.maxUncompressedBytes));
  return declared;
}

/**
 * Counts what exceljs inflates, part by part: no part may grow past the size its directory entry
 * declared (which the limits were checked against), so a zip whose records lie is stopped as
 * soon as it does. Also counts rows and cells of the sheets read.
 */
export class WorkbookBudget {
  private readonly inflated = new Map<string, number>();
  private cells = 0;

  constructor(
    readonly limits: WorkbookLimits,
    private readonly declared: Map<string, number>,
  ) {}

  /** Bytes of a part inflated; throws once the part passes its declared size. */
  take(part: string, bytes: number): void {
    const done = (this.inflated.get(part) ?? 0) + bytes;
    this.inflated.set(part, done);
    if (done > (this.declared.get(part) ?? 0)) throw reject(workbookLimitMessages.sizeMismatch(part.slice(0, 60)));
  }

  /** Shared strings read so far. */
  sharedStrings(count: number): void {
    if (count > this.limits.maxSharedStrings) throw reject(workbookLimitMessages.sharedStrings(this.limits.maxSharedStrings));
  }

  /** One row of a sheet being read: its number of rows so far and its width. */
  row(sheet: string, rowsSoFar: number, width: number): void {
    if (rowsSoFar > this.limits.maxRows) throw reject(workbookLimitMessages.rows(sheet, this.limits.maxRows), sheet);
    this.cells += width;
    if (this.cells > this.limits.maxCells) throw reject(workbookLimitMessages.cells(this.limits.maxCells), sheet);
  }

  /** A stream that passes a part's bytes through, counted; it fails when the part overruns. */
  counter(part: string, after?: () => void): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        try {
          this.take(part, chunk.length);
          after?.();
          callback(null, chunk);
        } catch (error) {
          callback(error as Error);
        }
      },
    });
  }

  /** The same for a part exceljs reads as an iterator of chunks (worksheets). */
  async *counted(part: string, chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
    for await (const chunk of chunks) {
      this.take(part, typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      yield chunk;
    }
  }
}
