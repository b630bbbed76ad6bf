// `npm run refresh -- --inbox DIR --db FILE`: one refresh, then exit (interfaces.md).
// `npm run refresh -- --rebuild`: a new warehouse from the archive alone (run/rebuild.ts).
// Exit codes: 0 published (success or partial); 1 nothing published; 2 usage error; 3 another
// refresh holds the lock; 130 / 143 stopped by SIGINT / SIGTERM before publishing.
// Internal: `--trigger schedule|api` and env REFRESH_LOCK_HELD=1 are for the server, which
// spawns this command holding the lock on the child's behalf.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { raiseRunAlerts, stderrAlertLog } from '../alerts/raise.ts';
import { recordCommandEvent } from '../audit-log/index.ts';
import { loadConfig } from '../config.ts';
import { restrictUmask, tightenDataDir } from '../fs/private-files.ts';
import { maskIdNumbers } from '../pii/id-mask.ts';
import { finishedJournal } from '../run/journal.ts';
import { acquireRefreshLock, RefreshBusyError, type RefreshLock } from '../run/lock.ts';
import { createProgressPrinter } from '../run/progress.ts';
import { runRefresh } from '../run/refresh.ts';
import { formatSummary } from '../run/summary.ts';
import { RUN_ID_PATTERN, RUN_TRIGGERS, type PausePoint, type RunTrigger } from '../run/vocabulary.ts';
import { writeLake } from '../publish/lake.ts';

const USAGE = `用法：npm run refresh -- [--inbox 目录] [--db 仓库文件] [--rebuild]
  --inbox    读取导出文件的收件箱（默认 DATA_DIR/inbox）
  --db       要刷新的仓库文件（默认 DATA_DIR/warehouse/warehouse.duckdb）
  --rebuild  只用归档（DATA_DIR/archive）中的文件重建一个新仓库并发布，不移动任何文件`;

/** `rebuild` is not a --trigger: --rebuild is the command for it. */
const TRIGGERS: readonly RunTrigger[] = RUN_TRIGGERS.filter((t) => t !== 'rebuild');
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

