// The floor, in its own process: DuckDB alone reads every planned UTF-8 copy into a typed table
// of a fresh database file, with the refresh's memory limit and threads, then checkpoints.
// Argument: the plan's JSON file. Reports { seconds, rows, files, duckdbVersion } to the bench.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../pipelines/config.ts';
import { openDatabase, queryRows } from '../../pipelines/warehouse/duckdb.ts';
import { sendToParent } from '../child.ts';
import type { FloorPlan } from '../floor/plan.ts';
import { floorTableSql, TYPED_PARSING_SQL } from '../floor/sql.ts';
import type { FloorMessage } from './messages.ts';

const planFile = process.argv[2];
if (!planFile) throw new Error('usage: floor.ts PLAN.json');
const plan = JSON.parse(await readFile(planFile, 'utf8')) as FloorPlan;
const config = loadConfig();
const db = await openDatabase(path.join(path.dirname(planFile), 'floor.duckdb'), { memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
await db.connection.run(TYPED_PARSING_SQL);
const [version] = await queryRows<{ v: string }>(db.connection, 'SELECT version() AS v');

const perFile: FloorMessage['files'] = [];
const started = performance.now();
for (const [i, file] of plan.files.entries()) {
  const t0 = performance.now();
  const reader = await db.connection.runAndReadAll(floorTableSql(file, `floor_${i}_${file.table}`));
  perFile.push({ name: file.name, table: file.table, rows: Number(reader.getRows()[0]?.[0] ?? 0), seconds: (performance.now() - t0) / 1000 });
}
await db.connection.run('CHECKPOINT');
const seconds = (performance.now() - started) / 1000;
db.close();

const message: FloorMessage = {
  type: 'floor',
  seconds,
  rows: perFile.reduce((sum, f) => sum + f.rows, 0),
  files: perFile,
  duckdbVersion: version?.v ?? 'unknown',
  ownPeakRssBytes: process.resourceUsage().maxRSS * 1024,
};
await sendToParent(message);
process.disconnect();
