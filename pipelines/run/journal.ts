// The run journal: DATA_DIR/runs/<run_id>.json, one small JSON file per refresh, written when the
// run starts (status `running`, with the process that runs it) and rewritten when it ends (the
// RefreshResult's facts: trigger, outcome, stages, per-file counts and rejects by reason, data
// tests, message). Failed runs are never published, so for them the journal is the only record;
// GET /api/runs and the 数据质量 page merge it with audit.runs of the published warehouse.
//
// Nothing personal goes in: file names, counts, reason codes and the run's Chinese messages
// (ID-like digits masked again with maskIdLike, as the run's own message is). Not the pulled URLs (they may carry
// credentials), not rejected rows. Of the data tests only the counts and the tests that did not
// pass are kept (a run has ~300; all of them are in audit.data_test_results once published).
//
// A journal left `running` by a process that is gone reads as `killed` (中断). Writes are atomic
// (temp file + rename), and never throw: a journal that cannot be written must not fail a run.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataTestResult } from '../models/runner.ts';
import { maskIdLike, newRunId, type FileReport, type RefreshResult, type RunOutcome, type RunTrigger } from './vocabulary.ts';

export interface JournalFile {
  file_name: string;
  kind: string | null;
  export_date: string | null;
  status: FileReport['status'];
  reason_code: string | null;
  message: string | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rejected_by_reason: Record<string, number>;
}

export interface JournalTest {
  name: string;
  subject: string;
  severity: DataTestResult['severity'];
  status: DataTestResult['status'];
  failures: number;
  message: string | null;
}

export interface TestSummary {
  total: number;
  passed: number;
  /** Tests of severity `error` that failed or could not run: they stop a publish. */
  failed_error: number;
  /** Tests of severity `warn` that failed or could not run: recorded and shown only. */
  failed_warn: number;
  not_passed: JournalTest[];
}

/** The process that runs (or ran) a refresh: how a reader tells a live run from a killed one. */
export interface RunProcess {
  pid: number;
  hostname: string;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat), against pid reuse. */
  start_ticks: number | null;
}

export interface SkippedTicks {
  /** Ticks skipped while the same holder held the lock (one note per holder, not per tick). */
  ticks: number;
  last_at: string;
  holder: { pid: number; hostname: string; run_id: string | null; trigger: string; since: string };
}

export interface RunJournal {
  run_id: string;
  trigger: RunTrigger;
  /** As written; a reader turns `running` of a dead process into `killed` (readRunJournals). */
  outcome: RunOutcome;
  published: boolean;
  started_at: string;
  finished_at: string | null;
  process: RunProcess | null;
  stages: Record<string, number> | null;
  files: JournalFile[];
  files_loaded: number;
  rows_loaded: number;
  rows_rejected: number;
  rejected_by_reason: Record<string, number>;
  tests: TestSummary;
  message: string | null;
  skipped?: SkippedTicks;
}

