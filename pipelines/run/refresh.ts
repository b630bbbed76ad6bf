// One refresh of the warehouse, as named stages, one function each (runLocked calls them in
// order; each takes the run and what the stages before it left):
//   (lock)    W's refresh lock (lock.ts), unless the caller holds it for this run
//   prepare   remove what killed runs left beside W, copy the published warehouse W to
//             W.build-<run_id> (a rebuild starts empty), open it, init SQL, macros
//   sources   pull configured URLs into the inbox, list it, hash, classify
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
// The run's words (RunTrigger, RefreshResult, FileReport, newRunId…) are in vocabulary.ts.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { groupBatches, loadBatches } from '../load/batch.ts';
import { loadProject, type Project } from '../models/project.ts';
import { planBuild, recordBuild, wholePlan } from '../models/build-plan.ts';
import { blockingFailures, modelTimings, runDataTests, runModels, type DataTestResult, type ModelRunResult } from '../models/runner.ts';
import { planBatches, type SourceFile } from '../sources/batches.ts';
import { pullUrls } from '../sources/http.ts';
import { listInbox, sha256File } from '../sources/inbox.ts';
import type { Database } from '../warehouse/duckdb.ts';
import { analystFileFor, analystFileNamedIn, writeAnalystDatabase } from '../publish/analyst.ts';
import { reviseEditionsAfterPublish } from '../editions/after-publish.ts';
import { archiveFile, archiveName } from './archive.ts';
import { writeAuditRows } from './audit.ts';
import { loadedFiles, maxLoadSeq, openBuild } from './build-file.ts';
import { attentionMessage, loadedReport, runStatus, setAsideReport, totals } from './file-reports.ts';
import { keepInHistory, publishedRunIdOf, pruneHistory, readPublishedRunId, removeLeftovers } from './history.ts';
import { finishedJournal, journalDirFor, startedJournal, writeRunJournal } from './journal.ts';
import { acquireRefreshLock } from './lock.ts';
import { startPoisonGuard, type PoisonGuard } from './poison.ts';
import { archiveRounds } from './rebuild.ts';
import { StageClock } from './stages.ts';
import {
  ABANDONED_MESSAGE,
  maskIdLike,
  newRunId,
  type FileReport,
  type PausePoint,
  type ProgressEvent,
  type RefreshResult,
  type RunTrigger,
} from './vocabulary.ts';

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

export async function runRefresh(options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const trigger: RunTrigger = options.rebuild ? 'rebuild' : (options.trigger ?? 'cli');
  // Before anything is recorded: a run that finds another one going leaves no trace.
  const lock = options.lockHeld ? undefined : await acquireRefreshLock(options.config.warehouseFile, { trigger, runId });
  try {
    return await runLocked(newRun(options, { runId, trigger, startedAt, now }));
  } finally {
    await lock?.release();
  }
}

/** Thrown inside the run when it must not publish; its message is the run's message. */
class RunFailure extends Error {}

/** The run was stopped by a signal before it published. */
class RunAbandoned extends RunFailure {}

/** One run under the lock: what every stage reads, and the result they fill in. */
interface Run {
  readonly options: RefreshOptions;
  readonly config: Config;
  readonly runId: string;
  readonly trigger: RunTrigger;
  readonly startedAt: Date;
  readonly now: () => Date;
  readonly rebuild: boolean;
  readonly warehouseFile: string;
  /** W.build-<run_id>: the warehouse this run builds and, at the end, publishes. */
  readonly buildFile: string;
  /** Beside the build file, so that the next run removes it with the build if this one is killed. */
  readonly tmpDir: string;
  readonly journalDir: string;
  readonly emit: (event: ProgressEvent) => void;
  readonly stages: StageClock;
  readonly result: RefreshResult;
  /** The build warehouse while it is open (prepare opens it, publish closes it). */
  db: Database | undefined;
}

