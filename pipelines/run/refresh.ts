// One refresh of the warehouse, as named stages:
//   (lock)    W's refresh lock (lock.ts), unless the caller holds it for this run
//   prepare   remove what killed runs left beside W, copy the published warehouse W to
//             W.build-<run_id> (a rebuild starts empty), open it, init SQL, macros
//   sources   pull configured URLs into the inbox, list it, hash, classify, plan batches
//             (a rebuild lists the archive instead, run by run: rebuild.ts)
//   read      per batch: decode and read the files into the in-memory landing tables
//   validate  per batch: the load-phase models (typing, reasons, history) and staging tests
//   build     the build-phase models (latest versions, marts)
//   tests     the data tests; a failing `error` test stops the run before publishing
//   publish   analyst copy, audit rows, CHECKPOINT, close, keep W in W.history/, rename(2) the
//             build over W, prune the history (history.ts)
//   archive   move what was read out of the inbox
// Nothing is published unless every stage before `publish` succeeded; a failed, stopped or
// killed run leaves W as it was and the inbox files where they were; its build file is removed
// (by the run itself, or by the next one when it was killed).
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { ClassifiedName } from '../contract/exports.ts';
import { groupBatches, loadBatches, type FileLoadResult } from '../load/batch.ts';
import { loadProject, type Project } from '../models/project.ts';
import { blockingFailures, modelTimings, prepareWarehouse, runDataTests, runModels, type DataTestResult, type ModelRunResult, type ModelTiming } from '../models/runner.ts';
import { maskIdNumbers } from '../pii/id-mask.ts';
import { createPersonKeyMacro, loadOrCreateSecret } from '../pii/person-key.ts';
import { attachStaging } from '../read/landing.ts';
import { planBatches, type SetAside, type SourceFile } from '../sources/batches.ts';
import { pullUrls, type PullResult } from '../sources/http.ts';
import { listInbox, sha256File } from '../sources/inbox.ts';
import { openDatabase, queryRows, quoteLiteral, type Database } from '../warehouse/duckdb.ts';
import { analystFileFor, writeAnalystDatabase } from '../publish/analyst.ts';
import { archiveFile, archiveName } from './archive.ts';
import { keepInHistory, publishedRunIdOf, pruneHistory, readPublishedRunId, removeLeftovers } from './history.ts';
import { acquireRefreshLock } from './lock.ts';
import { POISON_REASON, startPoisonGuard } from './poison.ts';
import { archiveRounds } from './rebuild.ts';
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
  /** Stopped by a signal before publishing (see RefreshOptions.signal). */
  abandoned?: true;
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
  /** The run's id when the caller chose it (the server names a child's run up front); else a new one. */
  runId?: string;
  /**
   * The caller already holds W's refresh lock for this run (the server, for a child it spawned);
   * otherwise the run takes it first and throws RefreshBusyError when another run holds it.
   */
  lockHeld?: boolean;
  /** A new warehouse from the archive alone (trigger `rebuild`); nothing is moved. */
  rebuild?: boolean;
  /**
   * Stops the run (SIGTERM, SIGINT): before the publishing rename it is abandoned — nothing
   * published, build file removed, inbox untouched; after it, archiving finishes first.
   */
  signal?: AbortSignal;
  /**
   * TEST HOOK, inert unless set: awaited at named points of the run so that tests can kill or
   * stop the process there (the CLI wires it to env REFRESH_PAUSE_AT). `locked`: lock taken;
   * `read`: first batch loaded; `build`: build models done, before the data tests; `publish`:
   * build file closed, right before the rename; `archive`: after the rename, before archiving.
   */
  pauseAt?: (point: PausePoint) => Promise<void>;
}

/** Thrown inside the run when it must not publish; its message is the run's message. */
class RunFailure extends Error {}

/** Where a run may be held by the test hook `pauseAt` (see RefreshOptions). */
export type PausePoint = 'locked' | 'read' | 'build' | 'publish' | 'archive';

