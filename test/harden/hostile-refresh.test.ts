// Hostile exports against the real commands: a zip bomb and a workbook of a million shared
// strings are rejected whole in bounded memory and time while the run's other files load; a
// file whose reading kills the refresh is recorded and skipped by every later run (until its
// bytes change), the dead run's journal is marked `killed`, and 数据质量 shows why.
// Measurements (peak RSS from the kernel via /usr/bin/time, wall time) are printed.
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../pipelines/config.ts';
import { createAuth } from '../../server/auth/auth.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { dataDirWith, demoRounds, putInInbox } from '../refresh/harness.ts';
import { writeManySharedStrings, writeZipBomb } from './hostile-workbooks.ts';
import { runRefreshMeasured, startServerProcess, type ServerProcess } from './processes.ts';

const GIB = 1024 ** 3;
let config: Config;
let rounds: string[][];
let server: ServerProcess | undefined;

interface FileRow {
  file_name: string;
  status: string;
  reason_code: string | null;
  message: string | null;
  seconds: number;
}

async function auditFiles(runId?: string): Promise<FileRow[]> {
  const db = await openDatabase(config.warehouseFile, { readOnly: true, threads: 1 });
  try {
    return await queryJson<FileRow>(
      db.connection,
      `SELECT file_name, status, reason_code, message, seconds FROM audit.files
       WHERE run_id = ${runId ? `'${runId}'` : '(SELECT max(run_id) FROM audit.runs)'} ORDER BY file_name`,
    );
  } finally {
    db.close();
  }
}

function journals(): { run_id: string; outcome: string; message: string | null; files: { file_name: string; status: string; reason_code: string | null }[] }[] {
  const dir = path.join(config.dataDir, 'runs');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')));
}