/** What the prepare stage made ready: the SQL project, and what the build warehouse had loaded. */
interface Prepared {
  project: Project;
  /** The run W was published by (kept under that name in the history when replaced). */
  previousRunId: string | undefined;
  /** File id → the run that loaded it: such files are skipped, and archived under that run. */
  loadedBy: Map<string, string>;
  lastLoadSeq: number;
}

/** A file the run moves out of the inbox once it has published. */
interface ToArchive {
  report: FileReport;
  path: string;
}

/** What the read and validate stages leave for the stages after them. */
interface Loaded {
  tests: DataTestResult[];
  models: ModelRunResult[];
  toArchive: ToArchive[];
}

function newRun(options: RefreshOptions, identity: { runId: string; trigger: RunTrigger; startedAt: Date; now: () => Date }): Run {
  const { config } = options;
  const { runId, trigger, startedAt } = identity;
  const emit = options.onProgress ?? (() => {});
  const stages = new StageClock(emit);
  const buildFile = `${config.warehouseFile}.build-${runId}`;
  return {
    ...identity,
    options,
    config,
    rebuild: options.rebuild === true,
    warehouseFile: config.warehouseFile,
    buildFile,
    tmpDir: `${buildFile}.read`,
    journalDir: journalDirFor(config.dataDir),
    emit,
    stages,
    result: {
      runId,
      trigger,
      status: 'failed',
      published: false,
      warehouseFile: config.warehouseFile,
      startedAt,
      finishedAt: startedAt,
      stages: stages.toJSON(),
      files: [],
      pulls: [],
      tests: [],
      models: [],
      builds: [],
      rowsLoaded: 0,
      rowsRejected: 0,
      rejectedByReason: {},
      archiveProblems: [],
    },
    db: undefined,
  };
}

async function runLocked(run: Run): Promise<RefreshResult> {
  const { result } = run;
  const signal = run.options.signal;
  // The run journal (journal.ts): the only record of a run that is never published.
  await writeRunJournal(run.journalDir, startedJournal(run));
  // A stop asked for before the rename abandons the run; the query running is interrupted.
  const onAbort = () => {
    if (!result.published) run.db?.connection.interrupt();
  };
  signal?.addEventListener('abort', onAbort);
  let poison: PoisonGuard | undefined;
  try {
    await pause(run, 'locked');
    stopIfAsked(run);
    // Poison files (poison.ts): what dead runs left is settled first; files that killed a run are set aside.
    poison = await startPoisonGuard(run.config.dataDir, run.runId);
    const prepared = await prepare(run);
    const listed = poison.setAside(await listSources(run));
    for (const report of listed.reports) {
      result.files.push(report);
      run.emit({ type: 'file-end', report });
    }
    const loaded = await readAndValidate(run, listed.rounds, prepared, poison);
    await build(run, prepared, loaded);
    await test(run, prepared, loaded);
    settleReports(run, loaded, prepared);
    await publish(run, prepared);
    await archive(run, loaded);
    // Monthly editions: record what this publish revised (pipelines/editions/after-publish.ts).
    await reviseEditionsAfterPublish(run.config, run.runId, run.now());
  } catch (error) {
    result.status = 'failed';
    if (error instanceof RunAbandoned || (signal?.aborted && !result.published)) {
      result.abandoned = true;
      result.message = ABANDONED_MESSAGE;
    } else {
      result.message = maskIdLike(error instanceof Error ? error.message : String(error));
    }
  } finally {
    poison?.clear();
    signal?.removeEventListener('abort', onAbort);
    await cleanUp(run);
  }
  result.finishedAt = run.now();
  result.stages = run.stages.toJSON();
  await writeRunJournal(run.journalDir, finishedJournal(result));
  return result;
}

async function pause(run: Run, point: PausePoint): Promise<void> {
  await run.options.pauseAt?.(point);
}

function stopIfAsked(run: Run): void {
  if (run.options.signal?.aborted) throw new RunAbandoned(ABANDONED_MESSAGE);
}

