// The audit log (interfaces.md, "Audit log"): who did what, chained by hash, monthly files
// under DATA_DIR/audit/. Low in the layering: the commands in pipelines/ and the server use it.
import os from 'node:os';
import path from 'node:path';
import { appendAuditEvent, type AuditInput, type AuditLogOptions } from './writer.ts';

export { AuditLog, appendAuditEvent, MIN_RETENTION_DAYS, type AuditInput, type AuditLogOptions } from './writer.ts';
export { verifyAuditLog, type VerifyResult } from './verify.ts';
export { readAuditEvents, type AuditFilter, type AuditPage } from './query.ts';
export type { AuditEvent, AuditLine } from './record.ts';

export function auditDirFor(dataDir: string): string {
  return path.join(dataDir, 'audit');
}

/** The person running a command: the operating-system account (commands have no sign-in). */
export function commandUser(): string {
  try {
    return `os:${os.userInfo().username}`;
  } catch {
    return 'os:unknown';
  }
}

/**
 * For commands (refresh, rollback, users, editions): records one event as the person at the
 * shell (role `command`, address `local`) and waits until it is on disk.
 * Example: `await recordCommandEvent(config, { action: 'edition.take', target: '2025-11', outcome: 'success', rows: 1234 })`.
 */
export function recordCommandEvent(
  config: { dataDir: string; auditRetentionDays?: number },
  event: Omit<AuditInput, 'user'> & { user?: string | null },
): Promise<void> {
  const options: AuditLogOptions = { dir: auditDirFor(config.dataDir), ...(config.auditRetentionDays ? { retentionDays: config.auditRetentionDays } : {}) };
  return appendAuditEvent(options, { role: 'command', address: 'local', ...event, user: event.user ?? commandUser() });
}
