// Shared parts of the refresh-safety tests: the tiny demo set cut into refresh rounds, the
// refresh and rollback commands as real child processes (one process each, so a SIGKILL hits
// the refresh itself), the real app with token authentication and its default polling, and a
// comparison of every mart table of two warehouse files.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import type { WarehouseHolder } from '../../server/warehouse.ts';
import { startTestApp } from '../server/start-app.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const HMAC_SECRET = 'refresh-safety-tests-secret-0123456789abcdef';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A DATA_DIR for one test, with its config.json. */
export async function dataDirWith(settings: Record<string, unknown> = {}): Promise<{ dataDir: string; config: Config }> {
  const dataDir = await tempDir('lishui-refresh-');
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ scheduleEnabled: false, ...settings }));
  return { dataDir, config: loadConfig({ dataDir }, { HMAC_SECRET }) };
}

/**
 * The tiny demo set in three refresh rounds: the June exports, the November exports, and a
 * corrected re-export of the June case file (same name, same export date, other bytes: every
 * successful mediation reported as unsuccessful) — so which of the two June case files was
 * loaded last shows in the marts.
 */
export async function demoRounds(): Promise<string[][]> {
  const dir = await tempDir('lishui-refresh-demo-');
  const all = path.join(dir, 'all');
  await generateDemoExports({ outDir: all, scale: 'tiny', seed: 11, endDate: '2025-11-30' });
  const names = readdirSync(all).filter((name) => /_\d{8}\./.test(name));
  const round = (date: string) => names.filter((n) => n.includes(date)).map((n) => path.join(all, n));
  const correctedDir = path.join(dir, 'corrected');
  mkdirSync(correctedDir);
  const original = readFileSync(path.join(all, 'cases_20250601.csv'), 'utf8');
  const corrected = original.replaceAll(',已办结,调解成功,', ',已办结,调解不成功,');
  if (corrected === original) throw new Error('the demo case file has no successful mediation to correct');
  writeFileSync(path.join(correctedDir, 'cases_20250601.csv'), corrected);
  return [round('20250601'), round('20251130'), [path.join(correctedDir, 'cases_20250601.csv')]];
}

export function putInInbox(config: Config, files: string[]): void {
  mkdirSync(config.inboxDir, { recursive: true });
  for (const file of files) copyFileSync(file, path.join(config.inboxDir, path.basename(file)));
}

export function inboxNames(config: Config): string[] {
  return existsSync(config.inboxDir) ? readdirSync(config.inboxDir).sort() : [];
}

export interface Child {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stderr has printed a line containing `text`; rejects if the process ends first. */
  waitFor(text: string): Promise<void>;
}

/** A command of this repository as one Node process (tsx as a loader, not a wrapper process). */
export function spawnCommand(script: string, args: string[], options: { dataDir: string; env?: Record<string, string> }): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: options.dataDir, HMAC_SECRET, INIT_CWD: ROOT, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Child = {
    process: child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    waitFor(text: string) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.stderr.includes(text)) {
            child.stderr!.off('data', check);
            resolve();
          }
        };
        child.stderr!.on('data', check);
        void out.exited.then(() => (out.stderr.includes(text) ? resolve() : reject(new Error(`exited before "${text}":\n${out.stderr}\n${out.stdout}`))));
        check();
      });
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  return out;
}

export function spawnRefresh(dataDir: string, options: { args?: string[]; pauseAt?: string; env?: Record<string, string> } = {}): Child {
  return spawnCommand('pipelines/cli/refresh.ts', options.args ?? [], {
    dataDir,
    env: { ...(options.pauseAt ? { REFRESH_PAUSE_AT: options.pauseAt } : {}), ...options.env },
  });
}

/** Runs a command to its end. */
export async function runCommand(script: string, args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCommand(script, args, { dataDir });
  child.process.stdin!.end();
  const { code } = await child.exited;
  return { code, stdout: child.stdout, stderr: child.stderr };
}

export interface TestServer {
  url: string;
  token: string;
  warehouse: WarehouseHolder;
  /** GET with the viewer token: status and body text. */
  get(pathAndQuery: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** The real app over DATA_DIR's warehouse, as `npm start` wires it: token auth, polling once a second. */
export async function startServer(config: Config): Promise<TestServer> {
  const app = await startTestApp({ warehouseFile: config.warehouseFile, authenticate: { usersFile: config.usersFile }, pollMs: 1000 });
  const { token } = await app.auth!.users.add({ name: 'leader', role: 'viewer' });
  return {
    url: app.url,
    token,
    warehouse: app.warehouse,
    async get(pathAndQuery: string) {
      const response = await fetch(`${app.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.text() };
    },
    close: app.close,
  };
}

/** Asks until `accept` holds for the answer (the server switches files by polling). */
export async function getUntil(server: TestServer, pathAndQuery: string, accept: (body: string) => boolean, limitMs = 30_000): Promise<string> {
  const until = Date.now() + limitMs;
  for (;;) {
    const { status, body } = await server.get(pathAndQuery);
    if (status === 200 && accept(body)) return body;
    if (Date.now() > until) throw new Error(`no accepted answer for ${pathAndQuery} within ${limitMs} ms; last: ${status} ${body.slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The answer of the warehouse published since the server held generation `before`: waits for
 * the server to open a newer file (asking it to look now, as its poll would), then asks.
 * Two builds of the same data may differ in the last bit of a summed double, so a new file's
 * answer is taken from the server, not assumed equal to an earlier one.
 */
export async function answerAfterPublish(server: TestServer, pathAndQuery: string, before: number | null, limitMs = 30_000): Promise<string> {
  const until = Date.now() + limitMs;
  while (server.warehouse.generation === before) {
    if (Date.now() > until) throw new Error(`the server did not open the newly published warehouse within ${limitMs} ms`);
    await server.warehouse.reload();
    if (server.warehouse.generation === before) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { status, body } = await server.get(pathAndQuery);
  if (status !== 200) throw new Error(`${pathAndQuery}: ${status} ${body.slice(0, 200)}`);
  return body;
}

/**
 * Every table of the `mart` schema, each as its rows in a canonical text form, sorted: doubles
 * rounded to 1e-9, `omit` columns left out (per table).
 */
export async function martTables(warehouseFile: string, omit: Record<string, string[]> = {}): Promise<Record<string, string[]>> {
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  try {
    const tables = await queryJson<{ name: string }>(
      db.connection,
      "SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'mart' ORDER BY 1",
    );
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      const rows = await queryJson<Record<string, unknown>>(db.connection, `SELECT * FROM mart."${name}"`);
      const skip = new Set(omit[name] ?? []);
      out[name] = rows
        .map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !skip.has(column)).map(([column, value]) => [column, canonical(value)])))
        .sort();
    }
    return out;
  } finally {
    db.close();
  }
}

function canonical(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toFixed(9));
  if (Array.isArray(value)) return value.map(canonical);
  return value;
}

/** Names of the files beside W (build leftovers, history, analyst folder, lock record). */
export function besideWarehouse(config: Config): string[] {
  return readdirSync(path.dirname(config.warehouseFile)).sort();
}
