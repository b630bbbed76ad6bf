// `npm start`: on a fresh machine, demo data and a first refresh; then the dashboards on PORT.
import type { AddressInfo } from 'node:net';
import { zh } from '../dashboards/i18n/zh.ts';
import { AuditLog, auditDirFor } from '../pipelines/audit-log/index.ts';
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
import { auditRoutes } from './routes/audit.ts';
import { startEditionSchedule } from './editions/schedule.ts';
import { editionsDirFor } from '../pipelines/editions/store.ts';
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
const audit = new AuditLog({
  dir: auditDirFor(config.dataDir),
  retentionDays: config.auditRetentionDays,
  onError: (error) => log.error('audit log write failed', { error: (error as Error).message }),
});
if (await ensureInitialAdmin(config, (message) => console.log(message))) {
  await audit.append({ user: 'system', role: null, address: 'local', action: 'users.add', target: 'admin', outcome: 'success', detail: { role: 'admin', firstStart: true } });
}
const auth = createAuth({
  usersFile: config.usersFile,
  tls: config.tls,
  sessionIdleMs: config.sessionIdleMinutes * 60_000,
  sessionAbsoluteMs: config.sessionMaxHours * 3_600_000,
  ...(config.passwordMaxAgeDays ? { passwordMaxAgeDays: config.passwordMaxAgeDays } : {}),
  audit,
  onAuditError: (error) => log.error('audit log write failed', { error: (error as Error).message }),
});
// Console queries are audited at the HTTP layer (/api/sql: user, SQL text, format, rows, outcome).
const sqlConsole = createConsoleService(config, { log: (message, error) => log.error(message, { error: error instanceof Error ? error.message : error }) });
const refresh = createRefreshService({ config, log, warehouse });
const editionsDir = editionsDirFor(config.dataDir);
const editionSchedule = config.editionScheduleEnabled
  ? startEditionSchedule({
      cron: config.editionCron,
      timezone: config.editionTimezone,
      dir: editionsDir,
      warehouseFile: config.warehouseFile,
      log,
      now: () => new Date(),
      onTaken: (manifest) =>
        audit.append({ user: 'schedule', role: null, address: 'local', action: 'edition.take', target: manifest.edition, outcome: 'success', rows: manifest.rows }),
    })
  : null;
const app = createApp({
  warehouse,
  assets,
  log,
  pdf,
  tls: config.tls,
  staleAfterDays: config.staleAfterDays,
  runJournalDir: journalDirFor(config.dataDir),
  editions: { dir: editionsDir, issuingOffice: config.issuingOffice },
  submissionDeadlineDay: config.submissionDeadlineDay,
  // the warehouse's own secret (a refresh has made one by now), so 预检 finds training rows' counties
  validate: { secret: () => loadOrCreateSecret(config), maxBytes: config.validateMaxBytes },
  authenticate: auth.router,
  routes: [sqlConsole.routes, refresh.routes, auditRoutes({ dir: audit.dir, retentionDays: audit.retentionDays })],
});
const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  void audit.append({ user: 'system', address: 'local', action: 'server.start', target: `port ${port}`, outcome: 'success' });
  console.log(zh.startup.listening(`http://localhost:${port}/`));
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  // No new ticks; a running refresh child gets SIGTERM (it abandons cleanly before publishing,
  // or finishes archiving after) and is waited for, while the server still answers.
  await editionSchedule?.stop();
  await refresh.stop();
  // stop taking connections, let requests in flight finish, then close the warehouse
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await warehouse.close();
  await audit.append({ user: 'system', address: 'local', action: 'server.stop', target: signal, outcome: 'success' });
  sqlConsole.close();
  await pdf.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
