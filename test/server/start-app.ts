// The one way tests start the app: the real createApp (server/app.ts) on an ephemeral loopback
// port over a warehouse file, with the parts a test asks for wired as server/main.ts wires them.
//   authenticate  omitted: every request reads as a city-wide admin (for tests of pages and APIs
//                 that are not about access; createApp itself has no default and refuses to
//                 start without one); a RequestHandler: that step (a fixed scope); AuthOptions:
//                 the real server/auth router over a user store, as `npm start`
//   console       the SQL console route module (server/console) with the given limits
//   refresh       the refresh service (runner, schedule, POST /api/refresh) over a Config
// Every log line of the app (and of refresh children it relays) is kept in `logs`.
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Config } from '../../pipelines/config.ts';
import type { RouteModule } from '../../server/app-context.ts';
import { createApp } from '../../server/app.ts';
import { buildClientAssets, type ClientAssets } from '../../server/assets.ts';
import { createAuth, type Auth, type AuthOptions } from '../../server/auth/auth.ts';
import type { ConsoleQueryEvent } from '../../server/console/router.ts';
import { createConsoleService, type ConsoleConfig, type ConsoleService } from '../../server/console/routes.ts';
import type { Logger } from '../../server/log.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import type { RefreshRunnerOptions } from '../../server/refresh/runner.ts';
import { createRefreshService, type RefreshService } from '../../server/refresh/service.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';

export interface ConsoleOptions {
  /** DATA_DIR: the Parquet exports' temp folder is under it. */
  dataDir: string;
  timeoutMs?: number;
  rowLimit?: number;
  exportRowCap?: number;
  memoryLimit?: string;
  /** More console settings (workers, queue, caps). */
  config?: Partial<ConsoleConfig>;
  /** The console's after-query hook. */
  onQuery?: (event: ConsoleQueryEvent) => void;
}

export interface TestAppOptions {
  warehouseFile: string;
  authenticate?: RequestHandler | Omit<AuthOptions, 'tls'>;
  /** Served as if over TLS: HSTS, upgrade-insecure-requests, Secure cookies. */
  tls?: boolean;
  /** How often the warehouse file is checked for a new publish; 0 (default): never. */
  pollMs?: number;
  /** DATA_DIR/runs, merged into the run history. */
  runJournalDir?: string;
  console?: ConsoleOptions;
  refresh?: { config: Config; runner?: Omit<RefreshRunnerOptions, 'config' | 'log' | 'onRunEnd'> };
  staleAfterDays?: number;
  /** More route modules (e.g. the audit log's). */
  routes?: RouteModule[];
}

export interface TestApp {
  url: string;
  warehouse: WarehouseHolder;
  /** The auth of `authenticate: AuthOptions` (its user store makes users and tokens). */
  auth: Auth | undefined;
  console: ConsoleService | undefined;
  refresh: RefreshService | undefined;
  logs: string[];
  close(): Promise<void>;
}

/** For tests that are not about access: each request a city-wide admin. */
export const asCityWideAdmin: RequestHandler = (req, _res, next) => {
  req.scope = { role: 'admin', countyCode: null };
  next();
};

let assets: Promise<ClientAssets> | undefined;

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const logs: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const log: Logger = { info: record('INFO'), warn: record('WARN'), error: record('ERROR') };
  const tls = options.tls ?? false;
  assets ??= buildClientAssets(); // bundled while the warehouse opens
  const warehouse = await WarehouseHolder.open({ file: options.warehouseFile, pollMs: options.pollMs ?? 0, threads: 1, log });
  const pdf = new PdfRenderer({ log });
  const given = options.authenticate ?? asCityWideAdmin;
  const auth = typeof given === 'function' ? undefined : createAuth({ ...given, tls });
  const sqlConsole =
    options.console &&
    createConsoleService(consoleConfig(options.warehouseFile, options.console), {
      log: (message, error) => log.error(message, { error: String(error) }),
      ...(options.console.onQuery ? { onQuery: options.console.onQuery } : {}),
    });
  const refresh = options.refresh && createRefreshService({ config: options.refresh.config, log, warehouse, ...(options.refresh.runner ? { runner: options.refresh.runner } : {}) });
  const routes: RouteModule[] = [...(sqlConsole ? [sqlConsole.routes] : []), ...(refresh ? [refresh.routes] : []), ...(options.routes ?? [])];
  const app = createApp({
    warehouse,
    assets: await assets,
    pdf,
    log,
    tls,
    authenticate: auth ? auth.router : (given as RequestHandler),
    routes,
    ...(options.runJournalDir ? { runJournalDir: options.runJournalDir } : {}),
    ...(options.staleAfterDays !== undefined ? { staleAfterDays: options.staleAfterDays } : {}),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    warehouse,
    auth,
    console: sqlConsole,
    refresh,
    logs,
    close: async () => {
      // as server/main.ts shuts down: no new refresh, the running one stopped, then the rest
      await refresh?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      sqlConsole?.close();
      await warehouse.close();
      await pdf.close();
    },
  };
}

function consoleConfig(warehouseFile: string, options: ConsoleOptions): Parameters<typeof createConsoleService>[0] {
  return {
    dataDir: options.dataDir,
    warehouseFile,
    consoleTimeoutMs: options.timeoutMs ?? 10_000,
    consoleRowLimit: options.rowLimit ?? 10_000,
    consoleExportRowCap: options.exportRowCap ?? 1_000_000,
    consoleMemoryLimit: options.memoryLimit ?? '512MB',
    ...options.config,
  };
}
