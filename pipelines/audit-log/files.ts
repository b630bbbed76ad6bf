// The monthly files of DATA_DIR/audit/ and the last hash of the chain.
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { checkLine, FILE_PATTERN, GENESIS, sha256 } from './record.ts';

export const LOCK_FILE = '.lock';

/** Creates the folder owner-only (0700). */
export function ensureAuditDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** The months that have a file, oldest first. */
export function auditMonths(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => FILE_PATTERN.exec(name)?.[1])
    .filter((m): m is string => m !== undefined)
    .sort();
}

/** The last line of a file (read from its end), and whether the file ends with a newline. */
export function lastLineOf(file: string): { text: string | null; endsWithNewline: boolean } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { text: null, endsWithNewline: true };
    let chunk = 8 * 1024;
    for (;;) {
      const start = Math.max(0, size - chunk);
      const buffer = Buffer.alloc(size - start);
      readSync(fd, buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      const endsWithNewline = text.endsWith('\n');
      const trimmed = endsWithNewline ? text.slice(0, -1) : text;
      const index = trimmed.lastIndexOf('\n');
      if (index >= 0 || start === 0) return { text: trimmed.slice(index + 1), endsWithNewline };
      chunk *= 4;
    }
  } finally {
    closeSync(fd);
  }
}

/** The hash the next line must carry as `prev`: the last line's, or GENESIS for an empty log. */
export function lastHash(dir: string): { hash: string; month: string | null; needsNewline: boolean } {
  const months = auditMonths(dir);
  for (let i = months.length - 1; i >= 0; i--) {
    const month = months[i]!;
    const { text, endsWithNewline } = lastLineOf(path.join(dir, `audit-${month}.jsonl`));
    if (text === null || text === '') continue;
    const checked = checkLine(text);
    // A damaged last line (verify reports it) still anchors the chain: the hash of its text.
    const hash = 'line' in checked ? checked.line.hash : sha256(text);
    return { hash, month: months.at(-1)!, needsNewline: !endsWithNewline };
  }
  return { hash: GENESIS, month: months.at(-1) ?? null, needsNewline: false };
}
