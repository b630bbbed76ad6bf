// Appends audit events to DATA_DIR/audit/audit-YYYY-MM.jsonl (owner-only), chained by hash.
// Events are queued in memory and written in batches: one lock (shared with every other
// process writing the same log), one read of the last hash, one append. Old months are pruned
// only past the retention (never less than 180 days).
import { appendFileSync, chmodSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock.ts';
import { auditMonths, ensureAuditDir, lastHash, LOCK_FILE } from './files.ts';
import { chainLine, fileOfMonth, monthOf, type AuditEvent } from './record.ts';
import { pruneExpired } from './retention.ts';

export const MIN_RETENTION_DAYS = 180;
/** Events waiting in memory at most; beyond, new ones are counted as dropped and the count logged. */
const MAX_PENDING = 50_000;

export interface AuditLogOptions {
  dir: string;
  retentionDays?: number;
  now?: () => number;
  /** Where a write failure is reported (the event stays queued for the next try). */
  onError?: (error: unknown) => void;
}

export type AuditInput = Omit<AuditEvent, 'time' | 'rows' | 'bytes' | 'role' | 'county' | 'address'> &
  Partial<Pick<AuditEvent, 'time' | 'rows' | 'bytes' | 'role' | 'county' | 'address'>>;

export class AuditLog {
  readonly dir: string;
  readonly retentionDays: number;
  private readonly now: () => number;
  private pending: AuditEvent[] = [];
  private writing: Promise<void> | null = null;
  private dropped = 0;
  private pruned = false;
  private dirReady = false;
  /** Where this process left the log: when the newest file is still that size, its last hash is known. */
  private tail: { month: string; size: number; hash: string } | null = null;

  constructor(private readonly options: AuditLogOptions) {
    this.dir = options.dir;
    this.retentionDays = Math.max(MIN_RETENTION_DAYS, options.retentionDays ?? MIN_RETENTION_DAYS);
    this.now = options.now ?? Date.now;
  }

  /** Queues an event (time = now unless given); the returned promise settles when it is on disk. */
  append(input: AuditInput): Promise<void> {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return this.flush();
    }
    this.pending.push({
      time: input.time ?? new Date(this.now()).toISOString(),
      user: input.user,
      role: input.role ?? null,
      county: input.county ?? null,
      address: input.address ?? null,
      action: input.action,
      target: input.target,
      outcome: input.outcome,
      rows: input.rows ?? null,
      bytes: input.bytes ?? null,
      ...(input.detail ? { detail: input.detail } : {}),
    });
    return this.flush();
  }

  /** Resolves once everything queued so far is written (or its write failed and was reported). */
  flush(): Promise<void> {
    // Started on the next turn of the event loop, so the events of one turn share one write.
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.writing = null;
      });
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      if (this.dropped > 0) {
        batch.push({ time: new Date(this.now()).toISOString(), user: null, role: null, county: null, address: 'local', action: 'audit.dropped', target: 'queue', outcome: 'failure', rows: this.dropped, bytes: null });
        this.dropped = 0;
      }
      try {
        if (!this.dirReady) ensureAuditDir(this.dir);
        this.dirReady = true;
        await withFileLock(path.join(this.dir, LOCK_FILE), () => this.write(batch), { timeoutMs: 30_000 });
      } catch (error) {
        // Keep the events for the next append; a full disk must not lose the record.
        this.dirReady = false;
        this.tail = null;
        this.pending = [...batch, ...this.pending].slice(0, MAX_PENDING);
        this.options.onError?.(error);
        return;
      }
    }
  }

  private knownTail() {
    return knownTailOf(this.dir, this.tail, monthOf(this.now()));
  }

  /** Under the lock: chain the batch after the log's last line. */
  private write(batch: AuditEvent[]): void {
    let { hash, month: newest, needsNewline } = this.knownTail() ?? lastHash(this.dir);
    const chunks = new Map<string, string[]>();
    for (const event of batch) {
      // Never append to an older month than the newest file (another process's clock may lag).
      const month = newest !== null && newest > monthOf(event.time) ? newest : monthOf(event.time);
      newest = month;
      const chained = chainLine(event, hash);
      hash = chained.hash;
      const lines = chunks.get(month) ?? [];
      lines.push(chained.line);
      chunks.set(month, lines);
    }
    let created = false;
    let size = 0;
    for (const [month, lines] of chunks) {
      const file = path.join(this.dir, fileOfMonth(month));
      const fresh = !existsSync(file);
      created ||= fresh;
      const text = `${needsNewline ? '\n' : ''}${lines.join('\n')}\n`;
      needsNewline = false;
      appendFileSync(file, text, { mode: 0o600 });
      if (fresh) chmodSync(file, 0o600);
      size = this.tail && !fresh && this.tail.month === month ? this.tail.size + Buffer.byteLength(text) : statSync(file).size;
    }
    this.tail = { month: newest!, size, hash };
    if (created || !this.pruned) {
      this.tail = null;
      this.pruned = true;
      pruneExpired(this.dir, this.retentionDays, this.now(), (event) => {
        const chained = chainLine(event, hash);
        hash = chained.hash;
        const newestMonth = auditMonths(this.dir).at(-1)!;
        appendFileSync(path.join(this.dir, fileOfMonth(newestMonth)), `${chained.line}\n`, { mode: 0o600 });
      });
    }
  }
}

/** The cached tail, if no other process appended since (still this month's file, same size). */
function knownTailOf(dir: string, tail: { month: string; size: number; hash: string } | null, currentMonth: string): { hash: string; month: string; needsNewline: boolean } | null {
  if (!tail || tail.month !== currentMonth) return null;
  try {
    return statSync(path.join(dir, fileOfMonth(tail.month))).size === tail.size ? { hash: tail.hash, month: tail.month, needsNewline: false } : null;
  } catch {
    return null;
  }
}

/** For commands (refresh, rollback, users, editions): appends one event and waits until it is on disk. */
export async function appendAuditEvent(options: AuditLogOptions, input: AuditInput): Promise<void> {
  let failure: unknown;
  const log = new AuditLog({
    ...options,
    onError: (error) => {
      failure = error;
      options.onError?.(error);
    },
  });
  await log.append(input);
  if (failure !== undefined) throw new Error(`审计日志写入失败 / the audit log could not be written: ${(failure as Error).message}`);
}
