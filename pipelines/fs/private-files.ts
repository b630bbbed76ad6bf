// Everything under DATA_DIR is the owner's alone (0600 files, 0700 folders): the warehouse and
// its history and analyst copies, the archive (full ID numbers by design), run journals, users,
// the secret. Not left to the umask: files we write get their mode explicitly, the commands set
// a strict umask for what libraries create (DuckDB's files, WAL, spill), and a tightening pass
// at every start (server, refresh) and after every refresh fixes whatever is still wider.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
/** The umask the commands run under: nothing for group or others. */
export const PRIVATE_UMASK = 0o077;

/** Sets the process umask so files created by libraries start owner-only; returns the old one. */
export function restrictUmask(): number {
  return process.umask(PRIVATE_UMASK);
}

/** A folder (and missing parents) created 0700; an existing one is tightened to 0700. */
export async function mkdirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

export function mkdirPrivateSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes a file 0600 whatever the umask, and whatever mode an earlier file of that name had. */
export function writePrivateFileSync(file: string, data: string | Buffer): void {
  mkdirPrivateSync(path.dirname(file));
  writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE);
}

export interface TightenOptions {
  /** Folders (absolute) not walked: e.g. an inbox that other accounts deliver into. */
  skip?: readonly string[];
}

/**
 * Walks `root` and takes group and other bits off every folder (→ 0700) and file (→ 0600) that
 * has any; symbolic links are not followed. Returns how many it changed. A file that vanishes
 * meanwhile (a run renaming its build) is passed over.
 */
export async function tightenTree(root: string, options: TightenOptions = {}): Promise<number> {
  const skip = new Set((options.skip ?? []).map((p) => path.resolve(p)));
  let changed = 0;
  const visit = async (target: string): Promise<void> => {
    if (skip.has(target)) return;
    let stats;
    try {
      stats = await lstat(target);
    } catch {
      return;
    }
    if (stats.isSymbolicLink()) return;
    const wanted = stats.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((stats.mode & 0o777) !== wanted && (stats.isDirectory() || stats.isFile())) {
      try {
        await chmod(target, wanted);
        changed++;
      } catch {
        // not ours (another account's file): nothing we can do, and not ours to refuse to start for
      }
    }
    if (!stats.isDirectory()) return;
    let names: string[] = [];
    try {
      names = await readdir(target);
    } catch {
      return;
    }
    for (const name of names) await visit(path.join(target, name));
  };
  await visit(path.resolve(root));
  return changed;
}

/** The tightening pass over a DATA_DIR, leaving its inbox alone (see tightenTree). */
export function tightenDataDir(config: { dataDir: string; inboxDir: string }): Promise<number> {
  return tightenTree(config.dataDir, { skip: [config.inboxDir] });
}
