// The run history: published runs from audit.* of the served warehouse, merged with the run
// journals of DATA_DIR/runs (pipelines/run/journal.ts), which also hold the runs that failed,
// were killed, are running, and the scheduled ticks skipped because a run was going. One shape
// for GET /api/runs and the 数据质量 page. SQL in ./sql/run_history*.sql.
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { journalStamp, readRunJournals, type JournalFile, type JournalTest, type RunJournal, type SkippedTicks, type TestSummary } from '../../pipelines/run/journal.ts';
import type { RunOutcome, RunStatus } from '../../pipelines/run/vocabulary.ts';
import { queryJson } from '../../pipelines/warehouse/duckdb.ts';

const SQL_NAMES = ['run_history', 'run_history_files', 'run_history_tests', 'run_history_builds'] as const;
const SQL = Object.fromEntries(SQL_NAMES.map((name) => [name, readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8')])) as Record<
  (typeof SQL_NAMES)[number],
  string
>;

export interface RunHistoryEntry {
  run_id: string;
  trigger: string;
  outcome: RunOutcome;
  published: boolean;
  /** Where the run was found: the served warehouse's audit.runs, the journal, or both. */
  recorded_in: ('warehouse' | 'journal')[];
  started_at: string;
  finished_at: string | null;
  seconds: number | null;
  /** Seconds per stage, in run order. */
  stages: Record<string, number> | null;
  files_loaded: number;
  rows_loaded: number;
  rows_rejected: number;
  rejected_by_reason: Record<string, number>;
  message: string | null;
  files: JournalFile[];
  tests: TestSummary;
  /**
   * How the run built each build-phase model: whole, by keys or by the periods its data touched,
   * and why (audit.model_builds; absent for journal-only runs and warehouses older than it).
   */
  builds?: RunModelBuild[];
  skipped?: SkippedTicks;
}

export interface RunModelBuild {
  relation: string;
  mode: 'full' | 'keys' | 'partitions' | 'delta' | 'skip';
  periods: string[] | null;
  reason: string;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const parse = <T>(text: unknown, fallback: T): T => {
  if (typeof text !== 'string') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

function secondsBetween(start: string, end: string | null): number | null {
  if (end === null) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.round(ms) / 1000 : null;
}

export function sumByReason(items: readonly { rejected_by_reason: Record<string, number> }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) for (const [reason, n] of Object.entries(item.rejected_by_reason)) out[reason] = (out[reason] ?? 0) + n;
  return out;
}

/** A published run as audit.runs holds it (run_history.sql), without its files and tests. */
export interface PublishedRunRow {
  run_id: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  seconds: number | null;
  status: RunStatus;
  /** Seconds per stage, in run order. */
  stages: Record<string, number> | null;
  files_loaded: number;
  rows_loaded: number;
  rows_rejected: number;
  message: string | null;
}

/** The newest `limit` runs of audit.runs, newest first: the one reader of that table. */
export async function publishedRunRows(connection: DuckDBConnection, limit: number): Promise<PublishedRunRow[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SQL.run_history, { limit });
  return rows.map((r) => {
    const startedAt = String(r.started_at);
    const finishedAt = (r.finished_at as string | null) ?? null;
    return {
      run_id: String(r.run_id),
      trigger: String(r.trigger),
      started_at: startedAt,
      finished_at: finishedAt,
      seconds: secondsBetween(startedAt, finishedAt),
      status: String(r.status) as RunStatus,
      stages: parse<Record<string, number> | null>(r.stages, null),
      files_loaded: num(r.files_loaded),
      rows_loaded: num(r.rows_loaded),
      rows_rejected: num(r.rows_rejected),
      message: (r.message as string | null) ?? null,
    };
  });
}

/** The newest `limit` runs published into the served warehouse, with their files and tests. */
export async function publishedRuns(connection: DuckDBConnection, limit: number): Promise<RunHistoryEntry[]> {
  const runs = await publishedRunRows(connection, limit);
  const files = await queryJson<Record<string, unknown>>(connection, SQL.run_history_files, { limit });
  const tests = await queryJson<Record<string, unknown>>(connection, SQL.run_history_tests, { limit });
  // Warehouses published before build plans were recorded have no audit.model_builds.
  const hasBuilds = (
    await queryJson<{ n: number }>(
      connection,
      "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'audit' AND table_name = 'model_builds'",
    )
  )[0]!.n > 0;
  const builds = hasBuilds ? await queryJson<Record<string, unknown>>(connection, SQL.run_history_builds, { limit }) : [];
  const buildsByRun = new Map(builds.map((b) => [String(b.run_id), parse<RunModelBuild[]>(b.builds, [])]));
  const filesByRun = new Map<string, JournalFile[]>();
  for (const f of files) {
    const list = filesByRun.get(String(f.run_id)) ?? [];
    list.push({
      file_name: String(f.file_name),
      kind: (f.kind as string | null) ?? null,
      export_date: (f.export_date as string | null) ?? null,
      status: String(f.status) as JournalFile['status'],
      reason_code: (f.reason_code as string | null) ?? null,
      message: (f.message as string | null) ?? null,
      rows_read: num(f.rows_read),
      rows_loaded: num(f.rows_loaded),
      rows_rejected: num(f.rows_rejected),
      rejected_by_reason: parse<Record<string, number>>(f.rejected_by_reason, {}),
    });
    filesByRun.set(String(f.run_id), list);
  }
  const testsByRun = new Map<string, TestSummary>(
    tests.map((t) => [
      String(t.run_id),
      {
        total: num(t.total),
        passed: num(t.passed),
        failed_error: num(t.failed_error),
        failed_warn: num(t.failed_warn),
        not_passed: parse<JournalTest[]>(t.not_passed, []).map((x) => ({ ...x, failures: num(x.failures) })),
      },
    ]),
  );
  return runs.map(({ status, ...r }) => {
    const runFiles = filesByRun.get(r.run_id) ?? [];
    return {
      ...r,
      outcome: status,
      published: true,
      recorded_in: ['warehouse'],
      rejected_by_reason: sumByReason(runFiles),
      files: runFiles,
      tests: testsByRun.get(r.run_id) ?? { total: 0, passed: 0, failed_error: 0, failed_warn: 0, not_passed: [] },
      ...(buildsByRun.has(r.run_id) ? { builds: buildsByRun.get(r.run_id)! } : {}),
    };
  });
}

export function fromJournal(j: RunJournal): RunHistoryEntry {
  return {
    run_id: j.run_id,
    trigger: j.trigger,
    outcome: j.outcome,
    published: j.published,
    recorded_in: ['journal'],
    started_at: j.started_at,
    finished_at: j.finished_at,
    seconds: secondsBetween(j.started_at, j.finished_at),
    stages: j.stages,
    files_loaded: j.files_loaded,
    rows_loaded: j.rows_loaded,
    rows_rejected: j.rows_rejected,
    rejected_by_reason: j.rejected_by_reason,
    message: j.message,
    files: j.files,
    tests: j.tests,
    ...(j.skipped ? { skipped: j.skipped } : {}),
  };
}

/**
 * Published runs and journals as one history, newest first, at most `limit` entries. A run in
 * both keeps the warehouse's facts (what was published) but the journal's timings: audit.runs
 * is written inside the file before it is published, so it cannot hold the time of the rename
 * and of archiving, which the journal, written at the very end, does.
 */
export function mergeRunHistory(published: readonly RunHistoryEntry[], journals: readonly RunJournal[], limit: number): RunHistoryEntry[] {
  const byId = new Map<string, RunHistoryEntry>();
  for (const j of journals) byId.set(j.run_id, fromJournal(j));
  for (const run of published) {
    const journal = byId.get(run.run_id);
    byId.set(
      run.run_id,
      journal && journal.finished_at !== null
        ? { ...run, recorded_in: ['warehouse', 'journal'], stages: journal.stages ?? run.stages, finished_at: journal.finished_at, seconds: journal.seconds }
        : run,
    );
  }
  return [...byId.values()]
    .sort((a, b) => (a.started_at === b.started_at ? (a.run_id < b.run_id ? 1 : -1) : Date.parse(b.started_at) - Date.parse(a.started_at)))
    .slice(0, limit);
}

export interface RunHistorySource {
  /** The served warehouse's connection; null when none is open (the journals still answer). */
  connection: DuckDBConnection | null;
  /** DATA_DIR/runs; null when the app has no journals (tests of the pages alone). */
  journalDir: string | null;
}

export async function runHistory(source: RunHistorySource, limit: number): Promise<RunHistoryEntry[]> {
  const [published, journals] = await Promise.all([
    source.connection ? publishedRuns(source.connection, limit) : Promise.resolve([]),
    source.journalDir ? readRunJournals(source.journalDir, { limit }) : Promise.resolve([]),
  ]);
  return mergeRunHistory(published, journals, limit);
}

/** Changes whenever the journals the history shows change (for caching the page that shows it). */
export async function runHistoryStamp(journalDir: string | null, limit: number): Promise<string> {
  return journalDir ? journalStamp(journalDir, limit) : '';
}
