// `npm run refresh -- --rebuild`: a new warehouse from the archive alone. Every archived file
// is read as if it were in an inbox (nothing is moved), in the order the original runs loaded
// them: the archive is replayed run by run, in run-id order (run ids sort by start time, and
// runs never overlap), each run's files planned as that run planned them (snapshots first, then
// by export date). So load_seq keeps its order — of two exports of the same date the one loaded
// later still wins — and each case file is checked against the snapshots loaded before it, as
// it was then. Files archived before names carried a run id form one round per month folder,
// ahead of the named runs of that month.
import { readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../sources/batches.ts';
import { sha256File } from '../sources/inbox.ts';
import { parseArchivedName } from './archive.ts';

export interface ArchiveRound {
  /** The run that loaded these files, or `<YYYY-MM>` for files archived without a run id. */
  key: string;
  files: SourceFile[];
}

/** The archive's files grouped into the runs that loaded them, oldest first. */
export async function archiveRounds(archiveDir: string): Promise<ArchiveRound[]> {
  const rounds = new Map<string, { order: string; files: SourceFile[] }>();
  for (const relative of await walk(archiveDir)) {
    const baseName = path.posix.basename(relative);
    const parsed = parseArchivedName(baseName);
    if (!parsed) continue;
    const month = relative.split('/')[0] ?? '';
    const key = parsed.runId ?? month;
    // A month's unnamed files sort before every run of that month: "YYYY-MM" < "YYYYMMDDT…".
    const order = parsed.runId ?? month.replace('-', '');
    const round = rounds.get(key) ?? { order, files: [] };
    const full = path.join(archiveDir, relative);
    round.files.push({ name: parsed.fileName, path: full, bytes: 0, fileId: '', source: 'archive' });
    rounds.set(key, round);
  }
  const ordered = [...rounds.entries()].sort((a, b) => compare(a[1].order, b[1].order) || compare(a[0], b[0]));
  const out: ArchiveRound[] = [];
  for (const [key, round] of ordered) {
    const files: SourceFile[] = [];
    for (const file of round.files.sort((a, b) => compare(a.path, b.path))) {
      const { size } = await stat(file.path);
      files.push({ ...file, bytes: size, fileId: await sha256File(file.path) });
    }
    out.push({ key, files });
  }
  return out;
}

/** Paths of the regular files under `dir`, relative, with `/`; hidden names passed over. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(path.join(dir, entry.name), relative)));
    else if (entry.isFile()) out.push(relative);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