/** prepare: the build warehouse open and ready, and what it has loaded before. */
async function prepare(run: Run): Promise<Prepared> {
  const project = run.options.project ?? loadProject();
  const db = await run.stages.time('prepare', async () => {
    // We hold the lock: whatever a killed run left beside W is nobody's now.
    await removeLeftovers(run.warehouseFile, run.runId);
    return openBuild({ config: run.config, project, buildFile: run.buildFile, runId: run.runId, secret: run.options.secret, fresh: run.rebuild });
  });
  run.db = db;
  const previousRunId = run.rebuild ? await readPublishedRunId(run.warehouseFile) : await publishedRunIdOf(db.connection);
  stopIfAsked(run);
  return {
    project,
    previousRunId,
    loadedBy: run.rebuild ? new Map() : await loadedFiles(db.connection),
    lastLoadSeq: await maxLoadSeq(db.connection),
  };
}

/** sources: the files to read, in rounds (one for the inbox; one per archived run for a rebuild). */
async function listSources(run: Run): Promise<SourceFile[][]> {
  const { config, result } = run;
  return run.stages.time('sources', async () => {
    if (run.rebuild) return (await archiveRounds(config.archiveDir)).map((round) => round.files);
    result.pulls = await pullUrls(config.sourceUrls, {
      inboxDir: config.inboxDir,
      timeoutMs: config.sourceTimeoutMs,
      retries: config.sourceRetries,
      ...(run.options.fetch ? { fetch: run.options.fetch } : {}),
    });
    for (const pull of result.pulls) run.emit({ type: 'pull', result: pull });
    const pulledFrom = new Map(result.pulls.filter((p) => p.fileName).map((p) => [p.fileName!, p.url]));
    const files: SourceFile[] = [];
    for (const file of await listInbox(config.inboxDir)) {
      files.push({ ...file, fileId: await sha256File(file.path), source: pulledFrom.get(file.name) ?? 'inbox' });
    }
    return [files];
  });
}

/** read + validate: every batch of every round into the build warehouse, a report per file. */
async function readAndValidate(run: Run, rounds: SourceFile[][], prepared: Prepared, poison: PoisonGuard): Promise<Loaded> {
  const { result, stages, emit } = run;
  const connection = run.db!.connection;
  const { loadedBy } = prepared;
  const loaded: Loaded = { tests: [], models: [], toArchive: [] };
  // In a rebuild a report names the archived file it read; nothing is moved.
  const note = (report: FileReport, file: string, archive: boolean) => {
    if (run.rebuild) report.archivedAs = path.relative(run.config.archiveDir, file).split(path.sep).join('/');
    else if (archive) loaded.toArchive.push({ report, path: file });
    result.files.push(report);
    emit({ type: 'file-end', report });
  };
  let loadSeq = prepared.lastLoadSeq;
  const total = rounds.reduce((n, files) => n + planBatches(files, new Set(loadedBy.keys())).batches.reduce((m, b) => m + b.files.length, 0), 0);
  let index = 0;
  let pausedInLoad = false;
  for (const files of rounds) {
    const plan = planBatches(files, new Set(loadedBy.keys()));
    for (const aside of plan.setAside) note(setAsideReport(aside), aside.file.path, !aside.keepInInbox);
    for (const group of groupBatches(plan.batches)) {
      stopIfAsked(run);
      for (const file of group.flatMap((b) => b.files)) emit({ type: 'file-start', file: file.name, index: ++index, total });
      const batch = await loadBatches(connection, group, {
        project: prepared.project,
        instance: run.db!.instance,
        tmpDir: run.tmpDir,
        nextLoadSeq: () => ++loadSeq,
        onFileProgress: (file, progress) => emit({ type: 'file-progress', file: file.name, ...progress }),
        onFileRead: poison.onFileRead,
        workbookLimits: run.config.workbookLimits,
      });
      stages.add('read', batch.readSeconds);
      stages.add('validate', batch.validateSeconds);
      loaded.tests.push(...batch.tests);
      loaded.models.push(...batch.models);
      for (const fileResult of batch.files) {
        if (fileResult.status === 'loaded') loadedBy.set(fileResult.file.fileId, run.runId);
        // A file rejected for its partner's sake waits in the inbox for the partner's fix.
        note(loadedReport(fileResult, batch.validateSeconds / batch.files.length), fileResult.file.path, fileResult.reasonCode !== 'snapshot_rejected');
      }
      if (!pausedInLoad) {
        pausedInLoad = true;
        await pause(run, 'read');
      }
    }
  }
  stopIfAsked(run);
  return loaded;
}

