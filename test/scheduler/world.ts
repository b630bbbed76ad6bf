// Shared parts of the scheduler tests: a DATA_DIR with the tiny demo inbox and users made by the
// real store; the real app assembled as `npm start` assembles it (auth, the refresh service with
// its schedule and POST /api/refresh, the run journals) on a free port; the refresh CLI as a real
// child process; small HTTP helpers with bearer tokens.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { journalDirFor, readRunJournals, type RunJournal } from '../../pipelines/run/journal.ts';
import type { Role } from '../../server/auth/roles.ts';
import { UserStore } from '../../server/auth/users.ts';
import type { RefreshService } from '../../server/refresh/service.ts';
import type { RefreshRunnerOptions } from '../../server/refresh/runner.ts';
import type { WarehouseHolder } from '../../server/warehouse.ts';
import { startTestApp } from '../server/start-app.ts';
import type { RunHistoryEntry } from '../../dashboards/queries/runs.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Fixed, so that every process of a world hashes person keys alike. */
export const HMAC_SECRET = 'scheduler-tests-secret-0123456789abcdef';

export interface World {
  dataDir: string;
  /** The settings of DATA_DIR/config.json, which the server and its children both read. */
  config: Config;
  tokens: Record<'admin' | 'viewer', string>;
  cleanup(): Promise<void>;
}

export interface WorldOptions {
  /** DATA_DIR/config.json settings (the schedule is off unless set). */
  settings?: Record<string, unknown>;
  /** Fill the inbox with the tiny demo set (default true); `endDate` dates it. */
  inbox?: boolean | { endDate: string };
}

export async function makeWorld(options: WorldOptions = {}): Promise<World> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-scheduler-'));
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ scheduleEnabled: false, ...options.settings }));
  const config = loadConfig({ dataDir }, { HMAC_SECRET });
  await mkdir(config.inboxDir, { recursive: true });
  const inbox = options.inbox ?? true;
  if (inbox) {
    await generateDemoExports({ outDir: config.inboxDir, scale: 'tiny', overwrite: true, ...(typeof inbox === 'object' ? { endDate: inbox.endDate } : {}) });
  }
  const users = new UserStore(config.usersFile);
  const tokens = { admin: await token(users, 'admin', 'admin'), viewer: await token(users, 'viewer', 'viewer') };
  return { dataDir, config, tokens, cleanup: () => rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }) };
}

async function token(users: UserStore, name: string, role: Role): Promise<string> {
  return (await users.add({ name, role })).token;
}

export interface Server {
  url: string;
  service: RefreshService;
  warehouse: WarehouseHolder;
  /** Every log line of the server (its own and its children's relayed output). */
  logs: string[];
  close(): Promise<void>;
}

/** The app as server/main.ts wires it, over the world's DATA_DIR; `config` overrides settings. */
export async function startServer(world: World, options: { config?: Partial<Config>; runner?: Omit<RefreshRunnerOptions, 'config' | 'log' | 'onRunEnd'> } = {}): Promise<Server> {
  const config: Config = { ...world.config, ...options.config };
  const app = await startTestApp({
    warehouseFile: config.warehouseFile,
    pollMs: 500,
    authenticate: { usersFile: config.usersFile },
    runJournalDir: journalDirFor(config.dataDir),
    refresh: { config, runner: { ...options.runner, childEnv: { HMAC_SECRET, ...options.runner?.childEnv } } },
  });
  return { url: app.url, service: app.refresh!, warehouse: app.warehouse, logs: app.logs, close: app.close };
}

export async function api(server: { url: string }, token: string, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${pathAndQuery}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

export async function runsOf(server: { url: string }, world: World): Promise<RunHistoryEntry[]> {
  const response = await api(server, world.tokens.admin, '/api/runs');
  if (response.status !== 200) throw new Error(`GET /api/runs: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { rows: RunHistoryEntry[] }).rows;
}

export function journals(world: World): Promise<RunJournal[]> {
  return readRunJournals(journalDirFor(world.dataDir));
}

/** Polls until `check` returns a value (not undefined / false); fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Cli {
  process: ChildProcess;
  stderr(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stderr has shown `text`; rejects when the process ends first. */
  waitFor(text: string): Promise<void>;
}

/** `npm run refresh`'s CLI as one real process over the world's DATA_DIR. */
export function spawnRefreshCli(world: World, options: { args?: string[]; env?: Record<string, string> } = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'pipelines/cli/refresh.ts'), ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: world.dataDir, HMAC_SECRET, INIT_CWD: ROOT, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stdin!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`refresh exited (${code ?? signal}) before "${waiter.text}": ${stderr.slice(-1500)}`));
      resolve({ code, signal });
    }),
  );
  return {
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    waitFor: (text) => (stderr.includes(text) ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ text, resolve, reject }))),
  };
}
