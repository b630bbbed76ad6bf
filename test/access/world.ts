// A small world for the access tests: a DATA_DIR with a published warehouse (the `tiny` demo
// set through the real refresh, or the server tests' fixture), its analyst database written by
// the real writer, and users made through the real store; the app over it is started by the one
// test starter (test/server/start-app.ts) with the real auth and the SQL console.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { analystFileFor, currentAnalystFile, writeAnalystDatabase } from '../../pipelines/publish/analyst.ts';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';
import type { Auth } from '../../server/auth/auth.ts';
import type { Role } from '../../server/auth/roles.ts';
import type { ConsoleEngine } from '../../server/console/engine.ts';
import { buildTestWarehouse } from '../server/fixture-warehouse.ts';
import { startTestApp, type ConsoleOptions, type TestApp, type TestAppOptions } from '../server/start-app.ts';

export interface World {
  dataDir: string;
  warehouseFile: string;
  analystFile: string;
  secretFile: string;
  usersFile: string;
  cleanup(): Promise<void>;
}

/** A DATA_DIR with a published warehouse and, if the refresh did not write one, its analyst copy. */
export async function makeWorld(options: { forceFixture?: boolean } = {}): Promise<World> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-access-'));
  const warehouseFile = await buildTestWarehouse(dataDir, options);
  let analystFile = await currentAnalystFile(warehouseFile);
  if (!analystFile) {
    analystFile = analystFileFor(warehouseFile, '20250101T000000Z-test00');
    const db = await openDatabase(warehouseFile);
    try {
      await writeAnalystDatabase(db.connection, analystFile);
      await db.connection.run('CHECKPOINT');
    } finally {
      db.close();
    }
  }
  return {
    dataDir,
    warehouseFile,
    analystFile,
    secretFile: path.join(dataDir, 'secret.key'),
    usersFile: path.join(dataDir, 'users.json'),
    cleanup: () => rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }),
  };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** sha256 of every file that must never change through the console (absent ones skipped). */
export function fingerprints(world: World): Record<string, string> {
  const files = [world.warehouseFile, `${world.warehouseFile}.wal`, world.analystFile, `${world.analystFile}.wal`, world.usersFile, world.secretFile];
  return Object.fromEntries(files.filter((f) => existsSync(f)).map((f) => [f, sha256File(f)]));
}

/** The app over a world: the real auth makes its users. */
export type WorldApp = TestApp & { auth: Auth };

/** The app as `npm start` wires it over the world: the real auth, the SQL console (with these limits). */
export async function startWorldApp(
  world: World,
  options: { console?: Omit<ConsoleOptions, 'dataDir'>; tls?: boolean; loginFailureLimit?: number; refresh?: TestAppOptions['refresh'] } = {},
): Promise<WorldApp> {
  const app = await startTestApp({
    warehouseFile: world.warehouseFile,
    authenticate: { usersFile: world.usersFile, loginFailureLimit: options.loginFailureLimit ?? 10 },
    tls: options.tls ?? false,
    console: { dataDir: world.dataDir, ...options.console },
    ...(options.refresh ? { refresh: options.refresh } : {}),
  });
  return { ...app, auth: app.auth! };
}

/** The world's app with its console engine at hand (tests of the console's limits). */
export type TestServer = WorldApp & { engine: ConsoleEngine };

export interface ServerOptions {
  timeoutMs?: number;
  rowLimit?: number;
  exportRowCap?: number;
  loginFailureLimit?: number;
  tls?: boolean;
  memoryLimit?: string;
  /** More console settings (workers, queue, caps). */
  console?: ConsoleOptions['config'];
  /** The console's after-query hook. */
  onQuery?: ConsoleOptions['onQuery'];
}

/** startWorldApp with the console's settings named one by one. */
export async function startServer(world: World, options: ServerOptions = {}): Promise<TestServer> {
  const { console: config, onQuery, tls, loginFailureLimit, ...limits } = options;
  const app = await startWorldApp(world, {
    console: { ...limits, ...(config ? { config } : {}), ...(onQuery ? { onQuery } : {}) },
    ...(tls !== undefined ? { tls } : {}),
    ...(loginFailureLimit !== undefined ? { loginFailureLimit } : {}),
  });
  return { ...app, engine: app.console!.engine };
}

/** Creates a user through the real store; returns its API token. */
export async function addUser(app: WorldApp, name: string, role: Role, county: string | null = null): Promise<string> {
  const { token } = await app.auth.users.add({ name, role, county });
  return token;
}

export async function postSql(
  server: { url: string },
  token: string,
  sql: string,
  options: { format?: string; accept?: string; id?: string } = {},
): Promise<Response> {
  const query = options.format ? `?format=${options.format}` : '';
  return fetch(`${server.url}/api/sql${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(options.accept ? { accept: options.accept } : {}) },
    body: JSON.stringify({ sql, ...(options.id ? { id: options.id } : {}) }),
  });
}
