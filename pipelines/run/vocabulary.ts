// The words of a refresh run, shared by the refresh itself (refresh.ts), its records (journal.ts,
// audit.ts, lock.ts, summary.ts), the server that starts runs (server/refresh/) and the pages
// that show them: what starts a run, how it and each of its files end, what it reports, and
// its id. Only types and small pure functions: importing this loads nothing else (no DuckDB, no
// loader), so the server can name a run and a browser bundle can label one.
import type { ModelBuild } from '../models/build-plan.ts';
import type { DataTestResult, ModelTiming } from '../models/runner.ts';
import type { ClassifiedName } from '../contract/exports.ts';
import type { PullResult } from '../sources/http.ts';
import type { StageEvent, StageName } from './stages.ts';
import { maskIdNumbers } from '../pii/id-mask.ts';

/** What started a run: `npm run refresh`, the server's schedule, POST /api/refresh, `--rebuild`. */
export const RUN_TRIGGERS = ['cli', 'schedule', 'api', 'rebuild'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** The triggers of runs the server starts (as children of its own process). */
export type ServerTrigger = Extract<RunTrigger, 'schedule' | 'api'>;

/** How each trigger is named to people: pages, the lock's busy message, alerts. */
export const TRIGGER_LABELS: Readonly<Record<RunTrigger, string>> = {
  cli: '命令行',
  schedule: '定时任务',
  api: '网页/接口',
  rebuild: '重建',
};

/** A trigger's name for people; an unknown one (an older record) as it was written. */
export function triggerLabel(trigger: string): string {
  return (TRIGGER_LABELS as Record<string, string>)[trigger] ?? trigger;
}

/** How a run ended: published whole, published with rejects, or not published. */
export type RunStatus = 'success' | 'partial' | 'failed';

/** How a run ended, as the history shows it; `skipped` is a scheduled tick that found a run going. */
export type RunOutcome = RunStatus | 'running' | 'killed' | 'skipped';

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

/** What a run did, as its summary, journal, audit rows and alerts report it. */
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
  /** How the build phase built each model (whole, by keys, by periods) and why; [] before it ran. */
  builds: ModelBuild[];
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

/** What a run tells its caller while it goes (the CLI's progress lines). */
export type ProgressEvent =
  | StageEvent
  | { type: 'file-start'; file: string; index: number; total: number }
  | { type: 'file-progress'; file: string; bytesDone?: number; bytesTotal?: number; rows?: number }
  | { type: 'file-end'; report: FileReport }
  | { type: 'pull'; result: PullResult };

/** Where a run may be held by the test hook `pauseAt` (see RefreshOptions). */
export type PausePoint = 'locked' | 'read' | 'build' | 'publish' | 'archive';

/** The message of a run stopped by a signal before it published. */
export const ABANDONED_MESSAGE = '刷新已按停止信号中止，未发布；仓库保持原样，收件箱中的文件留待下次运行。';

/** The form of a run id (newRunId): it names files, so nothing else is taken. */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/**
 * `YYYYMMDDTHHMMSSZ-mmmrrr`: sortable by time (mmm: the millisecond, 3 hex digits, so that two
 * runs of one second still sort in order — the history and a rollback go by this order), unique
 * (rrr: random).
 */
export function newRunId(at: Date): string {
  const millisecond = at.getUTCMilliseconds().toString(16).padStart(3, '0');
  const random = Array.from(crypto.getRandomValues(new Uint8Array(2)), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 3);
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${millisecond}${random}`;
}

/**
 * An error from SQL may quote a value it could not convert; anything shaped like an ID number
 * (pii/id-mask.ts: several in a text, letters around, spaces or dashes) is masked before the
 * message is shown or kept.
 */
export function maskIdLike(text: string): string {
  return maskIdNumbers(text); // pii/id-mask.ts: the one definition, shared with the SQL macro
}
