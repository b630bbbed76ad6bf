// One refresh of the warehouse, as named stages:
//   prepare   copy the published warehouse W to W.build-<run_id>, open it, init SQL, macros
//   sources   pull configured URLs into the inbox, list it, hash, classify, plan batches
//   read      per batch: decode and read the files into the in-memory landing tables
//   validate  per batch: the load-phase models (typing, reasons, history) and staging tests
//   build     the build-phase models (latest versions, marts)
//   tests     the data tests; a failing `error` test stops the run before publishing
//   publish   audit rows, CHECKPOINT, close, rename(2) over W
//   archive   move what was read out of the inbox
// Nothing is published unless every stage before `publish` succeeded; a failed run leaves W as
// it was and removes its build file.
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { ClassifiedName } from '../contract/exports.ts';
import { loadBatch, type FileLoadResult } from '../load/batch.ts';
import { loadProject, type Project } from '../models/project.ts';
import { blockingFailures, modelTimings, prepareWarehouse, runDataTests, runModels, type DataTestResult, type ModelRunResult, type ModelTiming } from '../models/runner.ts';
import { createPersonKeyMacro, loadOrCreateSecret } from '../pii/person-key.ts';
import { attachStaging } from '../read/landing.ts';
import { planBatches, type SetAside, type SourceFile } from '../sources/batches.ts';
import { pullUrls, type PullResult } from '../sources/http.ts';
import { listInbox, sha256File } from '../sources/inbox.ts';
import { openDatabase, queryRows, quoteLiteral, type Database } from '../warehouse/duckdb.ts';
import { analystFileFor, writeAnalystDatabase } from '../publish/analyst.ts';
import { archiveFile, archiveName } from './archive.ts';
import { writeAuditRows } from './audit.ts';
import { finishedJournal, journalDirFor, startedJournal, writeRunJournal } from './journal.ts';
import { StageClock, type StageEvent, type StageName } from './stages.ts';

export type RunTrigger = 'cli' | 'schedule' | 'api' | 'rebuild';
export type RunStatus = 'success' | 'partial' | 'failed';
export type FileStatus = 'loaded' | 'rejected' | 'unknown' | 'skipped';

/** What one run did with one file. */
export interface FileReport {
  name: string;
  fileId: string;
  kind?: ClassifiedName['kind'];
  exportDate?: string;
  source: string;
  encoding?: string;
  bytes: number;
  status: FileStatus;
  reasonCode?: string;
  message?: string;
  sheet?: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejectedByReason: Record<string, number>;
  seconds: number;
  loadSeq?: number;
  /** Path under the archive folder; undefined when the file stays in the inbox. */
  archivedAs?: string;
}

export interface RefreshResult {
  runId: string;
  trigger: RunTrigger;
  status: RunStatus;
  published: boolean;
  warehouseFile: string;
  startedAt: Date;
  finishedAt: Date;
  stages: Record<StageName, number>;
  files: FileReport[];
  pulls: PullResult[];
  tests: DataTestResult[];
  /** Seconds per SQL model over the run, slowest first. */
  models: ModelTiming[];
  rowsLoaded: number;
  rowsRejected: number;
  rejectedByReason: Record<string, number>;
  /** Why the run failed, or what needs attention. */
  message?: string;
  /** Files that could not be moved to the archive after publishing (they stay in the inbox). */
  archiveProblems: string[];
}

export type ProgressEvent =
  | StageEvent
  | { type: 'file-start'; file: string; index: number; total: number }
  | { type: 'file-progress'; file: string; bytesDone?: number; bytesTotal?: number; rows?: number }
  | { type: 'file-end'; report: FileReport }
  | { type: 'pull'; result: PullResult };

export interface RefreshOptions {
  config: Config;
  trigger?: RunTrigger;
  /** The SQL project; defaults to the repository's sql/. */
  project?: Project;
  /** The HMAC secret for person keys; defaults to the configured or generated one. */
  secret?: Buffer;
  onProgress?: (event: ProgressEvent) => void;
  /** For tests of the HTTP source. */
  fetch?: typeof fetch;
  now?: () => Date;
}

/** Thrown inside the run when it must not publish; its message is the run's message. */
class RunFailure extends Error {}

