// The real server as `npm start` starts it (server/main.ts in its own Node process, Node's
// default --unhandled-rejections=throw) on a free port over a DATA_DIR of its own, and what the
// console attack tests measure around it: the memory of its whole process tree (server and
// console workers), /api/health latency while an attack runs, and every file under DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserStore } from '../../server/auth/users.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  token: string;
  /** Everything the server printed. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts server/main.ts over `dataDir` (which holds a published warehouse) with `settings` in config.json. */
export async function startServerProcess(dataDir: string, settings: Record<string, unknown>): Promise<ServerProcess> {
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ scheduleEnabled: false, ...settings }));
  const { token } = await new UserStore(path.join(dataDir, 'users.json')).add({ name: 'ana', role: 'analyst' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', REFRESH_SCHEDULE: 'off', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`server did not listen: ${output}`);
    url = /http:\/\/localhost:(\d+)\//.exec(output)?.[0].replace('localhost', '127.0.0.1').replace(/\/$/, '');
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    child,
    token,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resident bytes of `pid` and all its descendants now. */
/** Console worker processes (server/console/worker.ts) whose parent is `parentPid`. */
export function consoleWorkerPids(parentPid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === parentPid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('console/worker.ts');
      } catch {
        return false;
      }
    });
}

export function treeRssBytes(pid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const member of tree) {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export interface Watch {
  /** Stops watching; the peak tree memory and the slowest /api/health answer meanwhile. */
  stop(): Promise<{ peakRssBytes: number; healthMaxMs: number; healthChecks: number; healthFailures: number; healthSlowChecks: number }>;
}

/**
 * Samples the tree's memory every 50 ms and asks /api/health every 200 ms until stopped; counts
 * the answers that took a second or more.
 */
export function watch(server: ServerProcess): Watch {
  let peak = treeRssBytes(server.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssBytes(server.pid))), 50);
  let running = true;
  let healthMax = 0;
  let checks = 0;
  let failures = 0;
  let slow = 0;
  const prober = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status !== 200) failures++;
      } catch {
        failures++;
      }
      const ms = performance.now() - started;
      healthMax = Math.max(healthMax, ms);
      if (ms >= 1_000) slow++;
      checks++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await prober;
      clearInterval(sampler);
      peak = Math.max(peak, treeRssBytes(server.pid));
      return { peakRssBytes: peak, healthMaxMs: Math.round(healthMax), healthChecks: checks, healthFailures: failures, healthSlowChecks: slow };
    },
  };
}

/** sha256 of every file under `dir`, by relative path, but for folders named in `skip`. */
export function filesUnder(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(dir, full);
      if (skip.some((s) => relative === s || relative.startsWith(`${s}/`))) continue;
      if (entry.isDirectory()) walk(full);
      else if (statSync(full).isFile()) out[relative] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
