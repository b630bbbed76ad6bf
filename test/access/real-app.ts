// An alias kept for tests written before the one starter (test/server/start-app.ts): new tests
// call startWorldApp of ./world.ts.
import type { AuditLog } from '../../pipelines/audit-log/index.ts';
import type { AuthOptions } from '../../server/auth/auth.ts';
import { auditRoutes } from '../../server/routes/audit.ts';
import { startTestApp } from '../server/start-app.ts';
import type { World, WorldApp } from './world.ts';

export type RealApp = WorldApp;

export interface RealAppOptions {
  timeoutMs?: number;
  /** More auth settings (a fake clock, session times, the audit log…). */
  auth?: Partial<AuthOptions>;
  /** The audit log: given to auth, and GET /api/audit and /audit are served from it. */
  audit?: AuditLog;
}

export async function startRealApp(world: World, options: RealAppOptions = {}): Promise<RealApp> {
  const { tls: _tls, ...auth } = options.auth ?? {};
  const app = await startTestApp({
    warehouseFile: world.warehouseFile,
    authenticate: { usersFile: world.usersFile, ...auth, ...(options.audit ? { audit: options.audit } : {}) },
    console: { dataDir: world.dataDir, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
    ...(options.audit ? { routes: [auditRoutes({ dir: options.audit.dir, retentionDays: options.audit.retentionDays })] } : {}),
  });
  return { ...app, auth: app.auth! };
}