export async function runRefresh(options: RefreshOptions): Promise<RefreshResult> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = newRunId(startedAt);
  const trigger = options.trigger ?? 'cli';
  const emit = options.onProgress ?? (() => {});
  const stages = new StageClock(emit);
  const warehouseFile = config.warehouseFile;
  const buildFile = `${warehouseFile}.build-${runId}`;
  const tmpDir = path.join(config.dataDir, 'tmp', runId);
  const result: RefreshResult = {
    runId,
    trigger,
    status: 'failed',
    published: false,
    warehouseFile,
    startedAt,
    finishedAt: startedAt,
    stages: stages.toJSON(),
    files: [],
    pulls: [],
    tests: [],
    models: [],
    rowsLoaded: 0,
    rowsRejected: 0,
    rejectedByReason: {},
    archiveProblems: [],
  };
  // The run journal (journal.ts): the only record of a run that is never published.
  const journalDir = journalDirFor(config.dataDir);
  await writeRunJournal(journalDir, startedJournal({ runId, trigger, startedAt }));
  let db: Database | undefined;
  const toArchive: { report: FileReport; path: string }[] = [];
  try {
    const project = options.project ?? loadProject();
    db = await stages.time('prepare', () => openBuild({ config, project, buildFile, runId, secret: options.secret }));
    const connection = db.connection;

    const plan = await stages.time('sources', async () => {
      result.pulls = await pullUrls(config.sourceUrls, {
        inboxDir: config.inboxDir,
        timeoutMs: config.sourceTimeoutMs,
        retries: config.sourceRetries,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      for (const pull of result.pulls) emit({ type: 'pull', result: pull });
      const pulledFrom = new Map(result.pulls.filter((p) => p.fileName).map((p) => [p.fileName!, p.url]));
      const files: SourceFile[] = [];
      for (const file of await listInbox(config.inboxDir)) {
        files.push({ ...file, fileId: await sha256File(file.path), source: pulledFrom.get(file.name) ?? 'inbox' });
      }
      const loaded = await queryRows<{ file_id: string }>(connection, "SELECT DISTINCT file_id FROM audit.files WHERE status = 'loaded'");
      return planBatches(files, new Set(loaded.map((r) => r.file_id)));
    });

    for (const aside of plan.setAside) {
      const report = setAsideReport(aside);
      result.files.push(report);
      emit({ type: 'file-end', report });
      if (!aside.keepInInbox) toArchive.push({ report, path: aside.file.path });
    }

    let loadSeq = await maxLoadSeq(connection);
    const loadTests: DataTestResult[] = [];
    const modelRuns: ModelRunResult[] = [];
    const total = plan.batches.reduce((n, b) => n + b.files.length, 0);
    let index = 0;
    for (const batch of plan.batches) {
      for (const file of batch.files) emit({ type: 'file-start', file: file.name, index: ++index, total });
      const loaded = await loadBatch(connection, batch, {
        project,
        tmpDir,
        nextLoadSeq: () => ++loadSeq,
        onFileProgress: (file, progress) => emit({ type: 'file-progress', file: file.name, ...progress }),
      });
      stages.add('read', loaded.files.reduce((s, f) => s + f.readSeconds, 0));
      stages.add('validate', loaded.validateSeconds);
      loadTests.push(...loaded.tests);
      modelRuns.push(...loaded.models);
      for (const fileResult of loaded.files) {
        const report = loadedReport(fileResult, loaded.validateSeconds / loaded.files.length);
        result.files.push(report);
        emit({ type: 'file-end', report });
        // A file rejected for its partner's sake waits in the inbox for the partner's fix.
        if (fileResult.reasonCode !== 'snapshot_rejected') toArchive.push({ report, path: fileResult.file.path });
      }
    }

    modelRuns.push(...(await stages.time('build', () => runModels(connection, project, { phase: 'build' }))));
    result.models = modelTimings(modelRuns);
    const buildTests = await stages.time('tests', () => runDataTests(connection, project, { phase: 'build' }));
    result.tests = [...loadTests, ...buildTests];
    const blocking = blockingFailures(result.tests);
    if (blocking.length > 0) {
      throw new RunFailure(`数据测试未通过：${blocking.map((t) => `${t.name}（${t.status === 'error' ? t.message : `${t.failures} 行`}）`).join('；')}`);
    }

    for (const item of toArchive) item.report.archivedAs = archiveName(item.report.name, item.report.fileId, startedAt);
    Object.assign(result, totals(result.files));
    result.status = runStatus(result);
    result.message = attentionMessage(result);

    await stages.time('publish', async () => {
      result.finishedAt = now();
      result.stages = stages.toJSON();
      await writeAuditRows(connection, result);
      // The analyst copy (marts only) for the SQL console; audit.publication in W names it.
      await writeAnalystDatabase(connection, analystFileFor(warehouseFile, runId), { project });
      await connection.run('CHECKPOINT');
      db!.close();
      db = undefined;
      await mkdir(path.dirname(warehouseFile), { recursive: true });
      await rename(buildFile, warehouseFile);
      result.published = true;
    });

    await stages.time('archive', async () => {
      for (const item of toArchive) {
        try {
          item.report.archivedAs = await archiveFile(item.path, config.archiveDir, item.report.archivedAs!, item.report.fileId);
        } catch (error) {
          result.archiveProblems.push(`${item.report.name}: ${(error as Error).message}`);
        }
      }
    });
  } catch (error) {
    result.status = 'failed';
    result.message = maskIdLike(error instanceof Error ? error.message : String(error));
  } finally {
    db?.close();
    if (!result.published) {
      await rm(buildFile, { force: true });
      await rm(`${buildFile}.wal`, { force: true });
      await rm(analystFileFor(warehouseFile, runId), { force: true });
    }
    await rm(tmpDir, { recursive: true, force: true });
  }
  result.finishedAt = now();
  result.stages = stages.toJSON();
  await writeRunJournal(journalDir, finishedJournal(result));
  return result;
}

interface OpenBuildOptions {
  config: Config;
  project: Project;
  buildFile: string;
  runId: string;
  secret: Buffer | undefined;
}

/** The build copy of the published warehouse, ready for loading. */
async function openBuild(options: OpenBuildOptions): Promise<Database> {
  const { config, buildFile } = options;
  await mkdir(path.dirname(buildFile), { recursive: true });
  if (existsSync(config.warehouseFile)) await copyFile(config.warehouseFile, buildFile, constants.COPYFILE_EXCL);
  const db = await openDatabase(buildFile, { memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
  try {
    await attachStaging(db.connection);
    await prepareWarehouse(db.connection, options.project);
    await createPersonKeyMacro(db.connection, options.secret ?? loadOrCreateSecret(config));
    // The SQL models stamp what they write with the run.
    await db.connection.run(`SET VARIABLE run_id = ${quoteLiteral(options.runId)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The highest load_seq the warehouse has used (0 for a new one). */
async function maxLoadSeq(connection: Database['connection']): Promise<number> {
  const tables = await queryRows<{ name: string }>(
    connection,
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name || '.' || table_name IN ('audit.files', 'core.case_versions', 'core.training_versions')`,
  );
  let max = 0;
  for (const { name } of tables) {
    const rows = await queryRows<{ m: bigint | null }>(connection, `SELECT max(load_seq) AS m FROM ${name}`);
    max = Math.max(max, Number(rows[0]?.m ?? 0));
  }
  return max;
}

function setAsideReport(aside: SetAside): FileReport {
  return {
    name: aside.file.name,
    fileId: aside.file.fileId,
    ...(aside.classified ? { kind: aside.classified.kind, exportDate: aside.classified.exportDate } : {}),
    source: aside.file.source,
    bytes: aside.file.bytes,
    status: aside.status,
    reasonCode: aside.reasonCode,
    message: aside.message,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejectedByReason: {},
    seconds: 0,
  };
}

function loadedReport(loaded: FileLoadResult, validateShare: number): FileReport {
  const { file } = loaded;
  return {
    name: file.name,
    fileId: file.fileId,
    kind: file.classified.kind,
    exportDate: file.classified.exportDate,
    source: file.source,
    ...(loaded.encoding ? { encoding: loaded.encoding } : {}),
    bytes: file.bytes,
    status: loaded.status,
    ...(loaded.reasonCode ? { reasonCode: loaded.reasonCode } : {}),
    ...(loaded.message ? { message: loaded.message } : {}),
    ...(loaded.sheet ? { sheet: loaded.sheet } : {}),
    rowsRead: loaded.rowsRead,
    rowsLoaded: loaded.rowsLoaded,
    rowsRejected: loaded.rowsRejected,
    rejectedByReason: loaded.rejectedByReason,
    seconds: loaded.readSeconds + validateShare,
    ...(loaded.status === 'loaded' && loaded.loadSeq !== undefined ? { loadSeq: loaded.loadSeq } : {}),
  };
}

function totals(files: FileReport[]): Pick<RefreshResult, 'rowsLoaded' | 'rowsRejected' | 'rejectedByReason'> {
  const rejectedByReason: Record<string, number> = {};
  let rowsLoaded = 0;
  let rowsRejected = 0;
  for (const file of files) {
    rowsLoaded += file.rowsLoaded;
    rowsRejected += file.rowsRejected;
    for (const [reason, n] of Object.entries(file.rejectedByReason)) rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + n;
  }
  return { rowsLoaded, rowsRejected, rejectedByReason };
}

/** `partial` when something sent was not loaded: a rejected row or file, or a failed download. */
function runStatus(result: RefreshResult): RunStatus {
  const rejected = result.rowsRejected > 0 || result.files.some((f) => f.status === 'rejected');
  const pullFailed = result.pulls.some((p) => p.status === 'failed' || p.status === 'conflict');
  return rejected || pullFailed ? 'partial' : 'success';
}

function attentionMessage(result: RefreshResult): string | undefined {
  const parts: string[] = [];
  const rejectedFiles = result.files.filter((f) => f.status === 'rejected').length;
  if (rejectedFiles > 0) parts.push(`${rejectedFiles} 个文件整体未加载`);
  if (result.rowsRejected > 0) parts.push(`${result.rowsRejected} 行被拒收`);
  const pulls = result.pulls.filter((p) => p.status === 'failed' || p.status === 'conflict');
  if (pulls.length > 0) parts.push(`${pulls.length} 个下载地址未取到文件`);
  return parts.length > 0 ? parts.join('，') : undefined;
}

/**
 * An error from SQL may quote a value it could not convert; anything shaped like an ID number
 * (15 to 18 digits, maybe ending in X) is masked before the message is shown or kept.
 */
export function maskIdLike(text: string): string {
  return text.replace(/\d{14,17}[\dXx]/g, (id) => `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`);
}

/** `YYYYMMDDTHHMMSSZ-xxxxxx`: sortable by time, unique. */
export function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}
