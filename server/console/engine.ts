// The console engine, in the server process: checks a query's cheap limits (id, text length),
// hands it to a console worker process (pool.ts) and passes the worker's frames on, with the
// time limit and the client's departure both ending the query: the worker is told to stop
// (DuckDB interrupt) and, if it has not answered within the grace period, killed and replaced.
// A worker that dies mid-query becomes a clear Chinese error; the server itself runs no user SQL.
import { statSync } from 'node:fs';
import { currentAnalystFile } from '../../pipelines/publish/analyst.ts';
import { PoolBusyError, WorkerPool, type ConsoleWorker } from './pool.ts';
import { FRAME_ACCEPTED, FRAME_DATA, FRAME_END, FRAME_FAIL, FRAME_HEAD, type EndPayload, type FailPayload, type HeadPayload, type ResultFormat } from './worker-protocol.ts';

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 503 answers. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface ConsoleLimits {
  timeoutMs: number;
  /** How long a stopped query may take to end before its worker is killed. */
  killGraceMs: number;
  rowLimit: number;
  exportRowCap: number;
  jsonByteCap: number;
  exportByteCap: number;
  maxSqlChars: number;
}

export interface ConsoleEngineOptions extends ConsoleLimits {
  /** The analyst file to query now (changes when a refresh publishes). */
  resolveAnalystFile: () => Promise<string | null>;
  memoryLimit: string;
  /** Address space a worker may add once loaded (RLIMIT_AS). */
  memoryCapBytes: number;
  threads: number;
  workers: number;
  queueLength: number;
  queueWaitMs: number;
  tempRoot: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface QueryRequest {
  /** Client-chosen id, used to cancel. */
  id: string;
  userName: string;
  sql: string;
  format: ResultFormat;
}

export interface ResultOutput {
  /** The result's columns (again, for Parquet, just before the file, with `truncated`). */
  head(head: HeadPayload): void;
  /** Bytes of the formatted result; a returned promise holds the worker until it settles. */
  data(bytes: Buffer): void | Promise<void>;
}

export type QueryOutcome = EndPayload;

export interface SchemaColumn {
  name: string;
  type: string;
  comment: string | null;
}
export interface SchemaRelation {
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
  columns: SchemaColumn[];
}

interface Running {
  userName: string;
  stop(reason: 'cancelled'): void;
}

/** The worker died before it took the request: safe to send it to another. */
class NotTakenError extends Error {
  constructor(override readonly cause: ConsoleError) {
    super('console worker died before taking the request');
  }
}

/** One request for a worker: who sent it, where its result goes, and how it is stopped. */
interface WorkerExchange {
  id: string;
  userName: string;
  signal: AbortSignal;
  output: ResultOutput;
  message: Parameters<ConsoleWorker['send']>[0];
}

export class ConsoleEngine {
  private readonly pool: WorkerPool;
  private readonly running = new Map<string, Running>();
  private schemaCache: { file: string; relations: SchemaRelation[] } | undefined;

