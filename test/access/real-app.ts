// The real app (server/app.ts) as `npm start` wires it — the auth router in the authenticate
// slot, the SQL console as a route module — on a free port, over a test world.
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { buildClientAssets } from '../../server/assets.ts';
import { createAuth, type Auth } from '../../server/auth/auth.ts';
import { createConsoleService } from '../../server/console/routes.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';
import type { World } from './world.ts';

export interface RealApp {
  url: string;
  auth: Auth;
  close(): Promise<void>;
}

export async function startRealApp(world: World, options: { timeoutMs?: number } = {}): Promise<RealApp> {
  const warehouse = await WarehouseHolder.open({ file: world.warehouseFile, pollMs: 0, threads: 1 });
  const assets = await buildClientAssets();
  const pdf = new PdfRenderer({});
  const auth = createAuth({ usersFile: world.usersFile, tls: false });
  const sqlConsole = createConsoleService({
    dataDir: world.dataDir,
    warehouseFile: world.warehouseFile,
    consoleTimeoutMs: options.timeoutMs ?? 10_000,
    consoleRowLimit: 10_000,
    consoleExportRowCap: 1_000_000,
    consoleMemoryLimit: '512MB',
  });
  const app = createApp({ warehouse, assets, pdf, authenticate: auth.router, routes: [sqlConsole.routes] });
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
