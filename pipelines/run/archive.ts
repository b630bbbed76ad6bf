// Files that were loaded, skipped as copies, or rejected whole leave the inbox for the archive,
// after the run that read them is published. Nothing is ever deleted: an archived name carries
// the start of the file's sha256, so two files of the same name never collide, and an inbox
// copy is removed only when the archive already holds the same bytes.
//
// The name also carries the run that loaded the file (its run id sorts by time), so the archive
// alone says in which order files were loaded: `npm run refresh -- --rebuild` replays it run by
// run (rebuild.ts), which reproduces load_seq order — of two exports of the same date, the one
// loaded later wins.
import { chmod, copyFile, readdir, rename, rm } from 'node:fs/promises';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../fs/private-files.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sha256File } from '../sources/inbox.ts';

const ARCHIVED = /^([0-9a-f]{12}|[0-9a-f]{64})_(?:(\d{8}T\d{6}Z-[0-9a-f]{6})_)?(.+)$/;

/**
 * `<YYYY-MM>/<sha256-12>_<run_id>_<name>`: the month the file is archived in (Asia/Shanghai),
 * and `runId`, the run that loaded it (for a file skipped as already loaded, the run that had).
 */
export function archiveName(fileName: string, fileId: string, archivedAt: Date, runId: string): string {
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(archivedAt);
  return path.posix.join(month, `${fileId.slice(0, 12)}_${runId}_${fileName}`);
}

export interface ArchivedName {
  /** The run that loaded the file; absent in names written before runs were named. */
  runId?: string;
  /** The file's name as it came into the inbox. */
  fileName: string;
}

/** Reads back what archiveName put into a file's name; undefined for a name it did not write. */
export function parseArchivedName(baseName: string): ArchivedName | undefined {
  const match = ARCHIVED.exec(baseName);
  if (!match) return undefined;
  return { ...(match[2] ? { runId: match[2] } : {}), fileName: match[3]! };
}

/** Moves a file into the archive under `relative`; returns the relative name it ended up with. */
export async function archiveFile(source: string, archiveDir: string, relative: string, fileId: string): Promise<string> {
  const same = await sameBytesArchived(archiveDir, relative, fileId);
  if (same) {
    await rm(source);
    return same;
  }
  let target = path.join(archiveDir, relative);
  if (existsSync(target)) {
    // Same 12-character prefix, other bytes: use the whole hash.
    relative = path.posix.join(path.posix.dirname(relative), `${fileId}${path.posix.basename(relative).slice(12)}`);
    target = path.join(archiveDir, relative);
  }
  await mkdirPrivate(path.dirname(target));
  try {
    await rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(source, target);
    await rm(source);
  }
  // The archive holds full ID numbers by design: owner-only, whatever mode the delivery had.
  await chmod(target, PRIVATE_FILE_MODE);
  return relative;
}

/** An archived file of the target's month folder with the same bytes (a file dropped again). */
async function sameBytesArchived(archiveDir: string, relative: string, fileId: string): Promise<string | undefined> {
  const folder = path.posix.dirname(relative);
  const dir = path.join(archiveDir, folder);
  if (!existsSync(dir)) return undefined;
  const candidates = (await readdir(dir)).filter((name) => name.startsWith(`${fileId.slice(0, 12)}_`) || name.startsWith(`${fileId}_`)).sort();
  for (const name of candidates) {
    if ((await sha256File(path.join(dir, name))) === fileId) return path.posix.join(folder, name);
  }
  return undefined;
}