beforeAll(async () => {
  ({ config } = await dataDirWith());
  rounds = await demoRounds();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('hostile workbooks and poison files', () => {
  it('rejects a zip bomb and a million shared strings whole, within 30 s and 1 GiB, and loads the other files', async () => {
    putInInbox(config, rounds[0]!);
    const bomb = path.join(config.inboxDir, 'cases_20250615.xlsx');
    const { bytes } = writeZipBomb(bomb, 1536 * 1024 * 1024);
    writeManySharedStrings(path.join(config.inboxDir, 'training_20250616.xlsx'), 1_000_000);

    const run = await runRefreshMeasured(config.dataDir);
    console.log(
      `[measure] hostile workbooks: bomb ${(bytes / 1024 / 1024).toFixed(2)} MB → 1.5 GiB declared; ` +
        `refresh peak RSS ${(run.peakRssBytes / 1024 / 1024).toFixed(0)} MiB, wall ${run.wallSeconds.toFixed(1)} s, exit ${run.code}`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.peakRssBytes).toBeLessThan(GIB);

    const files = await auditFiles();
    const byName = new Map(files.map((f) => [f.file_name, f]));
    const bombRow = byName.get('cases_20250615.xlsx')!;
    const manyRow = byName.get('training_20250616.xlsx')!;
    console.log(`[measure] bomb rejected in ${bombRow.seconds.toFixed(2)} s, million shared strings in ${manyRow.seconds.toFixed(2)} s`);
    expect(bombRow).toMatchObject({ status: 'rejected', reason_code: 'unreadable_file' });
    expect(bombRow.message).toContain('（压缩比，疑似压缩炸弹）');
    expect(manyRow).toMatchObject({ status: 'rejected', reason_code: 'unreadable_file' });
    expect(manyRow.message).toContain('（共享字符串个数）');
    expect(bombRow.seconds).toBeLessThan(30);
    expect(manyRow.seconds).toBeLessThan(30);
    // every demo file of the round loaded
    for (const file of rounds[0]!) expect(byName.get(path.basename(file))?.status, path.basename(file)).toBe('loaded');
  }, 300_000);

  it('records a file whose reading kills the refresh; the next run marks that journal killed, skips the file and loads the rest', async () => {
    const killer = path.join(config.inboxDir, 'cases_20250620.csv');
    copyFileSync(rounds[2]![0]!, killer); // a good CSV (the corrected June cases) under a new name
    const dead = await runRefreshMeasured(config.dataDir, { REFRESH_TEST_KILL_READING: 'cases_20250620.csv' });
    expect(dead.signal).toBe('SIGKILL');
    const left = journals().at(-1)!;
    expect(left.outcome).toBe('running'); // as the dead process left it

    // the next run: a new good file beside the killer
    putInInbox(config, rounds[1]!);
    const next = await runRefreshMeasured(config.dataDir);
    expect(next.code, next.stderr).toBe(0);
    const deadJournal = journals().find((j) => j.run_id === left.run_id)!;
    expect(deadJournal.outcome).toBe('killed');
    expect(deadJournal.message).toContain('cases_20250620.csv');

    const files = await auditFiles();
    const skipped = files.find((f) => f.file_name === 'cases_20250620.csv')!;
    expect(skipped).toMatchObject({ status: 'skipped', reason_code: 'poison_file' });
    expect(skipped.message).toContain(left.run_id);
    expect(files.filter((f) => f.file_name !== 'cases_20250620.csv').every((f) => f.status === 'loaded' || f.status === 'skipped')).toBe(true);
    expect(files.some((f) => f.status === 'loaded')).toBe(true);
    const latest = journals().at(-1)!;
    expect(latest.outcome).toBe('partial');
    expect(latest.files.find((f) => f.file_name === 'cases_20250620.csv')).toMatchObject({ status: 'skipped', reason_code: 'poison_file' });
    expect(existsSync(killer)).toBe(true); // left in the inbox

    // 数据质量 shows the skipped file with its reason, and the dead run as 中断
    server = await startServerProcess(config.dataDir);
    const { token } = await createAuth({ usersFile: config.usersFile, tls: false }).users.add({ name: 'quality-admin', role: 'admin' });
    const page = await server.get('/quality', token);
    expect(page.status).toBe(200);
    expect(page.body).toContain('cases_20250620.csv');
    expect(page.body).toContain(`曾使刷新 ${left.run_id} 在读取时中断`);
    expect(page.body).toMatch(new RegExp(`${left.run_id}[\\s\\S]*?data-outcome="killed"|data-outcome="killed"[\\s\\S]*?${left.run_id}`));
  }, 300_000);

  it('reads the file again once its bytes change', async () => {
    appendFileSync(path.join(config.inboxDir, 'cases_20250620.csv'), '\r\n'); // other bytes, same rows
    const run = await runRefreshMeasured(config.dataDir);
    expect(run.code, run.stderr).toBe(0);
    const row = (await auditFiles()).find((f) => f.file_name === 'cases_20250620.csv');
    expect(row?.status, row?.message ?? '').toBe('loaded');
  }, 300_000);
});

describe('a workbook that exhausts the heap', () => {
  // 450,000 shared strings of 120 characters: within every workbook limit (61 MB of shared
  // strings, under 500,000 of them), but more than a refresh held to a 48 MB heap can cache.
  // The same run with a 48 MB heap loads the small CSV alone (measured: ~200 MiB RSS, exit 0).
  const HEAP = { NODE_OPTIONS: '--max-old-space-size=48' };

  it('kills the refresh once; every later run (same small heap) skips it and loads the rest', async () => {
    const { config: own } = await dataDirWith();
    putInInbox(own, [rounds[0]!.find((f) => path.basename(f).startsWith('training_'))!]);
    writeManySharedStrings(path.join(own.inboxDir, 'cases_20250630.xlsx'), 450_000, 120);

    const died = await runRefreshMeasured(own.dataDir, HEAP);
    console.log(`[measure] heap-exhausting workbook: refresh died by ${died.signal ?? `exit ${died.code}`} after ${died.wallSeconds.toFixed(1)} s, peak RSS ${(died.peakRssBytes / 1048576).toFixed(0)} MiB`);
    expect(died.code).not.toBe(0);
    expect(died.stderr).toMatch(/heap out of memory/);

    const next = await runRefreshMeasured(own.dataDir, HEAP);
    console.log(`[measure] next run with the same heap: exit ${next.code}, ${next.wallSeconds.toFixed(1)} s, peak RSS ${(next.peakRssBytes / 1048576).toFixed(0)} MiB`);
    expect(next.code, next.stderr).toBe(0);
    const db = await openDatabase(own.warehouseFile, { readOnly: true, threads: 1 });
    try {
      const files = await queryJson<{ file_name: string; status: string; reason_code: string | null }>(
        db.connection,
        'SELECT file_name, status, reason_code FROM audit.files ORDER BY file_name',
      );
      expect(files).toEqual([
        { file_name: 'cases_20250630.xlsx', status: 'skipped', reason_code: 'poison_file' },
        { file_name: 'training_20250601.csv', status: 'loaded', reason_code: null },
      ]);
    } finally {
      db.close();
    }
    const dir = path.join(own.dataDir, 'runs');
    const outcomes = readdirSync(dir).sort().map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as { outcome: string; message: string | null });
    expect(outcomes.map((j) => j.outcome)).toEqual(['killed', 'partial']);
    expect(outcomes[0]!.message).toContain('cases_20250630.xlsx');
  }, 300_000);
});