export const ABANDONED_MESSAGE = '刷新已按停止信号中止，未发布；仓库保持原样，收件箱中的文件留待下次运行。';

export async function runRefresh(options: RefreshOptions): Promise<RefreshResult> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const trigger: RunTrigger = options.rebuild ? 'rebuild' : (options.trigger ?? 'cli');
  const warehouseFile = config.warehouseFile;
  // Before anything is recorded: a run that finds another one going leaves no trace.
  const lock = options.lockHeld ? undefined : await acquireRefreshLock(warehouseFile, { trigger, runId });
  try {
    return await runLocked(options, { runId, trigger, startedAt, now });
  } finally {
    await lock?.release();
  }
}

interface RunIdentity {
  runId: string;
  trigger: RunTrigger;
  startedAt: Date;
  now: () => Date;
}

async function runLocked(options: RefreshOptions, identity: RunIdentity): Promise<RefreshResult> {
  const { config } = options;
  const { runId, trigger, startedAt, now } = identity;
  const emit = options.onProgress ?? (() => {});
  const stages = new StageClock(emit);
  const warehouseFile = config.warehouseFile;
  const buildFile = `${warehouseFile}.build-${runId}`;
  // Beside the build file, so that the next run removes it with the build if this one is killed.
  const tmpDir = `${buildFile}.read`;
  const signal = options.signal;
  const pause = async (point: PausePoint) => {
    await options.pauseAt?.(point);
  };
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
  // Poison files (poison.ts): what dead runs left is settled first; files that killed a run are set aside.
  const poison = await startPoisonGuard(config.dataDir, runId);
  let db: Database | undefined;
  // A stop asked for before the rename abandons the run; the query running is interrupted.
  const onAbort = () => {
    if (!result.published) db?.connection.interrupt();
  };
  signal?.addEventListener('abort', onAbort);
  const stopIfAsked = () => {
    if (signal?.aborted) throw new RunAbandoned(ABANDONED_MESSAGE);
  };
  const toArchive: { report: FileReport; path: string }[] = [];
  try {
    await pause('locked');
    stopIfAsked();
    const project = options.project ?? loadProject();
    let previousRunId: string | undefined;
    db = await stages.time('prepare', async () => {
      // We hold the lock: whatever a killed run left beside W is nobody's now.
      await removeLeftovers(warehouseFile, runId);
      return openBuild({ config, project, buildFile, runId, secret: options.secret, fresh: options.rebuild === true });
    });
    const connection = db.connection;
    previousRunId = options.rebuild ? await readPublishedRunId(warehouseFile) : await publishedRunIdOf(connection);
    stopIfAsked();

    // What the warehouse has loaded: file id -> the run that loaded it (archive names carry it).
    const loadedBy = options.rebuild ? new Map<string, string>() : await loadedFiles(connection);
    const rounds = await stages.time('sources', async () => {
      if (options.rebuild) return (await archiveRounds(config.archiveDir)).map((round) => round.files);
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
      return [files];
    });
    const screened = poison.setAside(rounds);
    rounds.splice(0, rounds.length, ...screened.rounds);
    for (const report of screened.reports) {
      result.files.push(report);
      emit({ type: 'file-end', report });
    }
    // In a rebuild a report names the archived file it read; nothing is moved.
    const fromArchive = (report: FileReport, file: string) => {
      if (options.rebuild) report.archivedAs = path.relative(config.archiveDir, file).split(path.sep).join('/');
    };

    let loadSeq = await maxLoadSeq(connection);
    const loadTests: DataTestResult[] = [];
    const modelRuns: ModelRunResult[] = [];
    const total = rounds.reduce((n, files) => n + planBatches(files, new Set(loadedBy.keys())).batches.reduce((m, b) => m + b.files.length, 0), 0);
    let index = 0;
    let pausedInLoad = false;
    for (const files of rounds) {
      const plan = planBatches(files, new Set(loadedBy.keys()));
      for (const aside of plan.setAside) {
        const report = setAsideReport(aside);
        fromArchive(report, aside.file.path);
        result.files.push(report);
        emit({ type: 'file-end', report });
        if (!aside.keepInInbox && !options.rebuild) toArchive.push({ report, path: aside.file.path });
      }
      for (const group of groupBatches(plan.batches)) {
        stopIfAsked();
        for (const file of group.flatMap((b) => b.files)) emit({ type: 'file-start', file: file.name, index: ++index, total });
        const loaded = await loadBatches(connection, group, {
          project,
          instance: db.instance,
          tmpDir,
          nextLoadSeq: () => ++loadSeq,
          onFileProgress: (file, progress) => emit({ type: 'file-progress', file: file.name, ...progress }),
          onFileRead: poison.onFileRead,
          workbookLimits: config.workbookLimits,
        });
        stages.add('read', loaded.readSeconds);
        stages.add('validate', loaded.validateSeconds);
        loadTests.push(...loaded.tests);
        modelRuns.push(...loaded.models);
        for (const fileResult of loaded.files) {
          const report = loadedReport(fileResult, loaded.validateSeconds / loaded.files.length);
          fromArchive(report, fileResult.file.path);
          result.files.push(report);
          emit({ type: 'file-end', report });
          if (fileResult.status === 'loaded') loadedBy.set(fileResult.file.fileId, runId);
          // A file rejected for its partner's sake waits in the inbox for the partner's fix.
          if (fileResult.reasonCode !== 'snapshot_rejected' && !options.rebuild) toArchive.push({ report, path: fileResult.file.path });
        }
        if (!pausedInLoad) {
          pausedInLoad = true;
          await pause('read');
        }
      }
    }
    stopIfAsked();

    modelRuns.push(...(await stages.time('build', () => runModels(connection, project, { phase: 'build' }))));
    result.models = modelTimings(modelRuns);
    await pause('build');
    stopIfAsked();
    const buildTests = await stages.time('tests', () => runDataTests(connection, project, { phase: 'build' }));
    result.tests = [...loadTests, ...buildTests];
    const blocking = blockingFailures(result.tests);
    if (blocking.length > 0) {
      throw new RunFailure(`数据测试未通过：${blocking.map((t) => `${t.name}（${t.status === 'error' ? t.message : `${t.failures} 行`}）`).join('；')}`);
    }
    stopIfAsked();

    for (const item of toArchive) {
      // A file skipped as already loaded is archived under the run that loaded it.
      const loader = item.report.status === 'skipped' ? (loadedBy.get(item.report.fileId) ?? runId) : runId;
      item.report.archivedAs = archiveName(item.report.name, item.report.fileId, startedAt, loader);
    }
    Object.assign(result, totals(result.files));
    result.status = runStatus(result);
    result.message = attentionMessage(result);

    await stages.time('publish', async () => {
      const publishStarted = performance.now();
      // The analyst copy (marts only) for the SQL console; audit.publication in W names it.
      await writeAnalystDatabase(connection, analystFileFor(warehouseFile, runId), { project });
      // audit.runs is written inside the file it describes, before the file is published: it
      // records `publish` up to here (analyst copy and audit rows; the CHECKPOINT and rename that
      // follow are not in it) and no `archive` (null). The full timings are in the run's
      // result, its summary and its journal.
      result.finishedAt = now();
      const auditStages: Record<string, number | null> = { ...stages.toJSON(), publish: round3((performance.now() - publishStarted) / 1000), archive: null };
      await writeAuditRows(connection, result, auditStages);
      await connection.run('CHECKPOINT');
      db!.close();
      db = undefined;
      await pause('publish');
      stopIfAsked();
      await mkdir(path.dirname(warehouseFile), { recursive: true });
      // Blue/green: the outgoing warehouse stays in the history (a hard link: instant).
      if (existsSync(warehouseFile)) await keepInHistory(warehouseFile, previousRunId ?? `${runId.slice(0, 16)}-000000`);
      await rename(buildFile, warehouseFile);
      result.published = true;
      await pruneHistory(warehouseFile, { keep: config.keepWarehouses, currentRunId: runId }).catch(() => undefined);
    });

    // Past the rename a stop signal no longer abandons: the files read are archived first.
    await pause('archive');
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
    if (error instanceof RunAbandoned || (signal?.aborted && !result.published)) {
      result.abandoned = true;
      result.message = ABANDONED_MESSAGE;
    } else {
      result.message = maskIdLike(error instanceof Error ? error.message : String(error));
    }
  } finally {
    poison.clear();
    signal?.removeEventListener('abort', onAbort);
    db?.close();
    if (!result.published) {
      await rm(buildFile, { force: true });
      await rm(`${buildFile}.wal`, { force: true });
      await rm(`${buildFile}.tmp`, { recursive: true, force: true });
      await rm(analystFileFor(warehouseFile, runId), { force: true });
    }
    await rm(tmpDir, { recursive: true, force: true });
  }
  result.finishedAt = now();
  result.stages = stages.toJSON();
  await writeRunJournal(journalDir, finishedJournal(result));
  return result;
}

