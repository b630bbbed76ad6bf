// The refresh lock of a warehouse W: at most one refresh (CLI, schedule or API, in any process
// on this machine) works on W at a time.
//
// The mutex is a kernel object, not a file: a Unix socket in Linux's abstract namespace whose
// name is derived from W's absolute path. Binding it succeeds for exactly one process; the
// kernel frees the name the moment its holder's socket closes — on release, on exit, on a
// crash, on SIGKILL — so a lock can never go stale and there is no "take over a dead holder"
// race to get wrong. The holder answers every connection with its LockInfo as JSON, which is
// how others learn who holds it (readRefreshLock). `W.lock` is a human-readable copy of that
// record for operators (`cat W.lock`); it is only informative, and a leftover one from a
// killed holder is simply overwritten by the next one.
// Limits (docs/decisions.md): Linux only, and one machine (one network namespace) — which is
// also what DuckDB's one-writer-per-file needs.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { triggerLabel, type RunTrigger } from './vocabulary.ts';

export interface LockInfo {
  pid: number;
  hostname: string;
  runId?: string;
  trigger: RunTrigger;
  /** ISO time the lock was taken. */
  since: string;
}

export class RefreshBusyError extends Error {
  constructor(readonly holder: LockInfo) {
    super(busyMessage(holder));
    this.name = 'RefreshBusyError';
  }
}

export interface RefreshLock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

function busyMessage(holder: LockInfo): string {
  const who = `${triggerLabel(holder.trigger)}，进程 ${holder.pid}${holder.hostname ? `@${holder.hostname}` : ''}`;
  const run = holder.runId ? `，运行 ${holder.runId}` : '';
  return `另一次刷新正在进行（${who}${run}，开始于 ${holder.since}），请等它结束后再试。`;
}

export function lockFileFor(warehouseFile: string): string {
  return `${path.resolve(warehouseFile)}.lock`;
}

/** The abstract socket name of W's lock: one per absolute warehouse path. */
export function lockSocketName(warehouseFile: string): string {
  const digest = createHash('sha256').update(path.resolve(warehouseFile)).digest('hex').slice(0, 40);
  return `\0lishui-refresh-lock-${digest}`;
}

/** Takes W's lock or throws RefreshBusyError. A holder that died holds nothing: the kernel freed its name. */
export async function acquireRefreshLock(warehouseFile: string, owner: { trigger: RunTrigger; runId?: string }): Promise<RefreshLock> {
  if (process.platform !== 'linux') throw new Error('刷新锁依赖 Linux 内核的抽象套接字，本系统不支持。');
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    ...(owner.runId ? { runId: owner.runId } : {}),
    trigger: owner.trigger,
    since: new Date().toISOString(),
  };
  const payload = `${JSON.stringify(info)}\n`;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(payload);
  });
  server.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: lockSocketName(warehouseFile), exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    server.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    // The holder may release between our bind and our question; then the lock is free again.
    const holder = await readRefreshLock(warehouseFile);
    if (!holder) return acquireRefreshLock(warehouseFile, owner);
    throw new RefreshBusyError(holder);
  }
  // The lock must not keep a finished command alive.
  server.unref();
  const lockFile = lockFileFor(warehouseFile);
  await writeInfoFile(lockFile, payload).catch(() => {});
  let released = false;
  return {
    info,
    async release() {
      if (released) return;
      released = true;
      // The record first: once the socket closes another holder may write its own.
      await rm(lockFile, { force: true }).catch(() => {});
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The live holder of W's lock, or undefined. */
export async function readRefreshLock(warehouseFile: string, timeoutMs = 5000): Promise<LockInfo | undefined> {
  return new Promise<LockInfo | undefined>((resolve, reject) => {
    const socket = net.createConnection({ path: lockSocketName(warehouseFile) });
    let text = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      // Connected but silent: a holder too busy to answer is still a holder.
      if (connected) resolve(unknownHolder());
      else reject(new Error('读取刷新锁超时'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as LockInfo);
      } catch {
        resolve(unknownHolder());
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // No socket bound under that name: nobody holds the lock.
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(undefined);
      else if (connected) resolve(unknownHolder());
      else reject(error);
    });
  });
}

function unknownHolder(): LockInfo {
  return { pid: 0, hostname: '', trigger: 'cli', since: '' };
}

async function writeInfoFile(file: string, payload: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, payload, { mode: 0o600 }); // DATA_DIR is owner-only (fs/private-files.ts)
  await rename(temp, file);
}
