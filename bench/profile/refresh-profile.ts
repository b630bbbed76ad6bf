// Where a full refresh spends its time: refreshes a copy of an export folder into a fresh
// warehouse and prints the seconds of every stage, every SQL model (summed over batches), the
// read share spent in JavaScript, CPU seconds and peak RSS. Not a test; for profiling only:
//   npx tsx bench/profile/refresh-profile.ts --exports DIR [--work DIR] [--json FILE] [--again DIR]
// --again DIR refreshes a second folder on top (an incremental run) and profiles that too.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../pipelines/config.ts';
import { runRefresh, type RefreshResult } from '../../pipelines/run/refresh.ts';

const { values } = parseArgs({
  options: { exports: { type: 'string' }, work: { type: 'string' }, json: { type: 'string' }, again: { type: 'string' } },
});
if (!values.exports) throw new Error('--exports DIR is required');
const work = path.resolve(values.work ?? path.join(os.tmpdir(), `refresh-profile-${process.pid}`));
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });

const config = loadConfig({ dataDir: work }, { ...process.env, HMAC_SECRET: 'profile-secret-0123456789abcdef' });
const profiles = [await profile(values.exports, 'full')];
if (values.again) profiles.push(await profile(values.again, 'incremental'));
if (values.json) await writeFile(values.json, `${JSON.stringify(profiles, null, 1)}\n`);
await rm(work, { recursive: true, force: true });

async function profile(exportsDir: string, label: string) {
  await rm(config.inboxDir, { recursive: true, force: true });
  await cp(path.resolve(exportsDir), config.inboxDir, { recursive: true });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result: RefreshResult = await runRefresh({
    config,
    onProgress: (event) => {
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
    models: result.models.map((m) => ({ ...m, seconds: round(m.seconds) })),
    failedTests: result.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name} ${t.status} ${t.failures}`),
  };
  console.log(`\n== ${label}: ${summary.seconds} s wall, ${summary.cpuSeconds} s CPU, peak RSS ${summary.peakRssMiB} MiB, ${rows} rows, ${summary.files} files, ${result.status}`);
  console.log(`stages: ${Object.entries(result.stages).map(([s, v]) => `${s} ${v.toFixed(1)}`).join(', ')}`);
  for (const m of summary.models.slice(0, 15)) console.log(`  ${m.relation.padEnd(36)} ${m.seconds.toFixed(2).padStart(8)} s  ${m.runs} runs`);
  if (summary.failedTests.length > 0) console.log(`not passing: ${summary.failedTests.join('; ')}`);
  return summary;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
