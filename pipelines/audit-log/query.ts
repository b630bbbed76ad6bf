// Reads the audit log back for GET /api/audit and the 审计日志 page: the lines of the months
// in range, filtered by time, user and action, newest first, at most `limit` of them and at
// most `maxChars` of text (a door with limits: a month of long console queries stays bounded).
import { createReadStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { auditMonths } from './files.ts';
import { fileOfMonth, monthOf, type AuditLine } from './record.ts';

export interface AuditFilter {
  /** Inclusive bounds, ISO instants. */
  fromMs?: number;
  toMs?: number;
  user?: string;
  /** An action (`auth.login`) or its family (`auth`). */
  action?: string;
  limit: number;
  /** At most this many characters of lines kept (long console queries); the oldest go first. Default 32 MiB. */
  maxChars?: number;
}

export interface AuditPage {
  rows: AuditLine[];
  /** More lines matched than `limit`: the oldest were left out. */
  truncated: boolean;
}

function matches(line: AuditLine, filter: AuditFilter): boolean {
  const at = Date.parse(line.time);
  if (filter.fromMs !== undefined && at < filter.fromMs) return false;
  if (filter.toMs !== undefined && at > filter.toMs) return false;
  if (filter.user !== undefined && line.user !== filter.user) return false;
  if (filter.action !== undefined && line.action !== filter.action && !line.action.startsWith(`${filter.action}.`)) return false;
  return true;
}

export async function readAuditEvents(dir: string, filter: AuditFilter): Promise<AuditPage> {
  const fromMonth = filter.fromMs !== undefined ? monthOf(filter.fromMs) : '0000-00';
  const toMonth = filter.toMs !== undefined ? monthOf(filter.toMs) : '9999-99';
  // A line may sit in a month after its own (a lagging clock): read one month past `to`.
  const months = auditMonths(dir).filter((m) => m >= fromMonth);
  const kept: { line: AuditLine; chars: number }[] = [];
  const maxChars = filter.maxChars ?? 32 * 1024 * 1024;
  let chars = 0;
  let truncated = false;
  let pastEnd = 0;
  for (const month of months) {
    if (month > toMonth && ++pastEnd > 1) break;
    const input = readline.createInterface({ input: createReadStream(path.join(dir, fileOfMonth(month)), 'utf8'), crlfDelay: Infinity });
    for await (const text of input) {
      let line: AuditLine;
      try {
        line = JSON.parse(text) as AuditLine;
      } catch {
        continue; // verify reports damaged lines; the viewer shows the rest
      }
      if (!matches(line, filter)) continue;
      kept.push({ line, chars: text.length });
      chars += text.length;
      while (kept.length > filter.limit || (chars > maxChars && kept.length > 1)) {
        chars -= kept.shift()!.chars;
        truncated = true;
      }
    }
  }
  return { rows: kept.map((k) => k.line).reverse(), truncated };
}
