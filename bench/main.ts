// `npm run bench -- --scale tiny|lishui|province|national [--out FILE] [--keep DIR] [--api-seconds N]`
// In one run, in a temporary DATA_DIR: generate the exports (child process); the floor (DuckDB
// alone reading UTF-8 copies of every CSV export into typed tables, child process); the full
// refresh (child process); an incremental refresh with the next day's case and training exports;
// the HTTP side against the real server and an express.static floor. Progress on stderr, the
// table on stdout, the JSON (interfaces.md, Benchmark) in --out.
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../pipelines/config.ts';
import { runChild } from './child.ts';
import type { FloorMessage, RefreshMessage, RefreshResultJson } from './children/messages.ts';
import { generateExports, NEXT_DAY, type BenchExports } from './exports.ts';
import { planFloor } from './floor/plan.ts';
import { benchApi } from './http/api-bench.ts';
import { loadAverage, machineInfo } from './machine.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { refreshFigures, type RefreshFigures } from './refresh-figures.ts';
import { formatReport } from './report.ts';
import type { BenchResult } from './result.ts';

/** A county present at every scale (莲都区), for the API's county query. */
const COUNTY = '331102';
const RSS_SAMPLE_MS = 100;

const benchStarted = performance.now();
const log = (line: string) => {
  const elapsed = Math.round((performance.now() - benchStarted) / 1000);
  process.stderr.write(`[bench ${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, '0')}] ${line}\n`);
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const dataDir = options.keep ?? mkdtempSync(path.join(os.tmpdir(), `bench-${options.scale}-`));
  if (options.keep) {
    mkdirSync(dataDir, { recursive: true });
    if (readdirSync(dataDir).length > 0) throw new Error(`--keep ${dataDir}: the folder is not empty`);
  }
  log(`scale ${options.scale}, DATA_DIR ${dataDir}${options.keep ? ' (kept)' : ' (removed at the end)'}`);
  try {
    const result = await runBench(options, dataDir);
    process.stdout.write(`${formatReport(result)}\n`);
    if (options.out) {
      await mkdir(path.dirname(options.out), { recursive: true });
      await writeFile(options.out, `${JSON.stringify(result, null, 2)}\n`);
      log(`JSON written to ${options.out}`);
    }
    return 0;
  } finally {
    if (!options.keep) await rm(dataDir, { recursive: true, force: true });
  }
}

