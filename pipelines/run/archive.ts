// Files that were loaded, skipped as copies, or rejected whole leave the inbox for the archive,
// after the run that read them is published. Nothing is ever deleted: an archived name carries
// the start of the file's sha256, so two files of the same name never collide, and an inbox
// copy is removed only when the archive already holds the same bytes.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sha256File } from '../sources/inbox.ts';

/** `<YYYY-MM>/<sha256-12>_<name>`, the month being the run's (Asia/Shanghai). */
export function archiveName(fileName: string, fileId: string, runStarted: Date): string {
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(runStarted);
  return path.posix.join(month, `${fileId.slice(0, 12)}_${fileName}`);
}

/** Moves a file into the archive under `relative`; returns the relative name it ended up with. */
export async function archiveFile(source: string, archiveDir: string, relative: string, fileId: string): Promise<string> {
  let target = path.join(archiveDir, relative);
  if (existsSync(target)) {
    if ((await sha256File(target)) === fileId) {
      await rm(source);
      return relative;
    }
    // Same 12-character prefix, other bytes: use the whole hash.
    relative = path.posix.join(path.posix.dirname(relative), `${fileId}_${path.basename(source)}`);
    target = path.join(archiveDir, relative);
  }
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(source, target);
    await rm(source);
  }
  return relative;
}
