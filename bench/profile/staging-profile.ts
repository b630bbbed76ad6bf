// The load phase on real export files, for profiling: copies a warehouse (one that holds office
// snapshots), lands the given CSV files into the landing tables as one batch, runs the
// load-phase models once and prints the seconds of reading and of each model; with --explain
// RELATION, then the operators of that model's query run again on the same rows, costliest first.
//   npx tsx bench/profile/staging-profile.ts --warehouse FILE [--explain staging.stg_cases] CSV...
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { classifyFileName } from '../../pipelines/contract/exports.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { prepareWarehouse, runModels } from '../../pipelines/models/runner.ts';
import { createPersonKeyMacro } from '../../pipelines/pii/person-key.ts';
import { landCsv } from '../../pipelines/read/csv.ts';
import { attachStaging, resetLandingTables } from '../../pipelines/read/landing.ts';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'per-file': { type: 'boolean' }, warehouse: { type: 'string' }, explain: { type: 'string' }, threads: { type: 'string' }, memory: { type: 'string' } },
});
if (!values.warehouse) throw new Error('--warehouse FILE is required');
const tmp = path.join(os.tmpdir(), `staging-profile-${process.pid}`);
await mkdir(tmp, { recursive: true });
const file = path.join(tmp, 'build.duckdb');
await copyFile(values.warehouse, file);
const db = await openDatabase(file, { threads: Number(values.threads ?? 2), memoryLimit: values.memory ?? '4GB' });
const c = db.connection;
const project = loadProject();
await attachStaging(c);
await prepareWarehouse(c, project);
await createPersonKeyMacro(c, Buffer.from('profile-secret-0123456789abcdef'));
await c.run("SET VARIABLE run_id = 'profile'");
await resetLandingTables(c);

if (values['per-file']) {
  // One batch per file, as the refresh did: how the cost of each model grows with the warehouse.
  for (const [i, csv] of positionals.entries()) {
    await resetLandingTables(c);
    await land(i, csv);
    const results = await runModels(c, project, { phase: 'load' });
    console.log(`${path.basename(csv)}: ${results.map((r) => `${r.relation.split('.')[1]} ${r.seconds.toFixed(2)}`).join(', ')}`);
  }
  process.exit(0);
}

let started = performance.now();
const readCpu = process.cpuUsage();
let rows = 0;
let jsSeconds = 0;
let duckdbSeconds = 0;
for (const [i, csv] of positionals.entries()) rows += await land(i, csv);
const readUsed = process.cpuUsage(readCpu);
console.log(`read: ${seconds(started)} s, ${((readUsed.user + readUsed.system) / 1e6).toFixed(2)} s CPU (JavaScript ${jsSeconds.toFixed(2)} s, DuckDB ${duckdbSeconds.toFixed(2)} s), ${rows} rows`);

async function land(i: number, csv: string): Promise<number> {
  const classified = classifyFileName(path.basename(csv));
  if (!classified || classified.format !== 'csv') throw new Error(`${csv}: not a CSV export`);
  const meta = { fileId: `file-${i}`, fileName: path.basename(csv), exportDate: classified.exportDate, loadSeq: 1000 + i };
  const read = await landCsv(c, { file: csv, table: classified.tables[0]!, meta, tmpDir: tmp });
  jsSeconds += read.jsSeconds;
  duckdbSeconds += read.duckdbSeconds;
  return read.rowsRead;
}

started = performance.now();
const cpu = process.cpuUsage();
const results = await runModels(c, project, { phase: 'load' });
const used = process.cpuUsage(cpu);
console.log(`load phase: ${seconds(started)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
for (const r of results) console.log(`  ${r.relation.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)} s  ${r.rows} rows`);
if (values.explain) {
  const model = project.models.find((m) => m.relation === values.explain);
  if (!model) throw new Error(`no model ${values.explain}`);
  // The operators of the model's query, most expensive first (DuckDB's JSON profile, flattened).
  const profileFile = path.join(tmp, 'profile.json');
  await c.run(`PRAGMA enable_profiling = 'json'`);
  await c.run(`PRAGMA profiling_output = '${profileFile}'`);
  await c.run(`CREATE OR REPLACE TEMP TABLE explained AS\n${model.sql}`);
  await c.run('PRAGMA disable_profiling');
  const tree = JSON.parse(await readFile(profileFile, 'utf8')) as ProfileNode;
  const flat: { seconds: number; rows: number; name: string; info: string }[] = [];
  const walk = (node: ProfileNode) => {
    if (node.operator_type) {
      flat.push({ seconds: node.operator_timing ?? 0, rows: node.operator_cardinality ?? 0, name: node.operator_type, info: JSON.stringify(node.extra_info ?? {}).slice(0, 300) });
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  console.log(`latency ${tree.latency?.toFixed(2)} s, operators ${flat.reduce((s, o) => s + o.seconds, 0).toFixed(2)} s (summed over threads)`);
  for (const op of flat.sort((a, b) => b.seconds - a.seconds).slice(0, 25)) {
    console.log(`${op.seconds.toFixed(3).padStart(8)} s ${String(op.rows).padStart(9)} rows ${op.name}  ${op.info}`);
  }
}

interface ProfileNode {
  operator_type?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  latency?: number;
  extra_info?: unknown;
  children?: ProfileNode[];
}

console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
db.close();
await rm(tmp, { recursive: true, force: true });

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(2);
}
