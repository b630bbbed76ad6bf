// The real app on an ephemeral port over a warehouse file, for the server and browser tests.
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { createApp } from '../../server/app.ts';
import { buildClientAssets, type ClientAssets } from '../../server/assets.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';

export interface TestApp {
  url: string;
  warehouse: WarehouseHolder;
  close(): Promise<void>;
}

let assets: Promise<ClientAssets> | undefined;

export async function startTestApp(options: { warehouseFile: string; authenticate?: RequestHandler; pollMs?: number }): Promise<TestApp> {
  const warehouse = await WarehouseHolder.open({ file: options.warehouseFile, pollMs: options.pollMs ?? 0, threads: 1 });
  assets ??= buildClientAssets();
  const pdf = new PdfRenderer();
  const app = createApp({ warehouse, assets: await assets, pdf, ...(options.authenticate ? { authenticate: options.authenticate } : {}) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    warehouse,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await warehouse.close();
      await pdf.close();
    },
  };
}
