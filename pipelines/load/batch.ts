// Loads batches: recreate the four landing tables, read each file of each batch into them, run
// the load-phase models once over everything landed (typing, validation, the incremental core
// and audit tables), run the staging data tests, and read back per file what was loaded and
// rejected. A batch is all or nothing at the file level: when one of its files cannot be read,
// the rows its other files landed are taken out again and the rest go on.
// Several batches share one run of the models (see groupBatches): each run has a fixed cost,
// and DuckDB spreads a query over threads by row groups of 122,880 rows, so one file of 40,000
// rows runs on one core while twenty run on all of them.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TABLES, type TableSpec } from '../contract/exports.ts';
import { FileRejection, fileMessages, type FileReasonCode } from '../contract/file-rejections.ts';
import type { Project } from '../models/project.ts';
import { runDataTests, runModels, type DataTestResult, type ModelRunResult } from '../models/runner.ts';
import { landCsv } from '../read/csv.ts';
import type { CsvEncoding } from '../read/encoding.ts';
import { clearStaging, resetLandingTables, type LandingMeta } from '../read/landing.ts';
import { landWorkbook, type SheetRequest } from '../read/workbook.ts';
import type { WorkbookLimits } from '../read/workbook-limits.ts';
import type { Batch, ClassifiedFile } from '../sources/batches.ts';
import { queryRows, quoteIdent } from '../warehouse/duckdb.ts';

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
  /** Seconds reading the batches' files (wall clock: files are read side by side). */
  readSeconds: number;
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
  /**
   * The database's instance: when given, files are read two at a time, the second on a
   * connection of its own (a CSV is read by one thread, to number its rows in order, and the
   * JavaScript work of one file overlaps DuckDB's reading of the other).
   */
  instance?: DuckDBInstance;
  onFileProgress?: (file: ClassifiedFile, progress: { bytesDone?: number; bytesTotal?: number; rows?: number }) => void;
  /** What one workbook may cost; defaults to DEFAULT_WORKBOOK_LIMITS (read/workbook-limits.ts). */
  workbookLimits?: WorkbookLimits;
  /**
   * Told right before a file is read and right after (run/poison.ts keeps a marker of the files
   * being read, so that a process killed by a file's reading is traced to that file).
   */
  onFileRead?: (file: ClassifiedFile, phase: 'start' | 'end') => void;
}

/** Bytes of export files loaded together by default: enough rows to fill both cores, few enough to keep memory low. */
export const DEFAULT_GROUP_BYTES = 256 * 1024 * 1024;

/**
 * Cuts the planned batches, in their order, into groups loaded by one run of the load-phase
 * models each. A group ends before it would pass `maxBytes` of files, and before a second
 * snapshot of the same date (the later one replaces the earlier, so they must not land
 * together). Batches keep their order, so every case and training file still sees every
 * snapshot planned before it, as when batches were loaded one by one.
 */
