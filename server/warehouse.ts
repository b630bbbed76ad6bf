// The server's hold on the published warehouse: read-only DuckDB connections to
// config.warehouseFile, reopened when a refresh publishes a new file (it renames the new file
// over the old path: a new inode). Each opened file is a "generation". Requests run on a small
// pool of connections of the current generation; a replaced generation stays open until its
// last request has finished, then closes, so no request in flight is dropped by a publish.
// DuckDB runs queries on its own threads, so waiting for one never blocks the event loop.
import { stat } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Kysely } from 'kysely';
import { martDb } from '../pipelines/warehouse/kysely.ts';
import type { Database } from '../pipelines/warehouse/schema.ts';
import { silentLogger, type Logger } from './log.ts';

export interface WarehouseSession {
  /** Which opened file this is; caches key on it. */
  generation: number;
  db: Kysely<Database>;
  connection: DuckDBConnection;
}

/** No published warehouse can be read (none yet, or none that holds the marts). */
export class WarehouseUnavailableError extends Error {
  constructor() {
    super('no published warehouse is open');
  }
}

export interface WarehouseHolderOptions {
  file: string;
  /** How often to look for a newly published file; 0 turns polling off (reload() still works). */
  pollMs?: number;
  /** Connections per generation. */
  poolSize?: number;
  memoryLimit?: string;
  threads?: number;
  log?: Logger;
}

interface Pooled {
  connection: DuckDBConnection;
  db: Kysely<Database>;
}

/** One opened warehouse file and its connection pool. */
class Generation {
  readonly #idle: Pooled[] = [];
  readonly #all: Pooled[] = [];
  readonly #waiters: ((pooled: Pooled) => void)[] = [];
  #opening = 0;
  /** Requests using this generation (waiting for a connection or running). */
  inFlight = 0;
  retired = false;
  #closed = false;

  constructor(
    readonly id: number,
    readonly instance: DuckDBInstance,
    /** inode, size and mtime of the file when it was opened. */
    readonly identity: string,
    readonly poolSize: number,
  ) {}

  async acquire(): Promise<Pooled> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.length + this.#opening < this.poolSize) {
      this.#opening++;
      try {
        const connection = await this.instance.connect();
        const pooled = { connection, db: martDb(connection) };
        this.#all.push(pooled);
        return pooled;
      } finally {
        this.#opening--;
      }
    }
    return new Promise<Pooled>((resolve) => this.#waiters.push(resolve));
  }

  release(pooled: Pooled): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(pooled);
    else this.#idle.push(pooled);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pooled of this.#all) pooled.connection.closeSync();
    this.instance.closeSync();
  }
}

async function identityOf(file: string): Promise<string | null> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

export class WarehouseHolder {
  readonly file: string;
  readonly #options: Required<Omit<WarehouseHolderOptions, 'file' | 'log'>>;
  readonly #log: Logger;
  #current: Generation | undefined;
  #nextId = 1;
  #reloading: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: WarehouseHolderOptions) {
    this.file = options.file;
    this.#options = {
      pollMs: options.pollMs ?? 1000,
      poolSize: options.poolSize ?? 2,
      memoryLimit: options.memoryLimit ?? '1GB',
      threads: options.threads ?? 2,
    };
    this.#log = options.log ?? silentLogger;
  }

  /** Opens the published file if there is one and starts watching for new ones. */
  static async open(options: WarehouseHolderOptions): Promise<WarehouseHolder> {
    const holder = new WarehouseHolder(options);
    await holder.reload();
    if (holder.#options.pollMs > 0) {
      holder.#timer = setInterval(() => void holder.reload(), holder.#options.pollMs);
      holder.#timer.unref();
    }
    return holder;
  }

  /** The current generation's number, or null while no warehouse is open. */
  get generation(): number | null {
    return this.#current?.id ?? null;
  }

  /** Runs `work` on a pooled connection of the current generation. */
  async use<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    const generation = this.#current;
    if (!generation) throw new WarehouseUnavailableError();
    generation.inFlight++;
    try {
      const pooled = await generation.acquire();
      try {
        return await work({ generation: generation.id, db: pooled.db, connection: pooled.connection });
      } finally {
        generation.release(pooled);
      }
    } finally {
      generation.inFlight--;
      if (generation.retired && generation.inFlight === 0) generation.close();
    }
  }

  /**
   * Opens the file again if it is not the one held (a new publish). Resolves true when a new
   * generation took over. Calls made while one runs share it.
   */
  reload(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    this.#reloading ??= this.#reloadOnce().finally(() => (this.#reloading = undefined));
    return this.#reloading;
  }

  async #reloadOnce(): Promise<boolean> {
    const before = await identityOf(this.file);
    if (before === null || before === this.#current?.identity) return false;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(this.file, {
        access_mode: 'READ_ONLY',
        memory_limit: this.#options.memoryLimit,
        threads: String(this.#options.threads),
        // the pages read the warehouse only: no file or URL beyond it
        enable_external_access: 'false',
      });
    } catch (error) {
      this.#log.warn('warehouse: could not open the published file; keeping the current one', { file: this.file, error: (error as Error).message });
      return false;
    }
    // A publish between stat and open: we cannot tell which file we hold, so look again later.
    if ((await identityOf(this.file)) !== before) {
      instance.closeSync();
      return false;
    }
    try {
      const probe = await instance.connect();
      try {
        await probe.run('SELECT 1 FROM mart.indicator_values LIMIT 1');
      } finally {
        probe.closeSync();
      }
    } catch (error) {
      instance.closeSync();
      this.#log.warn('warehouse: the published file has no marts; keeping the current one', { file: this.file, error: (error as Error).message });
      return false;
    }
    if (this.#closed) {
      instance.closeSync();
      return false;
    }
    const next = new Generation(this.#nextId++, instance, before, this.#options.poolSize);
    const previous = this.#current;
    this.#current = next;
    if (previous) {
      previous.retired = true;
      if (previous.inFlight === 0) previous.close();
    }
    this.#log.info('warehouse: opened', { file: this.file, generation: next.id });
    return true;
  }

  /** Stops watching and closes every connection once its requests have finished. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#reloading;
    const current = this.#current;
    this.#current = undefined;
    if (current) {
      current.retired = true;
      if (current.inFlight === 0) current.close();
    }
  }
}
