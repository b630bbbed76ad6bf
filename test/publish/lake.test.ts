// The lake after a publish (pipelines/publish/lake.ts): the refresh CLI with `lakeDir` set writes
// Hive-partitioned Parquet that DuckDB's read_parquet(…, hive_partitioning = true) reads back
// with the warehouse's row counts and indicator values, and no personal data.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { lakeTables, readManifest, writeLake, type LakeManifest } from '../../pipelines/publish/lake.ts';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let dataDir: string;
let lakeDir: string;
let warehouseFile: string;
let manifest: LakeManifest;
let stdout = '';
let db: Database;

function refreshCli(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pipelines/cli/refresh.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`refresh exited ${code}: ${err.slice(-2000)}`))));
  });
}

const parquet = (table: string) => `read_parquet('${path.join(lakeDir, manifest.snapshot, table)}/**/*.parquet', hive_partitioning = true)`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-lake-'));
  await generateDemoExports({ outDir: path.join(dataDir, 'inbox'), scale: 'tiny', seed: 7, endDate: '2025-11-30' });
  // a relative lakeDir is taken under DATA_DIR
  await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ lakeDir: 'lake' }));
  stdout = await refreshCli({ DATA_DIR: dataDir, REFRESH_SCHEDULE: 'off' });
  lakeDir = path.join(dataDir, 'lake');
  warehouseFile = path.join(dataDir, 'warehouse', 'warehouse.duckdb');
  manifest = (await readManifest(lakeDir))!;
  db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
}, 240_000);

afterAll(async () => {
  db?.close();
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('the lake written after a publish', () => {
  it('names the published run in its manifest and says so on the command line', async () => {
    const [run] = await queryJson<{ run_id: string }>(db.connection, 'SELECT max(run_id) AS run_id FROM audit.runs');
    expect(manifest.run_id).toBe(run!.run_id);
    expect(manifest.snapshot).toBe(`runs/${run!.run_id}`);
    expect(manifest.tables.map((t) => t.name).sort()).toEqual(lakeTables().map((t) => t.name).sort());
    expect(stdout).toContain('数据湖：已写入');
  });

  it('has the warehouse row count of every table, partitioned by year and county', async () => {
    const sources: Record<string, string> = {
      cases: 'core.cases',
      training_records: 'core.training_records',
      offices: 'core.offices',
      staff: 'core.staff',
      indicator_values: 'mart.indicator_values',
      units: 'mart.units',
      cases_monthly: 'mart.cases_monthly',
      training_person_year: 'mart.training_person_year',
      indicator_catalog: 'mart.indicator_catalog',
    };
    for (const table of manifest.tables) {
      const [expected] = await queryJson<{ n: string }>(db.connection, `SELECT count(*)::VARCHAR AS n FROM ${sources[table.name]}`);
      const from = table.partition_by.length ? parquet(table.name) : `read_parquet('${path.join(lakeDir, table.path)}')`;
      const [actual] = await queryJson<{ n: string }>(db.connection, `SELECT count(*)::VARCHAR AS n FROM ${from}`);
      expect({ table: table.name, rows: actual!.n }).toEqual({ table: table.name, rows: expected!.n });
      expect(table.rows).toBe(Number(expected!.n));
      if (table.partition_by.length) {
        expect(table.partition_by).toEqual(['year', 'county_code']);
        const years = readdirSync(path.join(lakeDir, table.path));
        expect(years.every((y) => /^year=\d{4}$/.test(y))).toBe(true);
        for (const year of years) expect(readdirSync(path.join(lakeDir, table.path, year)).every((c) => /^county_code=(\d{6}|unknown)$/.test(c))).toBe(true);
      }
    }
  });

  it('gives every indicator value of the warehouse, with each county row in its county partition', async () => {
    const key = 'indicator_id, period, grain, unit_code, numerator, denominator, value, target, meets_target';
    const [diff] = await queryJson<{ missing: string; extra: string }>(
      db.connection,
      `SELECT (SELECT count(*) FROM (SELECT ${key} FROM mart.indicator_values EXCEPT ALL SELECT ${key} FROM ${parquet('indicator_values')}))::VARCHAR AS missing,
              (SELECT count(*) FROM (SELECT ${key} FROM ${parquet('indicator_values')} EXCEPT ALL SELECT ${key} FROM mart.indicator_values))::VARCHAR AS extra`,
    );
    expect(diff).toEqual({ missing: '0', extra: '0' });
    const misplaced = await queryJson(db.connection, `SELECT * FROM ${parquet('indicator_values')} WHERE (grain = 'county' AND unit_code <> county_code::VARCHAR) OR (grain = 'city' AND county_code::VARCHAR <> '331100') OR year::VARCHAR <> period`);
    expect(misplaced).toEqual([]);
  });

  it('carries no name and no ID number: no such column in any table, no name in any text cell of staff', async () => {
    for (const table of manifest.tables) {
      const from = table.partition_by.length ? parquet(table.name) : `read_parquet('${path.join(lakeDir, table.path)}')`;
      const columns = (await queryJson<{ column_name: string }>(db.connection, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`)).map((c) => c.column_name);
      expect(columns.filter((c) => ['name', 'id_masked', 'id_number', 'person_name'].includes(c))).toEqual([]);
    }
    const [found] = await queryJson<{ staff: string; hits: string }>(
      db.connection,
      `SELECT (SELECT count(DISTINCT name) FROM core.staff WHERE name IS NOT NULL)::VARCHAR AS staff,
              (SELECT count(*) FROM ${parquet('staff')} AS l JOIN core.staff AS s ON s.name IN (l.person_key, l.office_code, l.role, l.staffing_type))::VARCHAR AS hits`,
    );
    expect(Number(found!.staff)).toBeGreaterThan(0);
    expect(found!.hits).toBe('0');
  });

  it('is not written again for the same run, and a newer run replaces it and keeps the previous folder', async () => {
    const again = await writeLake({ warehouseFile, lakeDir });
    expect(again.written).toBe(false);
    // a second publish (nothing new in the inbox): the manifest moves to it, the first folder stays
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await refreshCli({ DATA_DIR: dataDir, REFRESH_SCHEDULE: 'off' });
    const next = (await readManifest(lakeDir))!;
    expect(next.run_id > manifest.run_id).toBe(true);
    expect(existsSync(path.join(lakeDir, manifest.snapshot))).toBe(true);
    expect(existsSync(path.join(lakeDir, next.snapshot))).toBe(true);
    expect(readdirSync(path.join(lakeDir, 'runs')).filter((e) => e.includes('.building-'))).toEqual([]);
  }, 240_000);
});
