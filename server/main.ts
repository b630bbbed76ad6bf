// `npm start`: on a fresh machine, demo data and a first refresh; then the dashboards on PORT.
import type { AddressInfo } from 'node:net';
import { zh } from '../dashboards/i18n/zh.ts';
import { loadConfig } from '../pipelines/config.ts';
import { restrictUmask, tightenDataDir } from '../pipelines/fs/private-files.ts';
import { loadOrCreateSecret } from '../pipelines/pii/person-key.ts';
import { journalDirFor } from '../pipelines/run/journal.ts';
import { createApp } from './app.ts';
import { buildClientAssets } from './assets.ts';
import { createAuth } from './auth/auth.ts';
import { ensureInitialAdmin } from './auth/users.ts';
import { ensureWarehouse } from './bootstrap.ts';
import { createConsoleService } from './console/routes.ts';
import { consoleLogger } from './log.ts';
import { PdfRenderer } from './pdf.ts';
import { createRefreshService } from './refresh/service.ts';
import { WarehouseHolder } from './warehouse.ts';

const log = consoleLogger;
const config = loadConfig();
// DATA_DIR is the owner's alone: new files start 0600/0700, existing ones are tightened.
restrictUmask();
await tightenDataDir(config);
await ensureWarehouse({ config, log });
const warehouse = await WarehouseHolder.open({ file: config.warehouseFile, log });
const assets = await buildClientAssets();
const pdf = new PdfRenderer({ log });
await ensureInitialAdmin(config, (message) => console.log(message));
const auth = createAuth({ usersFile: config.usersFile, tls: config.tls });
const sqlConsole = createConsoleService(config, (message, error) => log.error(message, { error: (error as Error).message }));
const refresh = createRefreshService({ config, log, warehouse });
const app = createApp({
  warehouse,
  assets,
  log,
  pdf,
  tls: config.tls,
  staleAfterDays: config.staleAfterDays,
  runJournalDir: journalDirFor(config.dataDir),
  submissionDeadlineDay: config.submissionDeadlineDay,
  // the warehouse's own secret (a refresh has made one by now), so 预检 finds training rows' counties
  validate: { secret: () => loadOrCreateSecret(config), maxBytes: config.validateMaxBytes },
  authenticate: auth.router,
  routes: [sqlConsole.routes, refresh.routes],
});
const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  console.log(zh.startup.listening(`http://localhost:${port}/`));
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  // No new ticks; a running refresh child gets SIGTERM (it abandons cleanly before publishing,
  // or finishes archiving after) and is waited for, while the server still answers.
  await refresh.stop();
  // stop taking connections, let requests in flight finish, then close the warehouse
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await warehouse.close();
  sqlConsole.close();
  await pdf.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
