// The console's worker processes (worker.ts): at most `size` of them, started when first needed,
// each capped by the operating system (RLIMIT_AS through util-linux `prlimit`, set once the
// worker is loaded: its virtual size then plus `memoryCapBytes`), and a bounded queue of
// queries waiting for one, each waiting at most `queueWaitMs`. A worker that exits or is killed
// is dropped (its temp folder removed) and a new one is started for the next query.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { FrameReader, type Frame, type ReadyMessage, type ToWorker } from './worker-protocol.ts';

const run = promisify(execFile);
const WORKER_FILE = path.join(import.meta.dirname, 'worker.ts');

export interface WorkerPoolOptions {
  size: number;
  queueLength: number;
  queueWaitMs: number;
  /** DuckDB's memory_limit in each worker. */
  memoryLimit: string;
  /** Address space a worker may add after it is loaded (the OS cap). */
  memoryCapBytes: number;
  threads: number;
  /** Parent of the workers' temp folders (Parquet files). */
  tempRoot: string;
  /** The analyst file a new worker opens first. */
  analystFile: () => Promise<string | null>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class PoolBusyError extends Error {
  constructor(readonly reason: 'full' | 'waited') {
    super(reason === 'full' ? 'console queue full' : 'console queue wait timed out');
  }
}

export class ConsoleWorker {
  readonly child: ChildProcess;
  readonly tempDir: string;
  dead = false;
  /** Frames of the request in flight go here. */
  onFrame: ((frame: Frame) => void | Promise<void>) | undefined;
  /** Called once when the process is gone (exit, kill, crash): for the pool. */
  onExit: (() => void) | undefined;
  /** Called once when the process is gone: for the request in flight, if any. */
  onLost: (() => void) | undefined;
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;

  constructor(options: WorkerPoolOptions, analystFile: string, tempDir: string) {
    this.tempDir = tempDir;
    mkdirSync(tempDir, { recursive: true, mode: 0o700 });
    const settings = { analystFile, memoryLimit: options.memoryLimit, threads: options.threads, tempDir };
    this.child = spawn(process.execPath, ['--max-old-space-size=512', WORKER_FILE, JSON.stringify(settings)], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'ipc'],
      // Nothing of the server's environment (secrets) reaches the worker; two malloc arenas keep
      // its idle virtual size small (each arena reserves 64 MB), so that the cap means memory.
      env: { PATH: process.env.PATH ?? '', TZ: process.env.TZ ?? '', MALLOC_ARENA_MAX: '2' },
    });
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    this.child.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.dead = true;
        if (code !== 0 || signal) options.log?.('console worker ended', { pid: this.child.pid, code, signal, stderr: stderr.slice(-500) });
        rmSync(tempDir, { recursive: true, force: true });
        this.onLost?.();
        this.onExit?.();
        resolve();
      });
    });
    this.ready = new Promise<number>((resolve, reject) => {
      this.child.once('message', (message: ReadyMessage) => resolve(message.vmSizeBytes));
      void this.exited.then(() => reject(new Error(`console worker exited before it was ready: ${stderr.slice(-300)}`)));
    }).then(async (vmSize) => {
      try {
        await run('prlimit', ['--pid', String(this.child.pid), `--as=${vmSize + options.memoryCapBytes}`]);
      } catch (error) {
        // Fail closed: a worker without its cap never runs a query.
        this.kill();
        throw new Error(`cannot cap the console worker's memory: ${(error as Error).message}`);
      }
    });
    this.ready.catch(() => undefined);
    void this.readFrames(this.child.stdio[3] as Readable);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: ToWorker): void {
    if (this.dead || !this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) this.kill();
    });
  }

  kill(): void {
    if (!this.dead) this.child.kill('SIGKILL');
  }

  /** Frames one at a time: the next is read only once the handler is done with this one. */
  private async readFrames(stream: Readable): Promise<void> {
    const reader = new FrameReader();
    try {
      for await (const bytes of stream) {
        for (const frame of reader.push(bytes as Buffer)) await this.onFrame?.(frame);
      }
    } catch {
      this.kill();
    }
  }
}

interface Waiter {
  resolve(worker: ConsoleWorker): void;
  reject(error: Error): void;
}

export class WorkerPool {
  private readonly idle: ConsoleWorker[] = [];
  /** Ready workers, idle or busy. */
  private readonly ready = new Set<ConsoleWorker>();
  /** Every live process, ready or still starting (all are killed on close). */
  private readonly processes = new Set<ConsoleWorker>();
  private readonly waiters: Waiter[] = [];
  /** Workers being started (not yet ready, or failed). */
  private launching = 0;
  private closed = false;
  private counter = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  get load(): { workers: number; idle: number; waiting: number } {
    return { workers: this.ready.size, idle: this.idle.length, waiting: this.waiters.length };
  }

  /** A worker for one request; waits in the queue (bounded in length and time) when all are busy. */
  acquire(signal?: AbortSignal): Promise<ConsoleWorker> {
    if (this.closed) return Promise.reject(new Error('console closed'));
    const worker = this.idle.pop();
    if (worker) return Promise.resolve(worker);
    // Waiters that a worker not yet started will serve do not count against the queue.
    if (this.waiters.length >= this.options.queueLength + (this.options.size - this.ready.size)) {
      return Promise.reject(new PoolBusyError('full'));
    }
    return new Promise<ConsoleWorker>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (w) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(w);
        },
        reject: (error) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const leave = (error: Error) => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        waiter.reject(error);
      };
      const timer = setTimeout(() => leave(new PoolBusyError('waited')), this.options.queueWaitMs);
      const onAbort = () => leave(new Error('client left while waiting'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.grow();
    });
  }

  /** The worker finished its request and is idle again. */
  release(worker: ConsoleWorker): void {
    if (worker.dead || this.closed) {
      this.grow();
      return;
    }
    worker.onFrame = undefined;
    worker.onLost = undefined;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(worker);
    else this.idle.push(worker);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('console closed'));
    for (const worker of this.processes) worker.kill();
  }

  /** Starts workers for the waiting queries, up to the pool's size. */
  private grow(): void {
    while (!this.closed && this.waiters.length > this.launching && this.ready.size + this.launching < this.options.size) {
      this.launching++;
      void this.start().then(
        (worker) => {
          this.launching--;
          if (!worker.dead) this.ready.add(worker);
          this.release(worker);
        },
        (error: Error) => {
          this.launching--;
          this.options.log?.('console worker failed to start', { error: error.message });
          // Nobody would start one for them: tell the waiters now rather than at their timeout.
          if (this.ready.size === 0 && this.launching === 0) {
            for (const waiter of this.waiters.splice(0)) waiter.reject(error);
          }
        },
      );
    }
  }

  private async start(): Promise<ConsoleWorker> {
    const file = await this.options.analystFile();
    if (!file) throw new Error('no analyst database published yet');
    const worker = new ConsoleWorker(this.options, file, path.join(this.options.tempRoot, `w${process.pid}-${++this.counter}`));
    this.processes.add(worker);
    worker.onExit = () => {
      this.processes.delete(worker);
      this.ready.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.grow();
    };
    await worker.ready;
    if (this.closed) worker.kill();
    return worker;
  }
}
