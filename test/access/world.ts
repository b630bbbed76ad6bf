// A small world for the access tests: a DATA_DIR with a published warehouse (the real
// pipeline's `tiny` demo set once it exists, else the server tests' fixture), its analyst
// database written by the real writer, users made through the real store, and an HTTP server
// on a free port: the security headers, the auth router and the console router on a tiny
// Express app, plus stand-ins for /api/health and /api/indicators (real-app.ts starts the real app).
import { securityHeaders } from '../../server/http/security-headers.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { analystFileFor, currentAnalystFile, writeAnalystDatabase } from '../../pipelines/publish/analyst.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { createAuth, type Auth } from '../../server/auth/auth.ts';
import type { Role } from '../../server/auth/roles.ts';
import type { ConsoleEngine } from '../../server/console/engine.ts';
import { createConsoleService, type ConsoleConfig } from '../../server/console/routes.ts';
import type { ConsoleQueryEvent } from '../../server/console/router.ts';
import { buildTestWarehouse } from '../server/fixture-warehouse.ts';

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
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
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

export interface TestServer {
  url: string;
  auth: Auth;
  engine: ConsoleEngine;
  close(): Promise<void>;
}

export interface ServerOptions {
  timeoutMs?: number;
  rowLimit?: number;
  exportRowCap?: number;
  loginFailureLimit?: number;
  tls?: boolean;
  memoryLimit?: string;
  /** More console settings (workers, queue, caps). */
  console?: Partial<ConsoleConfig>;
  /** The console's after-query hook. */
  onQuery?: (event: ConsoleQueryEvent) => void;
}

/** The auth and console routers on an Express app on a free port, with stand-in API routes. */
export async function startServer(world: World, options: ServerOptions = {}): Promise<TestServer> {
  const auth = createAuth({ usersFile: world.usersFile, tls: options.tls ?? false, loginFailureLimit: options.loginFailureLimit ?? 10 });
  const sqlConsole = createConsoleService(
    {
      dataDir: world.dataDir,
      warehouseFile: world.warehouseFile,
      consoleTimeoutMs: options.timeoutMs ?? 10_000,
      consoleRowLimit: options.rowLimit ?? 10_000,
      consoleExportRowCap: options.exportRowCap ?? 1_000_000,
      consoleMemoryLimit: options.memoryLimit ?? '512MB',
      ...options.console,
    },
    { log: (message, error) => console.error(message, error), ...(options.onQuery ? { onQuery: options.onQuery } : {}) },
  );
  const main = await openDatabase(world.warehouseFile, { readOnly: true, threads: 1 });
  const app = express();
  app.use(securityHeaders({ tls: options.tls ?? false }));
  app.use(auth.router);
  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/indicators', async (req, res) => {
    const rows = await queryJson(main.connection, "SELECT * FROM mart.indicator_values WHERE grain IN ('city', 'county') ORDER BY ALL LIMIT 200");
    res.json({ rows, scope: req.scope });
  });
  app.get('/api/runs', (_req, res) => {
    res.json({ runs: [] });
  });
  app.post('/api/refresh', (_req, res) => {
    res.status(202).json({ started: true });
  });
  app.get('/', (req, res) => {
    res.type('html').send(`<!doctype html><meta name="csrf-token" content="${String(res.locals.csrfToken ?? '')}"><p>${req.user?.name}</p>`);
  });
  app.post('/api/echo', (req, res) => {
    res.json({ ok: true, user: req.user?.name });
  });
  const consoleRoutes = express.Router();
  sqlConsole.routes(consoleRoutes, undefined as never);
  app.use(consoleRoutes);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    auth,
    engine: sqlConsole.engine,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      sqlConsole.close();
      main.close();
    },
  };
}

/** Creates a user through the real store; returns its API token. */
export async function addUser(server: TestServer, name: string, role: Role, county: string | null = null): Promise<string> {
  const { token } = await server.auth.users.add({ name, role, county });
  return token;
}

export async function postSql(
  server: TestServer,
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
