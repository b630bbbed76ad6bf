// A lock between processes (the server and the commands) on one file: created with O_EXCL,
// holding the owner's pid and the time; removed when done. A lock whose owner is gone, or that
// is older than `staleMs` (a crashed writer), is taken over. Used around read-last-hash+append
// of the audit log and around read-modify-write of the users file.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FileLockOptions {
  /** Give up after this long (a clear error, nothing written). */
  timeoutMs?: number;
  /** A lock older than this is a crashed writer's and is taken over. */
  staleMs?: number;
}

export class FileLockTimeout extends Error {}

/** False only when the lock names a process that is gone (an empty file is a lock being written). */
function ownerAlive(lockFile: string): boolean {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').split(' ')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's; ENOENT: the lock is gone already
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(lockFile: string, staleMs: number): boolean {
  try {
    writeFileSync(lockFile, `${process.pid} ${Date.now()}`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    const age = Date.now() - statSync(lockFile).mtimeMs;
    if (age > staleMs || !ownerAlive(lockFile)) rmSync(lockFile, { force: true });
  } catch {
    // gone meanwhile: try again
  }
  return false;
}

/** Runs `fn` holding the lock file. */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const staleMs = options.staleMs ?? 30_000;
  let wait = 2;
  while (!tryTake(lockFile, staleMs)) {
    if (Date.now() > deadline) throw new FileLockTimeout(`等待锁文件超时 / timed out waiting for the lock ${lockFile}`);
    await sleep(wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
