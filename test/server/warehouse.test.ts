// The warehouse holder: read-only connections to the published file, a new generation when a
// new file is renamed over it (by polling or reload()), requests in flight finishing on the old
// file, the old file closed after them, and queries that leave the event loop free.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../pipelines/warehouse/duckdb.ts';
import { WarehouseHolder, WarehouseUnavailableError } from '../../server/warehouse.ts';

let dir: string;

/** A minimal published warehouse: mart.indicator_values with one row naming `marker`. */
async function publishable(file: string, marker: string): Promise<void> {
  const db = await openDatabase(file);
  try {
    await db.connection.run(`CREATE SCHEMA mart; CREATE TABLE mart.indicator_values AS SELECT '${marker}' AS indicator_id`);
    await db.connection.run('CHECKPOINT');
  } finally {
    db.close();
  }
}

/** Publishes like the refresh does: a complete new file renamed over the path. */
async function publish(target: string, marker: string): Promise<void> {
  const staged = `${target}.build-${marker}`;
  await publishable(staged, marker);
  await rename(staged, target);
}

async function marker(holder: WarehouseHolder): Promise<string> {
  return holder.use(async ({ connection }) => (await queryRows<{ indicator_id: string }>(connection, 'SELECT indicator_id FROM mart.indicator_values'))[0]!.indicator_id);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`gave up waiting for ${what}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lishui-holder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('WarehouseHolder', () => {
  it('is unavailable until a file is published, then serves it read-only', async () => {
    const file = path.join(dir, 'first.duckdb');
    const holder = await WarehouseHolder.open({ file, pollMs: 0 });
    try {
      expect(holder.generation).toBeNull();
      await expect(marker(holder)).rejects.toBeInstanceOf(WarehouseUnavailableError);
      await publish(file, 'A');
      expect(await holder.reload()).toBe(true);
      expect(await marker(holder)).toBe('A');
      await expect(holder.use(({ connection }) => connection.run('CREATE TABLE mart.x AS SELECT 1'))).rejects.toThrow(/read-only/i);
      expect(await holder.reload()).toBe(false); // same file: nothing to do
    } finally {
      await holder.close();
    }
  });

  it('switches to a newly published file while a request in flight finishes on the old one', async () => {
    const file = path.join(dir, 'swap.duckdb');
    await publish(file, 'old');
    const holder = await WarehouseHolder.open({ file, pollMs: 0 });
    try {
      const first = holder.generation;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let oldConnection: Parameters<Parameters<WarehouseHolder['use']>[0]>[0]['connection'] | undefined;
      const inFlight = holder.use(async (session) => {
        oldConnection = session.connection;
        await gate; // the publish happens while this request holds its connection
        return (await queryRows<{ indicator_id: string }>(session.connection, 'SELECT indicator_id FROM mart.indicator_values'))[0]!.indicator_id;
      });
      await until(() => oldConnection !== undefined, 'the request to start');
      await publish(file, 'new');
      expect(await holder.reload()).toBe(true);
      expect(holder.generation).not.toBe(first);
      expect(await marker(holder)).toBe('new');
      release();
      expect(await inFlight).toBe('old');
      // the old generation is closed once its last request is done
      await expect(oldConnection!.run('SELECT 1')).rejects.toThrow();
    } finally {
      await holder.close();
    }
  });

  it('notices a publish by polling the file', async () => {
    const file = path.join(dir, 'poll.duckdb');
    await publish(file, 'one');
    const holder = await WarehouseHolder.open({ file, pollMs: 50 });
    try {
      const first = holder.generation;
      await publish(file, 'two');
      await until(() => holder.generation !== first, 'the new generation');
      expect(await marker(holder)).toBe('two');
    } finally {
      await holder.close();
    }
  });

  it('keeps serving the current file when a published file is not a warehouse', async () => {
    const file = path.join(dir, 'bad.duckdb');
    await publish(file, 'good');
    const holder = await WarehouseHolder.open({ file, pollMs: 0 });
    try {
      const staged = `${file}.build-empty`;
      const empty = await openDatabase(staged);
      empty.close();
      await rename(staged, file);
      expect(await holder.reload()).toBe(false);
      expect(await marker(holder)).toBe('good');
    } finally {
      await holder.close();
    }
  });

  it('runs at most poolSize queries at once and leaves the event loop free while DuckDB works', async () => {
    const file = path.join(dir, 'pool.duckdb');
    await publish(file, 'p');
    const holder = await WarehouseHolder.open({ file, pollMs: 0, poolSize: 2, threads: 1 });
    try {
      let running = 0;
      let most = 0;
      const slow = () =>
        holder.use(async ({ connection }) => {
          running++;
          most = Math.max(most, running);
          await connection.run('SELECT count(*) FROM range(20000000) t(i) WHERE i % 7 = 3');
          running--;
        });
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      const all = Promise.all([slow(), slow(), slow(), slow()]);
      await all;
      clearInterval(ticker);
      expect(most).toBe(2);
      // timers fired while the queries ran: DuckDB did not hold the event loop
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await holder.close();
    }
  });
});
