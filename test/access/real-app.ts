// The real app (server/app.ts) as `npm start` wires it — the auth router in the authenticate
// slot, the SQL console as a route module — on a free port, over a test world.
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { buildClientAssets } from '../../server/assets.ts';
import type { AuditLog } from '../../pipelines/audit-log/index.ts';
import { createAuth, type Auth, type AuthOptions } from '../../server/auth/auth.ts';
import { auditRoutes } from '../../server/routes/audit.ts';
import { createConsoleService } from '../../server/console/routes.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';
import type { World } from './world.ts';

export interface RealApp {
  url: string;
  auth: Auth;
  close(): Promise<void>;
}

export interface RealAppOptions {
  timeoutMs?: number;
  /** More auth settings (a fake clock, session times, the audit log…). */
  auth?: Partial<AuthOptions>;
  /** The audit log: given to auth, and GET /api/audit and /audit are served from it. */
  audit?: AuditLog;
}

export async function startRealApp(world: World, options: RealAppOptions = {}): Promise<RealApp> {
  const warehouse = await WarehouseHolder.open({ file: world.warehouseFile, pollMs: 0, threads: 1 });
  const assets = await buildClientAssets();
  const pdf = new PdfRenderer({});
  const auth = createAuth({ usersFile: world.usersFile, tls: false, ...options.auth, ...(options.audit ? { audit: options.audit } : {}) });
  const sqlConsole = createConsoleService({
    dataDir: world.dataDir,
    warehouseFile: world.warehouseFile,
    consoleTimeoutMs: options.timeoutMs ?? 10_000,
    consoleRowLimit: 10_000,
    consoleExportRowCap: 1_000_000,
    consoleMemoryLimit: '512MB',
  });
  const app = createApp({ warehouse, assets, pdf, authenticate: auth.router, routes: [sqlConsole.routes, ...(options.audit ? [auditRoutes({ dir: options.audit.dir, retentionDays: options.audit.retentionDays })] : [])] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    auth,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      sqlConsole.close();
      await warehouse.close();
      await pdf.close();
    },
  };
}