/** The run was stopped by a signal before it published. */
class RunAbandoned extends RunFailure {}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Files the warehouse has loaded, each with the run that loaded it first. */
async function loadedFiles(connection: Database['connection']): Promise<Map<string, string>> {
  const rows = await queryRows<{ file_id: string; run_id: string }>(
    connection,
    "SELECT file_id, min(run_id) AS run_id FROM audit.files WHERE status = 'loaded' GROUP BY file_id",
  );
  return new Map(rows.map((r) => [r.file_id, r.run_id]));
}

interface OpenBuildOptions {
  config: Config;
  project: Project;
  buildFile: string;
  runId: string;
  secret: Buffer | undefined;
  /** A new, empty warehouse (rebuild) instead of a copy of W. */
  fresh: boolean;
}

/** The build copy of the published warehouse (or a new one), ready for loading. */
async function openBuild(options: OpenBuildOptions): Promise<Database> {
  const { config, buildFile } = options;
  await mkdir(path.dirname(buildFile), { recursive: true });
  if (!options.fresh && existsSync(config.warehouseFile)) await copyFile(config.warehouseFile, buildFile, constants.COPYFILE_EXCL);
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
  const rejected = result.rowsRejected > 0 || result.files.some((f) => f.status === 'rejected' || f.reasonCode === POISON_REASON);
  const pullFailed = result.pulls.some((p) => p.status === 'failed' || p.status === 'conflict');
  return rejected || pullFailed ? 'partial' : 'success';
}

function attentionMessage(result: RefreshResult): string | undefined {
  const parts: string[] = [];
  const rejectedFiles = result.files.filter((f) => f.status === 'rejected').length;
  if (rejectedFiles > 0) parts.push(`${rejectedFiles} 个文件整体未加载`);
  const poisoned = result.files.filter((f) => f.reasonCode === POISON_REASON).length;
  if (poisoned > 0) parts.push(`${poisoned} 个文件曾使刷新中断，已跳过`);
  if (result.rowsRejected > 0) parts.push(`${result.rowsRejected} 行被拒收`);
  const pulls = result.pulls.filter((p) => p.status === 'failed' || p.status === 'conflict');
  if (pulls.length > 0) parts.push(`${pulls.length} 个下载地址未取到文件`);
  return parts.length > 0 ? parts.join('，') : undefined;
}

/**
 * An error from SQL may quote a value it could not convert; anything shaped like an ID number
 * (15 to 18 digits, maybe ending in X) is masked before the message is shown or kept.
 */
export const maskIdLike = maskIdNumbers; // pii/id-mask.ts: the one definition

/** `YYYYMMDDTHHMMSSZ-xxxxxx`: sortable by time, unique. */
export function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}