/**
 * build: the build-phase models (latest versions, indicators, marts) — each whole, or only
 * what the run's new data touched (build-plan.ts); the plan is kept in audit.model_builds.
 */
async function build(run: Run, prepared: Prepared, loaded: Loaded): Promise<void> {
  const connection = run.db!.connection;
  const models = await run.stages.time('build', async () => {
    // The load relations this run's batches changed (a night of case files leaves the office tables as they were).
    const changedLoads = new Set(loaded.models.filter((m) => m.changed).map((m) => m.relation));
    // Of those, the ones the batches only appended to (no earlier run's rows replaced).
    const replacing = new Set(loaded.models.filter((m) => m.replaced > 0).map((m) => m.relation));
    const appendedLoads = new Set([...changedLoads].filter((r) => !replacing.has(r)));
    const plan = await planBuild(connection, prepared.project, { rebuild: run.rebuild, changedLoads, appendedLoads });
    run.result.builds = plan;
    const built = await runModels(connection, prepared.project, { phase: 'build', plan });
    await recordBuild(connection, prepared.project, run.runId, plan);
    return built;
  });
  loaded.models.push(...models);
  run.result.models = modelTimings(loaded.models);
  await pause(run, 'build');
  stopIfAsked(run);
}

/**
 * tests: the build's data tests; a failing `error` test ends the run unpublished. When a test
 * with `@on_fail rebuild` fails after a nightly build, every model is first rebuilt whole (the
 * plan's reason `test_asked`) and every test run again: a drift between the partitions and
 * their sources heals instead of stopping the nightly run.
 */
async function test(run: Run, prepared: Prepared, loaded: Loaded): Promise<void> {
  const connection = run.db!.connection;
  const { project } = prepared;
  // The load relations no batch of this run changed (a night of case files leaves the office tables).
  const loadRuns = loaded.models.filter((m) => m.phase === 'load');
  const changedLoads = new Set(loadRuns.filter((m) => m.changed).map((m) => m.relation));
  const unchangedLoads = new Set(loadRuns.map((m) => m.relation).filter((r) => !changedLoads.has(r)));
  let buildTests = await run.stages.time('tests', () => runDataTests(connection, project, { phase: 'build', plan: run.result.builds, unchangedLoads }));
  const asked = buildTests.filter((t) => t.rebuildOnFail && t.status !== 'pass');
  if (asked.length > 0 && run.result.builds.some((b) => b.mode !== 'full')) {
    const models = await run.stages.time('build', async () => {
      const plan = wholePlan(project, 'test_asked');
      run.result.builds = plan;
      const built = await runModels(connection, project, { phase: 'build', plan });
      await recordBuild(connection, project, run.runId, plan);
      return built;
    });
    loaded.models.push(...models);
    run.result.models = modelTimings(loaded.models);
    buildTests = await run.stages.time('tests', () => runDataTests(connection, project, { phase: 'build' }));
  }
  run.result.tests = [...loaded.tests, ...buildTests];
  const blocking = blockingFailures(run.result.tests);
  if (blocking.length > 0) {
    throw new RunFailure(`数据测试未通过：${blocking.map((t) => `${t.name}（${t.status === 'error' ? t.message : `${t.failures} 行`}）`).join('；')}`);
  }
  stopIfAsked(run);
}

