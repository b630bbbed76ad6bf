// Retention: a month's file is removed only when its whole month is older than the retention
// (so no line younger than the configured days is ever dropped), never the newest file, and
// each removal is itself recorded with the removed file's last hash, which anchors the chain
// of the files that remain (verify accepts that anchor as the first line's `prev`).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { auditMonths, lastLineOf } from './files.ts';
import { checkLine, fileOfMonth, sha256, type AuditEvent } from './record.ts';

const DAY_MS = 86_400_000;

/** The first instant after `month` (YYYY-MM), Beijing time. */
export function monthEndMs(month: string): number {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return Date.UTC(year, mon, 1) - 8 * 3600_000;
}

export function expiredMonths(months: string[], retentionDays: number, now: number): string[] {
  return months.slice(0, -1).filter((m) => monthEndMs(m) + retentionDays * DAY_MS <= now);
}

export function pruneExpired(dir: string, retentionDays: number, now: number, record: (event: AuditEvent) => void): string[] {
  const expired = expiredMonths(auditMonths(dir), retentionDays, now);
  for (const month of expired) {
    const file = path.join(dir, fileOfMonth(month));
    const { text } = lastLineOf(file);
    const checked = text ? checkLine(text) : null;
    const anchor = checked && 'line' in checked ? checked.line.hash : sha256(text ?? '');
    record({
      time: new Date(now).toISOString(),
      user: null,
      role: null,
      county: null,
      address: 'local',
      action: 'audit.prune',
      target: fileOfMonth(month),
      outcome: 'success',
      rows: null,
      bytes: null,
      detail: { lastHash: anchor, retentionDays },
    });
    rmSync(file, { force: true });
  }
  return expired;
}