async function runBench(options: BenchOptions, dataDir: string): Promise<BenchResult> {
  const date = new Date().toISOString();
  // Every child reads this DATA_DIR; settings (memory limit, threads) come from the same environment.
  const env = { ...process.env, DATA_DIR: dataDir };
  const config = loadConfig({ dataDir });
  const loads: Record<string, [number, number, number]> = {};
  const phase = (name: string, line: string) => {
    loads[name] = loadAverage();
    log(`${line} (load average ${loads[name]![0].toFixed(2)})`);
  };

  phase('generate', `generating the ${options.scale} exports (demo generator, child process) …`);
  const exports = await generateExports({ scale: options.scale, dataDir, inboxDir: config.inboxDir, seed: options.seed });
  log(`generated ${exports.summary.files.length} files in ${exports.seconds.toFixed(1)} s; ${exports.nextDay.map((f) => f.fileName).join(', ')} held back for the incremental refresh`);

  phase('floor', 'floor: UTF-8 copies of the CSV exports (not timed) …');
  const floorDir = path.join(dataDir, 'floor');
  const plan = await planFloor(exports.inbox, { inboxDir: config.inboxDir, floorDir });
  const planFile = path.join(floorDir, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  log(`floor: DuckDB read_csv + typed CREATE TABLE AS of ${plan.files.length} files (memory_limit ${config.duckdbMemoryLimit}, threads ${config.duckdbThreads}) …`);
  let floorMessage: FloorMessage | undefined;
  const floorExit = await runChild<FloorMessage>({ script: 'bench/children/floor.ts', args: [planFile], env, onMessage: (m) => (floorMessage = m), rssIntervalMs: RSS_SAMPLE_MS });
  if (!floorMessage) throw new Error('the floor reported nothing');
  const floor = floorMessage;
  log(`floor: ${floor.seconds.toFixed(1)} s, ${floor.rows.toLocaleString('en-US')} rows`);
  await rm(floorDir, { recursive: true, force: true });

  phase('refresh', 'full refresh (runRefresh, trigger cli, child process) …');
  const full = await refreshInChild(env, exports);
  log(`full refresh: ${full.figures.seconds.toFixed(1)} s, ${full.figures.status}`);

  phase('incremental', `incremental refresh: ${exports.nextDay.map((f) => f.fileName).join(', ')} into the inbox …`);
  for (const file of exports.nextDay) await rename(path.join(exports.nextDayDir, file.fileName), path.join(config.inboxDir, file.fileName));
  const incremental = await refreshInChild(env, exports);
  log(`incremental refresh: ${incremental.figures.seconds.toFixed(1)} s, ${incremental.figures.status}`);

  phase('http', 'HTTP: starting the server (server/main.ts, child process) …');
  const http = await benchApi({
    dataDir,
    usersFile: config.usersFile,
    targets: [
      { path: `/api/indicators?grain=county&unit=${COUNTY}`, floorFile: 'indicators.json' },
      { path: '/', floorFile: 'overview.html' },
    ],
    connections: options.connections,
    seconds: options.apiSeconds,
    log,
  });
  loads.end = loadAverage();

  const floorBytes = plan.files.reduce((sum, f) => sum + f.bytes, 0);
  const floorPeak = Math.max(floorExit.peakRssBytes, floor.ownPeakRssBytes);
  const summary = exports.summary;
  return {
    scale: options.scale,
    date,
    refresh: {
      ...full.figures,
      floor_seconds: floor.seconds,
      ratio: full.figures.seconds / floor.seconds,
      peak_rss_bytes: full.peakRssBytes,
      floor_peak_rss_bytes: floorPeak,
      rss_ratio: full.peakRssBytes / floorPeak,
    },
    floor: {
      seconds: floor.seconds,
      files: floor.files.length,
      rows: floor.rows,
      bytes: floorBytes,
      rows_per_second: floor.rows / floor.seconds,
      peak_rss_bytes: floorPeak,
      copy_seconds: plan.copySeconds,
      skipped: plan.skipped,
      method:
        'UTF-8 copies (GBK/BOM transcoded before timing) read by DuckDB read_csv (dialect given, all VARCHAR) into one table per file, contract columns parsed by type (try_strptime dates, TRY_CAST numbers, yes/no), in a fresh database file, then CHECKPOINT; same memory_limit and threads as the refresh',
    },
    incremental: {
      ...incremental.figures,
      /** What a one-day nightly run costs against loading everything, in the same run. */
      ratio_to_full: incremental.figures.seconds / full.figures.seconds,
      peak_rss_bytes: incremental.peakRssBytes,
      export_date: NEXT_DAY,
      files_added: exports.nextDay.map((f) => f.fileName),
      /** What the incremental run rebuilt other than whole: keys, and the periods per mart. */
      partial_builds: incremental.builds.filter((b) => b.mode !== 'full'),
      rebuilt_whole: incremental.builds.filter((b) => b.mode === 'full').map((b) => `${b.relation} (${b.reason})`),
    },
    api: http.api,
    server: { start_seconds: http.serverStartSeconds, peak_rss_bytes: http.serverPeakRssBytes },
    generation: {
      seconds: exports.seconds,
      seed: summary.seed,
      start_date: summary.startDate,
      end_date: summary.endDate,
      offices: summary.offices,
      people: summary.people,
      files: summary.files.length,
      bytes: summary.files.reduce((sum, f) => sum + f.bytes, 0),
      rows: summary.rows,
    },
    settings: {
      duckdb_memory_limit: config.duckdbMemoryLimit,
      duckdb_threads: config.duckdbThreads,
      api_connections: options.connections,
      api_seconds: options.apiSeconds,
      rss_sample_ms: RSS_SAMPLE_MS,
    },
    machine: { ...machineInfo(floor.duckdbVersion), load_average: loads },
    seconds_total: (performance.now() - benchStarted) / 1000,
  };
}

/** One refresh of DATA_DIR's inbox in a child process, its stages and files logged as they end. */
async function refreshInChild(
  env: NodeJS.ProcessEnv,
  exports: BenchExports,
): Promise<{ figures: RefreshFigures; peakRssBytes: number; builds: RefreshResultJson['builds'] }> {
  let last: Extract<RefreshMessage, { type: 'result' }> | undefined;
  const exit = await runChild<RefreshMessage>({
    script: 'bench/children/refresh.ts',
    env,
    rssIntervalMs: RSS_SAMPLE_MS,
    onMessage(message) {
      if (message.type === 'stage' && message.seconds >= 0.05) log(`  [${message.stage}] ${message.seconds.toFixed(1)} s`);
      else if (message.type === 'file') {
        log(`  ${({ loaded: '✓', skipped: '–', unknown: '?' } as Record<string, string>)[message.status] ?? '✗'} ${message.name} ${message.rowsLoaded.toLocaleString('en-US')} rows loaded, ${message.rowsRejected.toLocaleString('en-US')} rejected (${message.seconds.toFixed(1)} s)`);
      } else if (message.type === 'result') last = message;
    },
  });
  if (!last) throw new Error('the refresh reported no result');
  if (!last.result.published) throw new Error(`the refresh did not publish: ${last.result.message ?? last.result.status}`);
  const figures = refreshFigures({ result: last.result, seconds: last.seconds, decodeSeconds: last.decodeSeconds, exports: exports.summary.files });
  return { figures, peakRssBytes: Math.max(exit.peakRssBytes, last.ownPeakRssBytes), builds: last.result.builds ?? [] };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
