// `npm run audit -- verify`: walks every monthly file in order and checks each line's own
// hash and that its `prev` is the previous line's hash (across files too). The first line of
// the oldest file may follow GENESIS or a pruned file's recorded last hash (retention.ts).
import { createReadStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { auditMonths } from './files.ts';
import { checkLine, fileOfMonth, GENESIS } from './record.ts';

export interface VerifyResult {
  ok: boolean;
  files: number;
  lines: number;
  /** The first broken line: its file, its line number (1-based) and why. */
  broken?: { file: string; line: number; reason: string };
}

export async function verifyAuditLog(dir: string): Promise<VerifyResult> {
  const months = auditMonths(dir);
  let prev: string | null = null;
  let lines = 0;
  const anchors = new Set<string>([GENESIS]);
  const firstLines: { file: string; prev: string }[] = [];
  for (const month of months) {
    const name = fileOfMonth(month);
    const input = readline.createInterface({ input: createReadStream(path.join(dir, name), 'utf8'), crlfDelay: Infinity });
    let number = 0;
    for await (const text of input) {
      number++;
      const fail = (reason: string): VerifyResult => {
        input.close();
        return { ok: false, files: months.length, lines, broken: { file: name, line: number, reason } };
      };
      if (text === '') return fail('空行 / empty line');
      const checked = checkLine(text);
      if ('error' in checked) return fail(checked.error);
      const line = checked.line;
      if (prev === null) firstLines.push({ file: name, prev: line.prev });
      else if (line.prev !== prev) return fail('与前一行的哈希不相连（前面有行被删除或插入） / does not follow the previous line (a line before it was removed or inserted)');
      if (line.action === 'audit.prune' && typeof line.detail?.lastHash === 'string') anchors.add(line.detail.lastHash);
      prev = line.hash;
      lines++;
    }
  }
  // Checked last: the prune line that anchors the oldest file is written after it.
  const first = firstLines[0];
  if (first && !anchors.has(first.prev)) {
    return { ok: false, files: months.length, lines, broken: { file: first.file, line: 1, reason: '首行不接续任何已记录的起点（其前的行或文件被删除） / the first line follows nothing recorded (lines or files before it were removed)' } };
  }
  return { ok: true, files: months.length, lines };
}
