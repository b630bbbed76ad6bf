// Refreshes started by the server (schedule, POST /api/refresh) run as child processes —
// `tsx pipelines/cli/refresh.ts --trigger schedule|api` — so DuckDB's writer and the load's
// memory never live in the serving process, which keeps answering meanwhile. The server takes
// the refresh lock (pipelines/run/lock.ts) before it spawns, holds it on the child's behalf
// (REFRESH_LOCK_HELD=1 tells the child) and releases it when the child exits; a refresh from
// the CLI or another server meanwhile finds the lock held (409, or a skipped tick).
// The server names the run up front (REFRESH_RUN_ID to the child, and in the lock's record), so
// that POST /api/refresh answers with its run id at once. When the child has exited the server
// reloads its warehouse at once (the poll would find the new file within a second anyway).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dispatchAlerts } from '../../pipelines/alerts/raise.ts';
import { killedRunAlert } from '../../pipelines/alerts/alerts.ts';
import type { Config } from '../../pipelines/config.ts';
import { acquireRefreshLock, type RefreshLock } from '../../pipelines/run/lock.ts';
import { newRunId, type ServerTrigger } from '../../pipelines/run/vocabulary.ts';
import type { Logger } from '../log.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'pipelines/cli/refresh.ts');

export interface RefreshRunnerOptions {
  config: Config;
  log: Logger;
  /** After a child has exited, whatever its outcome (the server reloads its warehouse). */
  onRunEnd?: (end: RunEnd) => void | Promise<void>;
  /** How long stop() waits for a child after SIGTERM before it sends SIGKILL. */
  stopTimeoutMs?: number;
  /** Extra environment for the child (tests: REFRESH_PAUSE_AT). */
  childEnv?: NodeJS.ProcessEnv;
  /**
   * TEST HOOK: a pipe to the child's stdin (ActiveRun.stdin), which the CLI's REFRESH_PAUSE_AT
   * hook waits on; by default the child's stdin is empty.
   */
  childStdin?: 'pipe';
}

export interface RunEnd {
  trigger: ServerTrigger;
  pid: number | undefined;
  runId: string;
  /** The CLI's exit code: 0 published, 1 not published; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ActiveRun {
  trigger: ServerTrigger;
  pid: number | undefined;
  runId: string;
  startedAt: Date;
  /** Resolves when the child has exited, what it published is served and the lock is free. */
  done: Promise<RunEnd>;
  /** The child's stdin when RefreshRunnerOptions.childStdin is 'pipe' (test hook), else null. */
  stdin: Writable | null;
}

/** The server is shutting down and starts nothing new. */
export class RunnerStoppedError extends Error {}

export class RefreshRunner {
  readonly #options: RefreshRunnerOptions;
  #active: (ActiveRun & { child: ChildProcess }) | undefined;
  #stopping = false;
  #stopRequested = false;

  constructor(options: RefreshRunnerOptions) {
    this.#options = options;
  }

  /** The run this server started that is still going. */
  get active(): ActiveRun | undefined {
    return this.#active;
  }

  /**
   * Takes the lock and starts a refresh child. Throws RefreshBusyError (pipelines/run/lock.ts)
   * when any process holds the lock, RunnerStoppedError while the server shuts down.
   */
  async start(trigger: ServerTrigger): Promise<ActiveRun> {
    if (this.#stopping) throw new RunnerStoppedError('server is stopping');
    const { config, log } = this.#options;
    const runId = newRunId(new Date());
    const lock = await acquireRefreshLock(config.warehouseFile, { trigger, runId });
    if (this.#stopping) {
      await lock.release();
      throw new RunnerStoppedError('server is stopping');
    }
    let child: ChildProcess;
    try {
      child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, '--trigger', trigger, '--inbox', config.inboxDir, '--db', config.warehouseFile],
        {
          cwd: ROOT,
          // its own process group: a Ctrl-C at the server's terminal reaches the server, which
          // then stops the child with one SIGTERM (a second signal would make it exit at once)
          detached: true,
          stdio: [this.#options.childStdin ?? 'ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...this.#options.childEnv, DATA_DIR: config.dataDir, REFRESH_LOCK_HELD: '1', REFRESH_RUN_ID: runId },
        },
      );
    } catch (error) {
      await lock.release();
      throw error;
    }
    const done = this.#watch(child, trigger, runId, lock);
    const active = { trigger, pid: child.pid, runId, startedAt: new Date(), done, child, stdin: child.stdin };
    child.stdin?.on('error', () => {}); // a child that exits first closes the pipe
    this.#active = active;
    log.info('refresh: started', { trigger, pid: child.pid, run_id: runId });
    return active;
  }

  /** Sends SIGTERM to a running child and waits for it (SIGKILL after stopTimeoutMs); starts nothing after. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const active = this.#active;
    if (!active) return;
    this.#stopRequested = true;
    this.#options.log.info('refresh: asking the running refresh to stop', { pid: active.pid, run_id: active.runId });
    active.child.kill('SIGTERM');
    const timeoutMs = this.#options.stopTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([active.done, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // publishing is one rename: a refresh killed at any point leaves the last good warehouse
      this.#options.log.warn('refresh: did not stop in time; killing it', { pid: active.pid, timeout_ms: timeoutMs });
      active.child.kill('SIGKILL');
      await active.done;
    }
  }

  #watch(child: ChildProcess, trigger: ServerTrigger, runId: string, lock: RefreshLock): Promise<RunEnd> {
    const { log } = this.#options;
    const tag = `refresh[${child.pid ?? '?'}]`;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (line.trim()) log.info(`${tag} ${line}`);
      });
    }
    return new Promise<RunEnd>((resolve) => {
      let settled = false;
      const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        const end: RunEnd = { trigger, pid: child.pid, runId, code, signal };
        // First what the run published is served, then the run counts as over (no longer
        // active, lock free): whoever sees it over sees its warehouse.
        try {
          await this.#options.onRunEnd?.(end);
        } catch (error) {
          log.error('refresh: after-run step failed', { error: (error as Error).message });
        }
        await lock.release().catch((error: unknown) => log.error('refresh: could not release the lock', { error: (error as Error).message }));
        if (this.#active?.child === child) this.#active = undefined;
        if (code === 0) log.info('refresh: published', { pid: child.pid, run_id: runId });
        else log.warn('refresh: ended without publishing', { pid: child.pid, run_id: runId, code, signal });
        // A child killed by a signal we did not send could not raise its own alert.
        if (signal && !(this.#stopRequested && signal === 'SIGTERM')) {
          await dispatchAlerts([killedRunAlert(runId, signal)], null, { config: this.#options.config, log }).catch(() => {});
        }
        resolve(end);
      };
      child.once('error', (error) => {
        log.error('refresh: could not run the refresh process', { error: error.message });
        void finish(null, null);
      });
      child.once('exit', (code, signal) => void finish(code, signal));
    });
  }
}
