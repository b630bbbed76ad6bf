// `npm run bench -- --scale tiny` as a real child process: it exits 0, prints every figure
// (the printed numbers are the JSON's), writes the JSON of interfaces.md's Benchmark section
// with positive figures, and removes its temporary DATA_DIR. No timing is asserted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The figure as the report prints it: 2 decimals below 10, else 1. */
const printed = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const int = (x: number) => Math.round(x).toLocaleString('en-US');

describe('npm run bench -- --scale tiny', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  const out = path.join(dir, 'b.json');
  let run: Run;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let json: any;

  beforeAll(async () => {
    run = await runBench(['--scale', 'tiny', '--out', out, '--api-seconds', '1']);
    if (run.code === 0) json = JSON.parse(readFileSync(out, 'utf8'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

  it('exits 0 and removes its DATA_DIR', () => {
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const dataDir = /DATA_DIR (\S+) \(removed at the end\)/.exec(run.stderr)?.[1];
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir!)).toBe(false);
  });

  it('writes every key of the contract, with figures that must be positive', () => {
    expect(json.scale).toBe('tiny');
    for (const key of ['seconds', 'floor_seconds', 'ratio', 'peak_rss_bytes'] as const) {
      expect(typeof json.refresh[key], key).toBe('number');
      expect(json.refresh[key], key).toBeGreaterThan(0);
    }
    expect(json.refresh.ratio).toBeCloseTo(json.refresh.seconds / json.refresh.floor_seconds, 9);
    expect(json.incremental.seconds).toBeGreaterThan(0);
    expect(json.incremental.ratio_to_full).toBeCloseTo(json.incremental.seconds / json.refresh.seconds, 9);
    expect(json.api.map((a: { path: string }) => a.path)).toEqual(['/api/indicators?grain=county&unit=331102', '/']);
    for (const api of json.api) {
      for (const key of ['p50_ms', 'p99_ms', 'rps', 'floor_rps', 'floor_p99_ms'] as const) expect(api[key], `${api.path} ${key}`).toBeGreaterThan(0);
      expect(api.p50_ms).toBeLessThanOrEqual(api.p99_ms);
      expect(api.errors, api.path).toBe(0);
      expect(api.floor_errors, api.path).toBe(0);
    }
  });

  it('measures what it loaded: rows per source, the floor over the CSV rows, the next day incremental', () => {
    const { refresh, floor, incremental } = json;
    for (const source of ['offices', 'staff', 'cases', 'training']) {
      expect(refresh.sources[source].rows, source).toBeGreaterThan(0);
      expect(refresh.sources[source].rows_per_second, source).toBeGreaterThan(0);
    }
    expect(refresh.rows).toBe(refresh.formats.csv.rows + refresh.formats.xlsx.rows);
    // The floor reads the CSV exports' data rows; trailing empty rows count there, not in the refresh.
    expect(floor.rows).toBeGreaterThanOrEqual(refresh.formats.csv.rows);
    expect(floor.files).toBe(refresh.formats.csv.files);
    expect(incremental.files_added.length).toBeGreaterThan(0);
    expect(incremental.rows).toBeGreaterThan(0);
    expect(incremental.stages.read + incremental.stages.decode).toBeGreaterThan(0);
    expect(json.settings.duckdb_threads).toBeGreaterThan(0);
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.duckdb_version).toMatch(/^v\d/);
  });

  it('prints every figure of the JSON on the terminal', () => {
    const { refresh, incremental } = json;
    const lines = run.stdout.split('\n');
    const line = (start: RegExp) => lines.find((l) => start.test(l)) ?? '';
    const seconds = line(/^\s+seconds\s/);
    expect(seconds).toContain(`${printed(refresh.seconds)} s`);
    expect(seconds).toContain(`${printed(refresh.floor_seconds)} s`);
    expect(seconds).toContain(`×${refresh.ratio.toFixed(2)}`);
    expect(line(/^\s+peak RSS/)).toContain(`${Math.round(refresh.peak_rss_bytes / 1024 ** 2)} MiB`);
    expect(line(/^\s+peak RSS/)).toContain(`${Math.round(refresh.floor_peak_rss_bytes / 1024 ** 2)} MiB`);
    expect(line(/^\s+seconds .*peak RSS/)).toContain(`seconds ${printed(incremental.seconds)} s`);
    expect(line(/^\s+stages:/)).toMatch(/decode .* read .* validate .* models .* data tests .* publish/);
    // The next day's run: its share of the full run, and how it built the models (the office parts of the case indicators by (year, office), cases_monthly by its change).
    const plan = line(/% of the full refresh/);
    expect(plan).toContain(`${(incremental.ratio_to_full * 100).toFixed(1)} % of the full refresh`);
    expect(plan).toContain(`${incremental.partial_builds.filter((b: { mode: string }) => b.mode === 'skip').length} skipped as unchanged`);
    expect(plan).toMatch(/intermediate\.int_parts_cases \[[\d,]+ \(year, office\) pairs/);
    expect(plan).toMatch(/by delta (\S+, )*mart\.cases_monthly/);
    expect(line(/rows\/s per source/)).toContain(int(refresh.sources.cases.rows_per_second));
    for (const api of json.api) {
      const row = lines.find((l) => l.trimStart().startsWith(`${api.path} `)) ?? '';
      for (const figure of [`${printed(api.p50_ms)} ms`, `${printed(api.p95_ms)} ms`, `${printed(api.p99_ms)} ms`, int(api.rps), `${printed(api.floor_p99_ms)} ms`, int(api.floor_rps)]) {
        expect(row, `${api.path}: ${figure}`).toContain(figure);
      }
      expect(row.split(/\s{2,}/).map((c) => c.trim())).toContain(String(api.errors));
    }
  });
});