  constructor(private readonly options: ConsoleEngineOptions) {
    this.pool = new WorkerPool({
      size: options.workers,
      queueLength: options.queueLength,
      queueWaitMs: options.queueWaitMs,
      memoryLimit: options.memoryLimit,
      memoryCapBytes: options.memoryCapBytes,
      threads: options.threads,
      tempRoot: options.tempRoot,
      analystFile: options.resolveAnalystFile,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  get limits(): ConsoleLimits {
    const { timeoutMs, killGraceMs, rowLimit, exportRowCap, jsonByteCap, exportByteCap, maxSqlChars } = this.options;
    return { timeoutMs, killGraceMs, rowLimit, exportRowCap, jsonByteCap, exportByteCap, maxSqlChars };
  }

  /** Runs one query in a worker; resolves with its end, rejects with a ConsoleError. */
  async run(request: QueryRequest, output: ResultOutput, signal: AbortSignal): Promise<QueryOutcome> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(request.id)) throw new ConsoleError(400, 'bad_request', '查询编号无效');
    if (this.running.has(request.id)) throw new ConsoleError(409, 'duplicate_id', '该查询编号正在使用');
    if (request.sql.length > this.options.maxSqlChars) {
      throw new ConsoleError(413, 'too_long', `SQL 文本过长（${request.sql.length} 个字符），上限为 ${this.options.maxSqlChars} 个字符`);
    }
    const analystFile = await this.options.resolveAnalystFile();
    if (!analystFile) throw new ConsoleError(503, 'no_analyst_database', '分析库尚未发布，请等待首次刷新完成', 30);
    const exporting = request.format !== 'json';
    return this.exchangeWithWorker({
      id: request.id,
      userName: request.userName,
      signal,
      output,
      message: {
        type: 'query',
        id: request.id,
        sql: request.sql,
        format: request.format,
        analystFile,
        maxRows: exporting ? this.options.exportRowCap : this.options.rowLimit,
        maxBytes: exporting ? this.options.exportByteCap : this.options.jsonByteCap,
      },
    });
  }

  /** Interrupts a running query of this user; false when there is none. */
  cancel(id: string, userName: string): boolean {
    const entry = this.running.get(id);
    if (!entry || entry.userName !== userName) return false;
    entry.stop('cancelled');
    return true;
  }

  /** Tables and views of the analyst database with their documented comments. */
  async schema(signal: AbortSignal): Promise<SchemaRelation[]> {
    const analystFile = await this.options.resolveAnalystFile();
    if (!analystFile) throw new ConsoleError(503, 'no_analyst_database', '分析库尚未发布，请等待首次刷新完成', 30);
    if (this.schemaCache?.file === analystFile) return this.schemaCache.relations;
    const id = `schema-${Math.random().toString(36).slice(2, 12)}`;
    const output = { head: () => undefined, data: () => undefined };
    const end = await this.exchangeWithWorker({ id, userName: '', signal, output, message: { type: 'schema', id, analystFile } });
    const relations = end.schema as SchemaRelation[];
    this.schemaCache = { file: analystFile, relations };
    return relations;
  }

  close(): void {
    this.pool.close();
  }

  private async acquire(signal: AbortSignal): Promise<ConsoleWorker> {
    try {
      return await this.pool.acquire(signal);
    } catch (error) {
      if (error instanceof PoolBusyError) {
        const waited = error.reason === 'waited' ? `已等待 ${Math.round(this.options.queueWaitMs / 1000)} 秒，` : '';
        throw new ConsoleError(503, 'busy', `控制台繁忙：${waited}前面还有查询在执行，请稍后再试`, Math.max(1, Math.ceil(this.options.timeoutMs / 1000)));
      }
      if (signal.aborted) throw new ConsoleError(409, 'cancelled', '查询已取消');
      this.options.log?.('console worker unavailable', { error: (error as Error).message });
      throw new ConsoleError(503, 'console_unavailable', '控制台暂时无法执行查询（执行进程无法启动），请稍后再试', 10);
    }
  }

  /**
   * Sends one request to a worker of the pool. An idle worker can die (killed by the OS) before
   * the pool has heard of it; a request it never took is sent to another, never run twice.
   */
  private async exchangeWithWorker(request: WorkerExchange): Promise<EndPayload> {
    for (let attempt = 1; ; attempt++) {
      const worker = await this.acquire(request.signal);
      try {
        return await this.exchange(worker, request);
      } catch (error) {
        if (!(error instanceof NotTakenError)) throw error;
        if (attempt > this.pool.size) throw error.cause;
        this.options.log?.('console request resent: its worker died before taking it', { pid: worker.pid });
      }
    }
  }

  /** Sends one request to `worker` and follows it to its end, stop, or the worker's death. */
  private exchange(worker: ConsoleWorker, { id, userName, signal, output, message }: WorkerExchange): Promise<EndPayload> {
    const { timeoutMs, killGraceMs } = this.options;
    return new Promise<EndPayload>((resolve, reject) => {
      let stopped: 'timeout' | 'cancelled' | null = null;
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const stoppedError = () =>
        stopped === 'timeout'
          ? new ConsoleError(408, 'timeout', `查询超过 ${timeoutMs / 1000} 秒时限，已中断`)
          : new ConsoleError(409, 'cancelled', '查询已取消');
      const finish = (outcome: { end: EndPayload } | { error: ConsoleError | NotTakenError }, releaseWorker: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(limitTimer);
        clearTimeout(graceTimer);
        signal.removeEventListener('abort', onAbort);
        this.running.delete(id);
        if (releaseWorker) this.pool.release(worker);
        if ('end' in outcome) resolve(outcome.end);
        else reject(outcome.error);
      };
      let wake: () => void = () => undefined;
      const stoppedNow = new Promise<void>((resolve) => (wake = resolve));
      const stop = (reason: 'timeout' | 'cancelled') => {
        if (stopped || settled) return;
        stopped = reason;
        wake();
        worker.send({ type: 'stop', id });
        // The worker must answer within the grace period, else it is killed (and replaced).
        graceTimer = setTimeout(() => {
          this.options.log?.('console worker killed', { pid: worker.pid, reason, graceMs: killGraceMs });
          worker.kill();
        }, killGraceMs);
      };
      const onAbort = () => stop('cancelled');
      const limitTimer = setTimeout(() => stop('timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) stop('cancelled');
      this.running.set(id, { userName, stop });

      let taken = false;
      worker.onFrame = async (frame) => {
        if (settled) return;
        if (frame.type === FRAME_ACCEPTED) {
          taken = true;
          return;
        }
        if (frame.type === FRAME_DATA) {
          // Once stopped, bytes are drained and dropped so the worker can reach its end.
          if (stopped) return;
          // A write still waiting for a stalled client is abandoned when the query stops, so
          // the pipe is drained and the worker can end cleanly instead of being killed.
          const writing = Promise.resolve()
            .then(() => output.data(frame.payload))
            .catch(() => stop('cancelled'));
          await Promise.race([writing, stoppedNow]);
          return;
        }
        const payload = JSON.parse(frame.payload.toString()) as HeadPayload | EndPayload | FailPayload;
        if (frame.type === FRAME_HEAD) {
          try {
            if (!stopped) output.head(payload as HeadPayload);
          } catch {
            stop('cancelled');
          }
        } else if (frame.type === FRAME_END) {
          if (stopped) finish({ error: stoppedError() }, true);
          else finish({ end: payload as EndPayload }, true);
        } else if (frame.type === FRAME_FAIL) {
          const fail = payload as FailPayload;
          if (stopped) finish({ error: stoppedError() }, true);
          else finish({ error: new ConsoleError(fail.status, fail.code, fail.message) }, true);
        }
      };
      worker.onLost = () => {
        if (stopped) return finish({ error: stoppedError() }, false);
        const died = new ConsoleError(
          500,
          'worker_died',
          '查询执行进程意外终止（多半是查询所需内存超过上限），已自动重启。请缩小查询范围（加 WHERE / LIMIT 或先聚合）后重试',
        );
        finish({ error: taken ? died : new NotTakenError(died) }, false);
      };
      if (worker.dead) worker.onLost();
      else worker.send(message);
    });
  }
}

/**
 * The analyst file of the published warehouse, re-read only when the warehouse file itself
 * changed (a publish renames a new file over it), so a query costs one stat.
 */
export function analystFileResolver(warehouseFile: string): () => Promise<string | null> {
  let seen: { key: string; file: string | null } | undefined;
  return async () => {
    let key: string;
    try {
      const stat = statSync(warehouseFile);
      key = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return null;
    }
    if (seen?.key !== key) seen = { key, file: await currentAnalystFile(warehouseFile) };
    return seen.file;
  };
}

/** Bytes of a size in DuckDB's notation ('1GB' = 10^9, '1GiB' = 2^30; plain numbers are bytes). */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\s*$/i.exec(text);
  if (!match) throw new Error(`控制台内存设置须为大小（例如 1GB、512MiB），收到 “${text}” / not a size: ${text}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
  return Math.round(Number(match[1]) * factor[unit]!);
}
