// Where a full refresh spends its time: refreshes a copy of an export folder into a fresh
// warehouse and prints the seconds of every stage, every SQL model (summed over batches), the
// read share spent in JavaScript, CPU seconds and peak RSS. Not a test; for profiling only:
//   npx tsx bench/profile/refresh-profile.ts --exports DIR [--work DIR] [--json FILE] [--again DIR] [--keep]
//   npx tsx bench/profile/refresh-profile.ts --base KEPT_WORK_DIR --again DIR [--work DIR]
// --keep leaves the work folder (warehouse, archive) in place. --again DIR refreshes a second folder on top (an incremental run) and profiles that too.
// --base starts from a copy of a work folder kept before (no full run): the incremental run alone, again and again.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../pipelines/config.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import type { RefreshResult } from '../../pipelines/run/vocabulary.ts';

const { values } = parseArgs({
  options: { keep: { type: 'boolean' }, base: { type: 'string' }, exports: { type: 'string' }, work: { type: 'string' }, json: { type: 'string' }, again: { type: 'string' } },
});
if (!values.exports && !values.base) throw new Error('--exports DIR or --base DIR is required');
const work = path.resolve(values.work ?? path.join(os.tmpdir(), `refresh-profile-${process.pid}`));
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });

const config = loadConfig({ dataDir: work }, { ...process.env, HMAC_SECRET: 'profile-secret-0123456789abcdef' });
if (values.base) await cp(path.resolve(values.base), work, { recursive: true });
const profiles = values.base ? [] : [await profile(values.exports!, 'full')];
if (values.again) profiles.push(await profile(values.again, 'incremental'));
if (values.json) await writeFile(values.json, `${JSON.stringify(profiles, null, 1)}\n`);
if (!values.keep) await rm(work, { recursive: true, force: true });

async function profile(exportsDir: string, label: string) {
  await rm(config.inboxDir, { recursive: true, force: true });
  await cp(path.resolve(exportsDir), config.inboxDir, { recursive: true });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // CPU seconds per stage, from the progress events: on a busy machine they vary far less than
  // wall seconds. The CPU used up to a file event is reading; up to the first file-end after
  // reading, validation; up to a stage's end, that stage.
  const cpuByStage: Record<string, number> = {};
  let mark = process.cpuUsage();
  const charge = (stage: string) => {
    const used = process.cpuUsage(mark);
    mark = process.cpuUsage();
    cpuByStage[stage] = (cpuByStage[stage] ?? 0) + (used.user + used.system) / 1e6;
  };
  let reading = false;
  const result: RefreshResult = await runRefresh({
    config,
    onProgress: (event) => {
      if (event.type === 'file-start' || event.type === 'file-progress') {
        charge('read');
        reading = true;
      } else if (event.type === 'file-end') {
        charge(reading ? 'validate' : 'other');
        reading = false;
      } else if (event.type === 'stage-end') {
        charge(event.stage);
      } else if (event.type === 'stage-start') {
        charge('other');
      }
      if (event.type === 'stage-end' && event.seconds > 1) process.stderr.write(`  [${event.stage}] ${event.seconds.toFixed(1)} s\n`);
      if (event.type === 'file-end') process.stderr.write(`  ${event.report.name} ${event.report.rowsLoaded} rows ${event.report.seconds.toFixed(1)} s\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rows = result.rowsLoaded + result.rowsRejected;
  const summary = {
    label,
    status: result.status,
    message: result.message,
    seconds: round(seconds),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    rows,
    rowsRejected: result.rowsRejected,
    files: result.files.filter((f) => f.status === 'loaded').length,
    stages: result.stages,
    cpuByStage: Object.fromEntries(Object.entries(cpuByStage).map(([k, v]) => [k, round(v)])),
    models: result.models.map((m) => ({ ...m, seconds: round(m.seconds) })),
    failedTests: result.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name} ${t.status} ${t.failures}`),
    slowestTests: [...result.tests].sort((a, b) => b.seconds - a.seconds).slice(0, 12).map((t) => `${t.seconds.toFixed(2)} s ${t.name}`),
  };
  console.log(`\n== ${label}: ${summary.seconds} s wall, ${summary.cpuSeconds} s CPU, peak RSS ${summary.peakRssMiB} MiB, ${rows} rows, ${summary.files} files, ${result.status}`);
  console.log(`stages (wall): ${Object.entries(result.stages).map(([s, v]) => `${s} ${v.toFixed(1)}`).join(', ')}`);
  console.log(`stages (CPU):  ${Object.entries(summary.cpuByStage).map(([s, v]) => `${s} ${v.toFixed(1)}`).join(', ')}`);
  for (const m of summary.models.slice(0, 15)) console.log(`  ${m.relation.padEnd(36)} ${m.seconds.toFixed(2).padStart(8)} s  ${m.runs} runs`);
  console.log(`slowest tests: ${summary.slowestTests.join('; ')}`);
  if (summary.failedTests.length > 0) console.log(`not passing: ${summary.failedTests.join('; ')}`);
  return summary;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
