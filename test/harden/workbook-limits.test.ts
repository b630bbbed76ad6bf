// Workbooks read under limits: the zip directory is checked before anything is inflated, and
// what exceljs inflates is counted against what the directory declared. Each hostile workbook
// is rejected whole (`unreadable_file`) with a message naming the limit, in bounded time.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CASES } from '../../pipelines/contract/exports.ts';
import { FileRejection } from '../../pipelines/contract/file-rejections.ts';
import { landWorkbook } from '../../pipelines/read/workbook.ts';
import { DEFAULT_WORKBOOK_LIMITS, type WorkbookLimits } from '../../pipelines/read/workbook-limits.ts';
import type { Database } from '../../pipelines/warehouse/duckdb.ts';
import { day, tempDir, writeWorkbook } from '../helpers/export-files.ts';
import { landed, META, openLandingDb } from '../helpers/landing-db.ts';
import { writeLyingSizes, writeManySharedStrings, writeZipBomb } from './hostile-workbooks.ts';

let db: Database;
let dir: string;
beforeEach(async () => {
  db = await openLandingDb();
  dir = tempDir();
});
afterEach(() => db.close());

function read(file: string, limits?: Partial<WorkbookLimits>) {
  return landWorkbook(db.connection, {
    file,
    requests: [{ table: CASES, sheet: 'first sheet' }],
    meta: { ...META, fileName: path.basename(file) },
    ...(limits ? { limits: { ...DEFAULT_WORKBOOK_LIMITS, ...limits } } : {}),
  });
}

async function rejection(promise: Promise<unknown>): Promise<FileRejection> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileRejection) return error;
    throw error;
  }
  throw new Error('expected the workbook to be rejected');
}

const HEADER = ['案件编号', '司法所编码', '业务类型', '受理日期', '办结日期', '状态', '结果', '涉及金额（元）', '当事人数'];
const goodRows = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => [`C${i}`, 'O1', '人民调解', day('2025-01-02'), null, '办理中', null, null, null])];

describe('workbook limits', () => {
  it('rejects a zip bomb (1.5 GB of shared strings in 1.5 MB) from its directory, before inflating', async () => {
    const file = path.join(dir, 'cases_20250101.xlsx');
    const { bytes } = writeZipBomb(file, 1536 * 1024 * 1024);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const started = performance.now();
    const error = await rejection(read(file));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.reasonCode).toBe('unreadable_file');
    expect(error.message).toMatch(/压缩比为 \d+:1，超过 100:1 的上限/);
    expect(await landed(db, 'land_cases')).toEqual([]);
  });

  it('rejects a workbook of a million shared strings while reading them, before any row lands', async () => {
    const file = path.join(dir, 'cases_20250102.xlsx');
    writeManySharedStrings(file, 1_000_000);
    const error = await rejection(read(file));
    expect(error.reasonCode).toBe('unreadable_file');
    expect(error.message).toContain('超过 500000 个的上限（共享字符串个数）');
  });

  it('rejects a workbook whose zip records understate a part, as soon as it inflates past them', async () => {
    const file = path.join(dir, 'cases_20250103.xlsx');
    writeLyingSizes(file, 20 * 1024 * 1024, 2000);
    const error = await rejection(read(file));
    expect(error.message).toContain('xl/sharedStrings.xml”解压后比 zip 目录记载的更大');
  });

  it('names each limit it applies: file size, inflated size, shared-string bytes, rows, cells', async () => {
    const file = await writeWorkbook(dir, 'cases_20250104.xlsx', [{ name: '案件', rows: goodRows(30) }]);
    expect((await rejection(read(file, { maxFileBytes: 1000 }))).message).toContain('（文件大小）');
    expect((await rejection(read(file, { maxUncompressedBytes: 4000 }))).message).toContain('（解压后大小）');
    expect((await rejection(read(file, { maxSharedStringBytes: 100 }))).message).toContain('（共享字符串大小）');
    expect((await rejection(read(file, { maxRows: 20 }))).message).toBe(
      '工作表“案件”超过 20 行的上限（行数），整个文件未加载；请拆分后重新报送',
    );
    expect((await rejection(read(file, { maxCells: 100 }))).message).toContain('超过 100 个单元格的上限（单元格数）');
    // within the limits it loads
    expect((await read(file))[0]?.rowsRead).toBe(30);
  });

  it('rejects a file that is no zip as a damaged workbook', async () => {
    const file = path.join(dir, 'cases_20250105.xlsx');
    (await import('node:fs')).writeFileSync(file, 'not a workbook at all');
    const error = await rejection(read(file));
    expect(error.message).toContain('工作簿已损坏');
  });
});
