// The analyst database (pipelines/publish/analyst.ts) written from a warehouse built by the
// real pipeline: only the `mart` schema, no intermediate models, no person keys, no name, ID
// number or masked ID of the warehouse anywhere in the file's bytes, documented comments, views
// that work on their own; the published warehouse names it, and the console swaps to the new
// file when a newer warehouse is published.
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystFileFor, currentAnalystFile, publishedMarts, writeAnalystDatabase } from '../../pipelines/publish/analyst.ts';
import { openDatabase, queryRows } from '../../pipelines/warehouse/duckdb.ts';
import { createConsoleService } from '../../server/console/routes.ts';
import { makeWorld, type World } from './world.ts';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
}, 300_000);

afterAll(async () => {
  await world?.cleanup();
});

async function analystRows<T>(file: string, sql: string): Promise<T[]> {
  const db = await openDatabase(file, { readOnly: true, threads: 1 });
  try {
    return await queryRows<T>(db.connection, sql);
  } finally {
    db.close();
  }
}

describe('the analyst database', () => {
  it('holds the published marts and documented views, in schema mart only', async () => {
    const tables = await analystRows<{ schema_name: string; table_name: string; comment: string | null }>(
      world.analystFile,
      'SELECT schema_name, table_name, comment FROM duckdb_tables() ORDER BY table_name',
    );
    expect(new Set(tables.map((t) => t.schema_name))).toEqual(new Set(['mart']));
    expect(tables.map((t) => t.table_name).sort()).toEqual(publishedMarts().map((m) => m.name).sort());
    expect(tables.some((t) => t.table_name.startsWith('int_'))).toBe(false);
    expect(tables.every((t) => (t.comment ?? '').length > 20)).toBe(true);
    const views = await analystRows<{ view_name: string; comment: string | null }>(world.analystFile, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal");
    expect(views.map((v) => v.view_name).sort()).toEqual(['county_indicator_latest', 'indicator_overview']);
    // The views read the analyst file's own tables (opened alone, without the warehouse).
    const overview = await analystRows<{ n: bigint }>(world.analystFile, 'SELECT count(*) AS n FROM mart.indicator_overview');
    const values = await analystRows<{ n: bigint }>(world.analystFile, 'SELECT count(*) AS n FROM mart.indicator_values');
    expect(overview[0]!.n).toBe(values[0]!.n);
    expect(Number(values[0]!.n)).toBeGreaterThan(0);
    const commented = await analystRows<{ column_name: string; comment: string }>(
      world.analystFile,
      "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'indicator_values' AND comment IS NOT NULL",
    );
    expect(commented.map((c) => c.column_name)).toEqual(expect.arrayContaining(['indicator_id', 'period', 'grain', 'unit_code', 'value']));
  });

  it('stores the tables a night rebuilds by (period, indicator) in that order (a night then empties whole row groups)', async () => {
    // The analyst copy, and the warehouse's models built by (period, indicator) (runner.ts storedOrder).
    for (const [file, table] of [
      [world.analystFile, 'mart.indicator_values'],
      [world.warehouseFile, 'mart.indicator_values'],
      [world.warehouseFile, 'intermediate.int_unit_indicator_values'],
      [world.warehouseFile, 'intermediate.int_office_indicator_parts'],
    ] as const) {
      const order = "period || '/' || indicator_id";
      const [stored] = await analystRows<{ keys: bigint; out_of_order: bigint }>(
        file,
        `SELECT count(DISTINCT k) AS keys, count(*) FILTER (WHERE k < previous) AS out_of_order
         FROM (SELECT ${order} AS k, lag(${order}) OVER (ORDER BY rowid) AS previous FROM ${table})`,
      );
      expect(Number(stored!.keys), table).toBeGreaterThan(1);
      expect(Number(stored!.out_of_order), table).toBe(0);
    }
  });

  it('has no person key column, and none of the warehouse’s names, ID numbers or person keys in its bytes', async () => {
    const columns = await analystRows<{ column_name: string }>(world.analystFile, "SELECT DISTINCT column_name FROM duckdb_columns() WHERE schema_name = 'mart'");
    const names = columns.map((c) => c.column_name);
    for (const banned of ['person_key', 'name', 'id_masked', 'id_number', 'raw']) expect(names).not.toContain(banned);
    expect(names).toContain('person_code');

    const db = await openDatabase(world.warehouseFile, { readOnly: true, threads: 1 });
    let secrets: string[];
    try {
      const staff = await queryRows<{ name: string | null; id_masked: string | null; person_key: string }>(db.connection, 'SELECT DISTINCT name, id_masked, person_key FROM core.staff');
      expect(staff.length).toBeGreaterThan(10);
      secrets = [...new Set(staff.flatMap((s) => [s.name, s.id_masked, s.person_key]).filter((v): v is string => !!v && v.length >= 2))];
    } finally {
      db.close();
    }
    const bytes = readFileSync(world.analystFile);
    const found = secrets.filter((s) => bytes.includes(Buffer.from(s, 'utf8')));
    expect(found).toEqual([]);
    // The check can fail: the main warehouse does hold them.
    const mainBytes = readFileSync(world.warehouseFile);
    expect(secrets.some((s) => mainBytes.includes(Buffer.from(s, 'utf8')))).toBe(true);
  });

  it('is named by the published warehouse', async () => {
    expect(await currentAnalystFile(world.warehouseFile)).toBe(world.analystFile);
  });
});

describe('publishing a new warehouse', () => {
  it('swaps the console to the new analyst file, queries in flight keep the old one', async () => {
    const { engine, close } = createConsoleService({
      dataDir: world.dataDir,
      warehouseFile: world.warehouseFile,
      consoleTimeoutMs: 120_000,
      consoleRowLimit: 10,
      consoleExportRowCap: 10,
      consoleMemoryLimit: '256MB',
    });
    const never = new AbortController().signal;
    const count = async (id: string): Promise<number> => {
      const bytes: Buffer[] = [];
      await engine.run({ id, userName: 'ana', sql: 'SELECT count(*) AS n FROM mart.indicator_values', format: 'json' }, { head: () => undefined, data: (b) => void bytes.push(b) }, never);
      return (JSON.parse(`[${Buffer.concat(bytes).toString()}]`) as { n: number }[])[0]!.n;
    };
    try {
      const before = await count('count-before-1');
      // A long query on the current file, still running while the new file is published.
      let longDone = false;
      const long = engine
        .run({ id: 'long-in-flight-1', userName: 'ana', sql: 'SELECT count(*) FROM range(600000000) AS t(i) WHERE hash(i) % 7 = 0', format: 'json' }, { head: () => undefined, data: () => undefined }, never)
        .finally(() => (longDone = true));
      await new Promise((r) => setTimeout(r, 200));
      // A refresh: copy W, change it, write its analyst copy, rename over W.
      const build = `${world.warehouseFile}.build-test`;
      copyFileSync(world.warehouseFile, build);
      const db = await openDatabase(build);
      const next = analystFileFor(world.warehouseFile, '29990101T000000Z-newer0');
      try {
        await db.connection.run("DELETE FROM mart.indicator_values WHERE grain = 'office'");
        await writeAnalystDatabase(db.connection, next);
        await db.connection.run('CHECKPOINT');
      } finally {
        db.close();
      }
      renameSync(build, world.warehouseFile);
      expect(await currentAnalystFile(world.warehouseFile)).toBe(next);
      const after = await count('count-after-01');
      expect(after).toBeLessThan(before);
      expect(longDone).toBe(false);
      // The query in flight finishes on the old file, which closes after it.
      await expect(long).resolves.toMatchObject({ rowCount: 1 });
      expect(path.basename(next)).toBe('29990101T000000Z-newer0.duckdb');
    } finally {
      close();
    }
  }, 120_000);
});
