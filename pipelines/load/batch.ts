// Loads one batch: recreate the four landing tables, read each file of the batch into them,
// run the load-phase models (typing, validation, the incremental core and audit tables), run
// the staging data tests, and read back per file what was loaded and rejected. A batch is all
// or nothing at the file level: when one of its files cannot be read, no model runs for it.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSpec } from '../contract/exports.ts';
import { FileRejection, fileMessages, type FileReasonCode } from '../contract/file-rejections.ts';
import type { Project } from '../models/project.ts';
import { runDataTests, runModels, type DataTestResult, type ModelRunResult } from '../models/runner.ts';
import { landCsv } from '../read/csv.ts';
import type { CsvEncoding } from '../read/encoding.ts';
import { resetLandingTables, type LandingMeta } from '../read/landing.ts';
import { landWorkbook, type SheetRequest } from '../read/workbook.ts';
import type { Batch, ClassifiedFile } from '../sources/batches.ts';
import { queryRows } from '../warehouse/duckdb.ts';

export interface FileLoadResult {
  file: ClassifiedFile;
  status: 'loaded' | 'rejected';
  reasonCode?: FileReasonCode;
  message?: string;
  /** Where the problem is, for workbooks. */
  sheet?: string;
  encoding?: CsvEncoding;
  loadSeq?: number;
  /** Data rows read from the file (rows of empty cells not counted). */
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejectedByReason: Record<string, number>;
  /** Seconds reading the file (decode + read), and its share in JavaScript. */
  readSeconds: number;
  jsSeconds: number;
}

export interface BatchLoadResult {
  files: FileLoadResult[];
  /** Seconds in the load-phase models (validation) for the whole batch. */
  validateSeconds: number;
  /** Each load-phase model of the batch, with its seconds. */
  models: ModelRunResult[];
  tests: DataTestResult[];
}

export interface BatchLoadOptions {
  project: Project;
  /** Folder for transcoded CSV copies. */
  tmpDir: string;
  /** The next load_seq; called once per file, in loading order. */
  nextLoadSeq: () => number;
  onFileProgress?: (file: ClassifiedFile, progress: { bytesDone?: number; bytesTotal?: number; rows?: number }) => void;
}

export async function loadBatch(connection: DuckDBConnection, batch: Batch, options: BatchLoadOptions): Promise<BatchLoadResult> {
  await resetLandingTables(connection);
  const results: FileLoadResult[] = [];
  for (const file of batch.files) results.push(await readFile(connection, file, options));

  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    // The snapshot is one unit: its other file is not loaded either (and waits in the inbox).
    for (const result of results) {
      if (result.status === 'loaded') {
        Object.assign(result, { status: 'rejected', reasonCode: 'snapshot_rejected', message: fileMessages.snapshotRejected(failed.file.name), rowsRead: 0 });
      }
    }
    return { files: results, validateSeconds: 0, models: [], tests: [] };
  }

  const started = performance.now();
  const models = await runModels(connection, options.project, { phase: 'load' });
  const tests = await runDataTests(connection, options.project, { phase: 'load' });
  const validateSeconds = (performance.now() - started) / 1000;
  for (const result of results) Object.assign(result, await countsFor(connection, result.file));
  return { files: results, validateSeconds, models, tests: tests.map((t) => ({ ...t, subject: `${t.subject} (${batch.files.map((f) => f.name).join(', ')})` })) };
}

async function readFile(connection: DuckDBConnection, file: ClassifiedFile, options: BatchLoadOptions): Promise<FileLoadResult> {
  const started = performance.now();
  const loadSeq = options.nextLoadSeq();
  const meta: LandingMeta = { fileId: file.fileId, fileName: file.name, exportDate: file.classified.exportDate, loadSeq };
  const base = { file, loadSeq, rowsLoaded: 0, rowsRejected: 0, rejectedByReason: {} };
  try {
    if (file.classified.format === 'csv') {
      const table = file.classified.tables[0]!;
      const read = await landCsv(connection, {
        file: file.path,
        table,
        meta,
        tmpDir: options.tmpDir,
        onProgress: (bytesDone, bytesTotal) => options.onFileProgress?.(file, { bytesDone, bytesTotal }),
      });
      return { ...base, status: 'loaded', encoding: read.encoding, rowsRead: read.rowsRead, readSeconds: seconds(started), jsSeconds: read.jsSeconds };
    }
    const requests: SheetRequest[] = file.classified.kind === 'office_workbook'
      ? file.classified.tables.map((table) => ({ table, sheet: table.sheetName! }))
      : [{ table: file.classified.tables[0]!, sheet: 'first sheet' }];
    const sheets = await landWorkbook(connection, {
      file: file.path,
      requests,
      meta,
      onRows: (_sheet, rows) => options.onFileProgress?.(file, { rows }),
    });
    const rowsRead = sheets.reduce((sum, s) => sum + s.rowsRead, 0);
    return { ...base, status: 'loaded', rowsRead, readSeconds: seconds(started), jsSeconds: seconds(started) };
  } catch (caught) {
    // A file that vanished or cannot be opened is that file's problem, not the run's.
    const code = (caught as NodeJS.ErrnoException).code;
    const error = caught instanceof FileRejection ? caught : code?.startsWith('E') ? new FileRejection('unreadable_file', fileMessages.cannotOpen(code)) : undefined;
    if (!error) throw caught;
    return {
      ...base,
      status: 'rejected',
      reasonCode: error.reasonCode,
      message: error.message,
      ...(error.sheet ? { sheet: error.sheet } : {}),
      rowsRead: 0,
      readSeconds: seconds(started),
      jsSeconds: seconds(started),
    };
  }
}

/** The staging model that types a landing table's rows: `staging.stg_<kind>`. */
export function stagingModelOf(table: TableSpec): string {
  return `staging.stg_${table.kind}`;
}

/** Rows loaded and rejected (by reason) of one file, read back from its staging models. */
async function countsFor(connection: DuckDBConnection, file: ClassifiedFile): Promise<Pick<FileLoadResult, 'rowsLoaded' | 'rowsRejected' | 'rejectedByReason'>> {
  let rowsLoaded = 0;
  let rowsRejected = 0;
  const rejectedByReason: Record<string, number> = {};
  for (const table of file.classified.tables) {
    const rows = await queryRows<{ reason_code: string | null; n: bigint }>(
      connection,
      `SELECT reason_code, count(*) AS n FROM ${stagingModelOf(table)} WHERE file_id = $1 GROUP BY reason_code`,
      [file.fileId],
    );
    for (const row of rows) {
      const n = Number(row.n);
      if (row.reason_code === null) {
        rowsLoaded += n;
      } else {
        rowsRejected += n;
        rejectedByReason[row.reason_code] = (rejectedByReason[row.reason_code] ?? 0) + n;
      }
    }
  }
  return { rowsLoaded, rowsRejected, rejectedByReason };
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