async function main(): Promise<number> {
  let values: { inbox?: string; db?: string; trigger?: string; rebuild?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        inbox: { type: 'string' },
        db: { type: 'string' },
        trigger: { type: 'string' },
        rebuild: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.trigger !== undefined && !TRIGGERS.includes(values.trigger as RunTrigger)) throw new Error(`--trigger 只能是 ${TRIGGERS.join('、')}`);
    // Internal: the server names its child's run up front (REFRESH_RUN_ID), to answer at once.
    if (process.env.REFRESH_RUN_ID !== undefined && !RUN_ID_PATTERN.test(process.env.REFRESH_RUN_ID)) throw new Error(`REFRESH_RUN_ID 无效：${process.env.REFRESH_RUN_ID}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // npm runs scripts from the package root; relative paths mean the folder the command was typed in.
  const base = process.env.INIT_CWD ?? process.cwd();
  const config = loadConfig({
    ...(values.inbox ? { inboxDir: path.resolve(base, values.inbox) } : {}),
    ...(values.db ? { warehouseFile: path.resolve(base, values.db) } : {}),
  });

  // DATA_DIR is the owner's alone: what DuckDB and this run create starts 0600/0700, and what
  // is still wider (an older install, a file copied in) is tightened before and after the run.
  restrictUmask();
  await tightenDataDir(config);

  // SIGTERM / SIGINT: abandon cleanly before the publishing rename, finish archiving after it.
  // A second signal exits at once; the next run removes what is left.
  const stop = new AbortController();
  let stoppedBy: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) process.exit(SIGNAL_EXIT[signal] ?? 1);
    stoppedBy = signal;
    process.stderr.write('\n收到停止信号：尚未发布则中止本次刷新（仓库保持原样）；已发布则归档完毕后退出。再按一次立即退出。\n');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const lockHeld = process.env.REFRESH_LOCK_HELD === '1';
  const guard = lockHeld ? guardParentsLock(config.warehouseFile, (values.trigger as RunTrigger | undefined) ?? 'schedule', stop) : undefined;

  const printer = createProgressPrinter(process.stderr);
  let result;
  try {
    result = await runRefresh({
      config,
      trigger: (values.trigger as RunTrigger | undefined) ?? 'cli',
      rebuild: values.rebuild === true,
      lockHeld,
      ...(process.env.REFRESH_RUN_ID ? { runId: process.env.REFRESH_RUN_ID } : {}),
      signal: stop.signal,
      onProgress: (event) => printer.onProgress(event),
      ...(process.env.REFRESH_PAUSE_AT ? { pauseAt: (point: PausePoint) => pauseForTest(point, stop.signal) } : {}),
    });
  } catch (error) {
    printer.done();
    await guard?.dispose();
    if (error instanceof RefreshBusyError) {
      process.stderr.write(`${error.message}\n`);
      await auditRefresh(config, { action: 'refresh.run', target: 'busy', outcome: 'refused', detail: { trigger: values.trigger ?? 'cli' } });
      return 3;
    }
    throw error;
  }
  printer.done();
  await guard?.dispose();
  await tightenDataDir(config);
  // The summary quotes file messages (masked where made); masked again as any log line is.
  process.stdout.write(`${maskIdNumbers(formatSummary(result))}\n`);
  await auditRefresh(config, {
    action: 'refresh.run',
    target: result.runId,
    outcome: result.status,
    rows: result.rowsLoaded,
    detail: { trigger: result.trigger, published: result.published, rebuild: values.rebuild === true, files: result.files.length, rowsRejected: result.rowsRejected },
  });
  // Alerts (pipelines/alerts): to the log and the webhook, in bounded time; they never change the exit code.
  await raiseRunAlerts({ run: finishedJournal(result), config, log: stderrAlertLog });
  if (result.published && config.lakeDir) await exportLake(config.warehouseFile, config.lakeDir, config);
  if (result.published) return 0;
  return result.abandoned && stoppedBy ? (SIGNAL_EXIT[stoppedBy] ?? 1) : 1;
}

/** The lake (pipelines/publish/lake.ts) after a publish; a failure is reported, the publish stands. */
async function exportLake(warehouseFile: string, lakeDir: string, limits: { duckdbMemoryLimit: string; duckdbThreads: number }): Promise<void> {
  try {
    const result = await writeLake({ warehouseFile, lakeDir, memoryLimit: limits.duckdbMemoryLimit, threads: limits.duckdbThreads });
    if (result.written) process.stdout.write(`数据湖：已写入 ${lakeDir}（运行 ${result.manifest.run_id}，${result.manifest.tables.length} 张表）\n`);
    else process.stdout.write(`数据湖：未写入（${result.reason}）\n`);
  } catch (error) {
    process.stderr.write(`数据湖写入失败（仓库已发布，不受影响）：${(error as Error).message}\n`);
  }
}

/** The audit log (DATA_DIR/audit); a failure to write it is reported and does not change the exit code. */
async function auditRefresh(config: { dataDir: string; auditRetentionDays: number }, event: Parameters<typeof recordCommandEvent>[1]): Promise<void> {
  await recordCommandEvent(config, event).catch((error: unknown) => process.stderr.write(`审计日志写入失败：${(error as Error).message}\n`));
}

/**
 * With REFRESH_LOCK_HELD the parent (the server) holds W's lock for this run. Should the parent
 * die first, its lock dies with it: then this run takes the lock itself, or — when another run
 * got it in between — stops before publishing, so two writers never publish over each other.
 */
function guardParentsLock(warehouseFile: string, trigger: RunTrigger, stop: AbortController): { dispose(): Promise<void> } {
  const parent = process.ppid;
  let own: RefreshLock | undefined;
  let checking = false;
  const timer = setInterval(() => {
    if (checking || own || process.ppid === parent) return;
    checking = true;
    acquireRefreshLock(warehouseFile, { trigger })
      .then((lock) => (own = lock))
      .catch(() => {
        process.stderr.write('\n启动本次刷新的服务进程已退出，且另一次刷新已开始：本次刷新中止，不发布。\n');
        stop.abort();
      })
      .finally(() => (checking = false));
  }, 500);
  timer.unref();
  return {
    async dispose() {
      clearInterval(timer);
      await own?.release();
    },
  };
}

/**
 * TEST HOOK (inert in production: only with env REFRESH_PAUSE_AT=<point>): at that point the
 * run prints `REFRESH_PAUSED <point> <pid>` on stderr and waits for a line on stdin (or its
 * end, or a stop signal), so that tests can kill or stop the process at a known place. With
 * REFRESH_PAUSE_INPUT=<file> (a FIFO the test holds open) it reads that instead of stdin: a
 * stdin inherited from a parent ends when the parent dies, which would end the pause with it.
 */
async function pauseForTest(point: PausePoint, signal: AbortSignal): Promise<void> {
  if (process.env.REFRESH_PAUSE_AT !== point || signal.aborted) return;
  process.stderr.write(`REFRESH_PAUSED ${point} ${process.pid}\n`);
  const inputFile = process.env.REFRESH_PAUSE_INPUT;
  await new Promise<void>((resolve) => {
    const lines = readline.createInterface({ input: inputFile ? createReadStream(inputFile) : process.stdin });
    const done = () => {
      signal.removeEventListener('abort', done);
      lines.close();
      resolve();
    };
    lines.once('line', done);
    lines.once('close', done);
    signal.addEventListener('abort', done);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`刷新出错：${maskIdNumbers(error instanceof Error ? error.message : String(error))}\n`);
    process.exit(1);
  },
);