export function journalDirFor(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

const RUN_FILE = /^[0-9A-Za-z_.:-]{1,100}\.json$/;

const emptyTests = (): TestSummary => ({ total: 0, passed: 0, failed_error: 0, failed_warn: 0, not_passed: [] });

/** A journal with nothing done yet: the fields every kind of entry starts from. */
function emptyJournal(runId: string, trigger: RunTrigger, startedAt: Date): RunJournal {
  return {
    run_id: runId,
    trigger,
    outcome: 'running',
    published: false,
    started_at: startedAt.toISOString(),
    finished_at: null,
    process: null,
    stages: null,
    files: [],
    files_loaded: 0,
    rows_loaded: 0,
    rows_rejected: 0,
    rejected_by_reason: {},
    tests: emptyTests(),
    message: null,
  };
}

/** The journal of a run that has just started in this process. */
export function startedJournal(run: { runId: string; trigger: RunTrigger; startedAt: Date }): RunJournal {
  return { ...emptyJournal(run.runId, run.trigger, run.startedAt), process: currentProcess() };
}

/** The journal of a finished run: the result's facts, nothing personal. */
export function finishedJournal(result: RefreshResult): RunJournal {
  return {
    ...emptyJournal(result.runId, result.trigger, result.startedAt),
    outcome: result.status,
    published: result.published,
    finished_at: result.finishedAt.toISOString(),
    process: currentProcess(),
    stages: { ...result.stages },
    files: result.files.map(journalFile),
    files_loaded: result.files.filter((f) => f.status === 'loaded').length,
    rows_loaded: result.rowsLoaded,
    rows_rejected: result.rowsRejected,
    rejected_by_reason: { ...result.rejectedByReason },
    tests: summarizeTests(result.tests),
    message: result.message === undefined ? null : maskIdLike(result.message),
  };
}

/** A scheduled tick that found the lock held: a note in the history, not a run. */
export function skippedJournal(tick: { at: Date; holder: SkippedTicks['holder']; ticks: number; firstAt: Date; runId?: string }): RunJournal {
  return {
    ...emptyJournal(tick.runId ?? newRunId(tick.firstAt), 'schedule', tick.firstAt),
    outcome: 'skipped',
    finished_at: tick.at.toISOString(),
    skipped: { ticks: tick.ticks, last_at: tick.at.toISOString(), holder: tick.holder },
  };
}

function journalFile(f: FileReport): JournalFile {
  return {
    file_name: f.name,
    kind: f.kind ?? null,
    export_date: f.exportDate ?? null,
    status: f.status,
    reason_code: f.reasonCode ?? null,
    message: f.message === undefined ? null : maskIdLike(f.message),
    rows_read: f.rowsRead,
    rows_loaded: f.rowsLoaded,
    rows_rejected: f.rowsRejected,
    rejected_by_reason: { ...f.rejectedByReason },
  };
}

export function summarizeTests(tests: readonly DataTestResult[]): TestSummary {
  const notPassed = tests.filter((t) => t.status !== 'pass');
  return {
    total: tests.length,
    passed: tests.length - notPassed.length,
    failed_error: notPassed.filter((t) => t.severity === 'error').length,
    failed_warn: notPassed.filter((t) => t.severity === 'warn').length,
    not_passed: notPassed.map((t) => ({
      name: t.name,
      subject: t.subject,
      severity: t.severity,
      status: t.status,
      failures: t.failures,
      message: t.message === null ? null : maskIdLike(t.message),
    })),
  };
}

/** Writes (or rewrites) a run's journal atomically. Resolves false, never throws, on failure. */
export async function writeRunJournal(dir: string, journal: RunJournal, onError: (error: Error) => void = warnOnStderr): Promise<boolean> {
  const file = path.join(dir, `${journal.run_id}.json`);
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Owner-only (fs/private-files.ts): journals name files and counts, nothing personal, but
    // DATA_DIR is the owner's alone.
    await writeFile(temp, `${JSON.stringify(journal, null, 1)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file);
    return true;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    onError(error as Error);
    return false;
  }
}

function warnOnStderr(error: Error): void {
  process.stderr.write(`运行记录写入失败：${error.message}\n`);
}

export interface ReadJournalsOptions {
  /** The newest this many journals (by run id, which sorts by start time). */
  limit?: number;
  /** Whether a process is still the one that wrote a `running` journal (tests may stub it). */
  isAlive?: (process: RunProcess) => boolean;
}

/** The journals of a folder, newest first; `running` ones whose process is gone read as `killed`. */
export async function readRunJournals(dir: string, options: ReadJournalsOptions = {}): Promise<RunJournal[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => RUN_FILE.test(n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  names.sort().reverse();
  if (options.limit !== undefined) names = names.slice(0, options.limit);
  const isAlive = options.isAlive ?? processIsAlive;
  const journals: RunJournal[] = [];
  for (const name of names) {
    let journal: RunJournal;
    try {
      journal = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as RunJournal;
    } catch {
      continue; // removed or unreadable meanwhile: not a run we can show
    }
    if (typeof journal.run_id !== 'string' || typeof journal.started_at !== 'string') continue;
    if (journal.outcome === 'running' && (!journal.process || !isAlive(journal.process))) journal.outcome = 'killed';
    journals.push(journal);
  }
  return journals;
}

/**
 * A fingerprint of the folder's newest journals (names and sizes), so a cached page that shows
 * them can tell when one was written; running journals also change when their process dies.
 */
export async function journalStamp(dir: string, limit: number): Promise<string> {
  const journals = await readRunJournals(dir, { limit });
  return journals.map((j) => `${j.run_id}:${j.outcome}:${j.finished_at ?? ''}:${j.skipped?.ticks ?? ''}`).join('|');
}

// ---- processes -------------------------------------------------------------------------

/** State and start time (clock ticks since boot) of a process, from /proc/<pid>/stat. */
function procStat(pid: number | 'self'): { state: string; startTicks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]); // field 22 of the whole line
    return Number.isFinite(startTicks) ? { state: fields[0] ?? '', startTicks } : null;
  } catch {
    return null;
  }
}

export function currentProcess(): RunProcess {
  return { pid: process.pid, hostname: os.hostname(), start_ticks: procStat('self')?.startTicks ?? null };
}

/**
 * Whether the process that wrote a journal still runs. On another host we cannot tell and say
 * yes (the run shows as running rather than wrongly as killed).
 */
export function processIsAlive(p: RunProcess): boolean {
  if (p.hostname !== os.hostname()) return true;
  try {
    process.kill(p.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(p.pid);
  if (stat === null) return p.start_ticks === null; // no /proc: trust kill(0)
  // a zombie has exited; a different start time means the pid was reused
  return stat.state !== 'Z' && (p.start_ticks === null || stat.startTicks === p.start_ticks);
}