export function groupBatches(batches: readonly Batch[], options: { maxBytes?: number } = {}): Batch[][] {
  const maxBytes = options.maxBytes ?? DEFAULT_GROUP_BYTES;
  const groups: Batch[][] = [];
  let group: Batch[] = [];
  let bytes = 0;
  const snapshotDates = new Set<string>();
  for (const batch of batches) {
    const batchBytes = batch.files.reduce((sum, f) => sum + f.bytes, 0);
    const sameSnapshot = batch.kind === 'snapshot' && snapshotDates.has(batch.exportDate);
    if (group.length > 0 && (bytes + batchBytes > maxBytes || sameSnapshot)) {
      groups.push(group);
      group = [];
      bytes = 0;
      snapshotDates.clear();
    }
    group.push(batch);
    bytes += batchBytes;
    if (batch.kind === 'snapshot') snapshotDates.add(batch.exportDate);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

export async function loadBatches(connection: DuckDBConnection, batches: readonly Batch[], options: BatchLoadOptions): Promise<BatchLoadResult> {
  await resetLandingTables(connection);
  const readStarted = performance.now();
  const files = batches.flatMap((b) => b.files);
  const read = await readFiles(connection, files, options);
  const results: FileLoadResult[] = [];
  for (const batch of batches) {
    const batchResults = batch.files.map((file) => read.get(file)!);
    const failed = batchResults.find((r) => r.status === 'rejected');
    if (failed) {
      // The snapshot is one unit: its other file is not loaded either (and waits in the inbox).
      await removeLanded(connection, batch.files);
      for (const result of batchResults) {
        if (result.status === 'loaded') {
          Object.assign(result, { status: 'rejected', reasonCode: 'snapshot_rejected', message: fileMessages.snapshotRejected(failed.file.name), rowsRead: 0 });
        }
      }
    }
    results.push(...batchResults);
  }
  const readSeconds = seconds(readStarted);
  const landed = results.filter((r) => r.status === 'loaded');
  if (landed.length === 0) return { files: results, readSeconds, validateSeconds: 0, models: [], tests: [] };

  const started = performance.now();
  const models = await runModels(connection, options.project, { phase: 'load' });
  const tests = await runDataTests(connection, options.project, { phase: 'load' });
  const validateSeconds = (performance.now() - started) / 1000;
  const counts = await countsByFile(connection);
  for (const result of landed) Object.assign(result, counts.get(result.file.fileId) ?? { rowsLoaded: 0, rowsRejected: 0, rejectedByReason: {} });
  // The staged rows (raw ID numbers among them) are not needed once counted: free their memory.
  await clearStaging(connection);
  const names = landed.map((r) => r.file.name).join(', ');
  return { files: results, readSeconds, validateSeconds, models, tests: tests.map((t) => ({ ...t, subject: `${t.subject} (${names})` })) };
}

/** Loads one batch on its own. */
export function loadBatch(connection: DuckDBConnection, batch: Batch, options: BatchLoadOptions): Promise<BatchLoadResult> {
  return loadBatches(connection, [batch], options);
}

/** Takes out of the landing tables every row the given files landed. */
async function removeLanded(connection: DuckDBConnection, files: readonly ClassifiedFile[]): Promise<void> {
  for (const file of files) {
    for (const table of file.classified.tables) {
      await connection.run(`DELETE FROM staging.${quoteIdent(table.landingTable)} WHERE file_id = $1`, [file.fileId]);
    }
  }
}

/** Reads every file into the landing tables, two at a time when the instance is given. */
async function readFiles(connection: DuckDBConnection, files: readonly ClassifiedFile[], options: BatchLoadOptions): Promise<Map<ClassifiedFile, FileLoadResult>> {
  const loadSeqs = new Map(files.map((file) => [file, options.nextLoadSeq()]));
  const results = new Map<ClassifiedFile, FileLoadResult>();
  const second = options.instance && files.length > 1 ? await options.instance.connect() : undefined;
  // Each file is read by the one thread of its statement; DuckDB's other worker threads would
  // only wait for work beside it, taking CPU time from the reader and the JavaScript beside it.
  const [threads] = (await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0] ?? [];
  if (second) await connection.run('SET threads = 1');
  const queue = [...files];
  // A workbook is read in JavaScript (exceljs), a CSV file by DuckDB's thread: while one worker
  // reads a workbook the other takes a CSV file if one is left, so that the two overlap instead
  // of two workbooks sharing the one JavaScript thread (snapshots come first in plan order; the
  // order of reading changes nothing else: load_seq was given above).
  let workbooksReading = 0;
  const next = (): ClassifiedFile | undefined => {
    const csv = workbooksReading > 0 ? queue.findIndex((f) => f.classified.format === 'csv') : -1;
    return queue.splice(Math.max(csv, 0), 1)[0];
  };
  let failed = false;
  const read = async (readWith: DuckDBConnection, file: ClassifiedFile): Promise<FileLoadResult> => {
    options.onFileRead?.(file, 'start');
    try {
      const result = await readFile(readWith, file, loadSeqs.get(file)!, options);
      results.set(file, result);
      return result;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      options.onFileRead?.(file, 'end');
    }
  };
  const worker = async (readWith: DuckDBConnection) => {
    const csvs = new CsvTransaction(readWith);
    try {
      for (let file = next(); file && !failed; file = next()) {
        if (file.classified.format !== 'csv') {
          await csvs.commit();
          workbooksReading++;
          try {
            await read(readWith, file);
          } finally {
            workbooksReading--;
          }
          continue;
        }
        await csvs.begin();
        const result = await read(readWith, file);
        if (result.status === 'loaded') {
          csvs.landed.push(file);
          csvs.rows += result.rowsRead;
          // A full row group is moved whole at commit: committing then keeps the open
          // transaction (held in memory) to about one row group of small files.
          if (csvs.rows >= ROW_GROUP_ROWS) await csvs.commit();
          continue;
        }
        // The failed insert aborted the transaction: the files landed in it are read again, each on its own.
        for (const earlier of await csvs.rollback()) await read(readWith, earlier);
      }
      await csvs.commit();
    } finally {
      await csvs.abandon();
    }
  };
  try {
    const settled = await Promise.allSettled([connection, ...(second ? [second] : [])].map(worker));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    second?.closeSync();
    if (second) await connection.run(`SET threads = ${Number(threads)}`);
  }
  return results;
}

/**
 * The CSV files one connection reads in a row, landed in one transaction until it holds a row
 * group (then committed: large files each commit alone, as before). At commit DuckDB moves
 * a transaction's rows into the table whole when they fill a row group (122,880 rows) or the
 * table is empty, and copies them row by row otherwise: one commit per file (~50,000 rows) wrote
 * every row twice (province scale: 1.9 s of DuckDB's 4.7 s CPU reading the case files). A
 * failed statement aborts the whole transaction, so a file rejected in it takes the others back
 * out (rollback), and the caller reads them again.
 */
/** DuckDB's row group: what a commit moves into a table whole instead of copying row by row. */
const ROW_GROUP_ROWS = 122_880;

class CsvTransaction {
  /** Files landed in the open transaction, and their rows. */
  readonly landed: ClassifiedFile[] = [];
  rows = 0;
  private open = false;

  constructor(private readonly connection: DuckDBConnection) {}

  async begin(): Promise<void> {
    if (this.open) return;
    await this.connection.run('BEGIN TRANSACTION');
    this.open = true;
  }

  async commit(): Promise<void> {
    if (!this.open) return;
    await this.connection.run('COMMIT');
    this.open = false;
    this.landed.length = 0;
    this.rows = 0;
  }

  /** Rolls back; returns the files whose rows were taken out again. */
  async rollback(): Promise<ClassifiedFile[]> {
    if (this.open) await this.connection.run('ROLLBACK');
    this.open = false;
    this.rows = 0;
    return this.landed.splice(0);
  }

  /** After an error: nothing left open on the connection (a failing ROLLBACK would hide the error). */
  async abandon(): Promise<void> {
    if (this.open) await this.rollback().catch(() => undefined);
  }
}

async function readFile(connection: DuckDBConnection, file: ClassifiedFile, loadSeq: number, options: BatchLoadOptions): Promise<FileLoadResult> {
  const started = performance.now();
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
      ...(options.workbookLimits ? { limits: options.workbookLimits } : {}),
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

type FileCounts = Pick<FileLoadResult, 'rowsLoaded' | 'rowsRejected' | 'rejectedByReason'>;

/** Rows loaded and rejected (by reason) of every file landed, read back from the staging models. */
async function countsByFile(connection: DuckDBConnection): Promise<Map<string, FileCounts>> {
  const rows = await queryRows<{ file_id: string; reason_code: string | null; n: bigint }>(
    connection,
    Object.values(TABLES)
      .map((table) => `SELECT file_id, reason_code, count(*) AS n FROM ${stagingModelOf(table)} GROUP BY ALL`)
      .join('\nUNION ALL\n'),
  );
  const counts = new Map<string, FileCounts>();
  for (const row of rows) {
    const n = Number(row.n);
    const file = counts.get(row.file_id) ?? { rowsLoaded: 0, rowsRejected: 0, rejectedByReason: {} };
    if (row.reason_code === null) {
      file.rowsLoaded += n;
    } else {
      file.rowsRejected += n;
      file.rejectedByReason[row.reason_code] = (file.rejectedByReason[row.reason_code] ?? 0) + n;
    }
    counts.set(row.file_id, file);
  }
  return counts;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