/** Before publishing: each file's archive name, and the run's totals, status and message. */
function settleReports(run: Run, loaded: Loaded, prepared: Prepared): void {
  const { result } = run;
  for (const item of loaded.toArchive) {
    // A file skipped as already loaded is archived under the run that loaded it.
    const loader = item.report.status === 'skipped' ? (prepared.loadedBy.get(item.report.fileId) ?? run.runId) : run.runId;
    item.report.archivedAs = archiveName(item.report.name, item.report.fileId, run.startedAt, loader);
  }
  Object.assign(result, totals(result.files));
  result.status = runStatus(result);
  result.message = attentionMessage(result);
}

/** publish: analyst copy and audit rows into the build, then the build renamed over W. */
async function publish(run: Run, prepared: Prepared): Promise<void> {
  const { result, warehouseFile } = run;
  await run.stages.time('publish', async () => {
    const publishStarted = performance.now();
    const connection = run.db!.connection;
    // The analyst copy (marts only) for the SQL console; audit.publication in W names it. A
    // nightly run copies the published one and writes again only the marts it changed.
    const previous = run.rebuild ? null : await analystFileNamedIn(connection, warehouseFile);
    const unchanged = new Set(result.builds.filter((b) => b.mode === 'skip').map((b) => b.relation));
    const byDelta = new Set(result.builds.filter((b) => b.mode === 'delta').map((b) => b.relation));
    const byPartitions = new Map(result.builds.filter((b) => b.mode === 'partitions').map((b) => [b.relation, b]));
    await writeAnalystDatabase(connection, analystFileFor(warehouseFile, run.runId), {
      project: prepared.project,
      ...(previous ? { reuse: { file: previous, unchanged, byDelta, byPartitions } } : {}),
    });
    // audit.runs is written inside the file it describes, before the file is published: it
    // records `publish` up to here (analyst copy and audit rows; the CHECKPOINT and rename that
    // follow are not in it) and no `archive` (null). The full timings are in the run's
    // result, its summary and its journal.
    result.finishedAt = run.now();
    const auditStages: Record<string, number | null> = { ...run.stages.toJSON(), publish: round3((performance.now() - publishStarted) / 1000), archive: null };
    await writeAuditRows(connection, result, auditStages);
    await connection.run('CHECKPOINT');
    run.db!.close();
    run.db = undefined;
    await pause(run, 'publish');
    stopIfAsked(run);
    await mkdir(path.dirname(warehouseFile), { recursive: true });
    // Blue/green: the outgoing warehouse stays in the history (a hard link: instant).
    if (existsSync(warehouseFile)) await keepInHistory(warehouseFile, prepared.previousRunId ?? `${run.runId.slice(0, 16)}-000000`);
    await rename(run.buildFile, warehouseFile);
    result.published = true;
    await pruneHistory(warehouseFile, { keep: run.config.keepWarehouses, currentRunId: run.runId }).catch(() => undefined);
  });
}

/** archive: the files read moved out of the inbox. Past the rename a stop no longer abandons. */
async function archive(run: Run, loaded: Loaded): Promise<void> {
  await pause(run, 'archive');
  await run.stages.time('archive', async () => {
    for (const item of loaded.toArchive) {
      try {
        item.report.archivedAs = await archiveFile(item.path, run.config.archiveDir, item.report.archivedAs!, item.report.fileId);
      } catch (error) {
        run.result.archiveProblems.push(`${item.report.name}: ${(error as Error).message}`);
      }
    }
  });
}

/** Whatever the outcome: the build closed, and removed with its analyst copy when unpublished. */
async function cleanUp(run: Run): Promise<void> {
  run.db?.close();
  run.db = undefined;
  if (!run.result.published) {
    await rm(run.buildFile, { force: true });
    await rm(`${run.buildFile}.wal`, { force: true });
    await rm(`${run.buildFile}.tmp`, { recursive: true, force: true });
    await rm(analystFileFor(run.warehouseFile, run.runId), { force: true });
  }
  await rm(run.tmpDir, { recursive: true, force: true });
}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
