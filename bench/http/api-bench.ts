// The HTTP side: the real server (server/main.ts, as `npm start` runs it) in a child process on
// a free port over the bench's DATA_DIR, with a city-wide analyst's API token; and as floor a
// bare express.static app, also in a child, serving the bytes of each measured response saved to
// a file. Each path is loaded with autocannon at the same concurrency for the same time,
// the app first, then its floor.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserStore } from '../../server/auth/users.ts';
import { startChild, type RunningChild } from '../child.ts';
import type { StaticServerMessage } from '../children/messages.ts';
import { runLoad, type LoadFigures } from './load.ts';

export interface ApiTarget {
  path: string;
  /** The file name the floor serves this response's bytes under. */
  floorFile: string;
}

export interface ApiFigures {
  path: string;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  rps: number;
  errors: number;
  requests: number;
  response_bytes: number;
  floor_path: string;
  floor_rps: number;
  floor_p50_ms: number;
  floor_p95_ms: number;
  floor_p99_ms: number;
  floor_errors: number;
}

export interface ApiBenchOptions {
  dataDir: string;
  usersFile: string;
  targets: readonly ApiTarget[];
  connections: number;
  seconds: number;
  log: (line: string) => void;
}

export interface ApiBenchResult {
  api: ApiFigures[];
  serverPeakRssBytes: number;
  serverStartSeconds: number;
}

export async function benchApi(options: ApiBenchOptions): Promise<ApiBenchResult> {
  const { token } = await new UserStore(options.usersFile).add({ name: `bench-${Date.now()}`, role: 'analyst', county: null });
  const headers = { authorization: `Bearer ${token}` };
  const started = performance.now();
  const app = await startAppServer(options.dataDir, options.log);
  const serverStartSeconds = (performance.now() - started) / 1000;
  let floor: { child: RunningChild; url: string } | undefined;
  try {
    const staticDir = path.join(options.dataDir, 'static');
    await mkdir(staticDir, { recursive: true });
    const sizes = new Map<string, number>();
    for (const target of options.targets) {
      // One request first: checks the answer and warms the server's cache, as a dashboard's first visitor does.
      const response = await fetch(`${app.url}${target.path}`, { headers });
      const body = Buffer.from(await response.arrayBuffer());
      if (!response.ok || body.length === 0) throw new Error(`GET ${target.path} answered ${response.status} (${body.length} bytes)`);
      await writeFile(path.join(staticDir, target.floorFile), body);
      sizes.set(target.path, body.length);
    }
    floor = await startStaticServer(staticDir);
    const api: ApiFigures[] = [];
    for (const target of options.targets) {
      options.log(`HTTP ${target.path}: ${options.connections} connections, ${options.seconds} s …`);
      const project = await runLoad({ url: `${app.url}${target.path}`, connections: options.connections, seconds: options.seconds, headers });
      options.log(`HTTP floor /${target.floorFile} (express.static): ${options.connections} connections, ${options.seconds} s …`);
      const base = await runLoad({ url: `${floor.url}/${target.floorFile}`, connections: options.connections, seconds: options.seconds, headers });
      api.push(apiFigures(target, sizes.get(target.path) ?? 0, project, base));
    }
    return { api, serverPeakRssBytes: app.child.sampler.peakBytes(), serverStartSeconds };
  } finally {
    await floor?.child.stop();
    await app.child.stop();
  }
}

function apiFigures(target: ApiTarget, bytes: number, project: LoadFigures, floor: LoadFigures): ApiFigures {
  return {
    path: target.path,
    p50_ms: project.p50_ms,
    p95_ms: project.p95_ms,
    p99_ms: project.p99_ms,
    rps: project.rps,
    errors: project.errors,
    requests: project.requests,
    response_bytes: bytes,
    floor_path: `/${target.floorFile}`,
    floor_rps: floor.rps,
    floor_p50_ms: floor.p50_ms,
    floor_p95_ms: floor.p95_ms,
    floor_p99_ms: floor.p99_ms,
    floor_errors: floor.errors,
  };
}

const LISTENING = /https?:\/\/[^\s/]+:(\d+)\//;

/** `npm start`'s server/main.ts with PORT=0 and no schedule; resolves once it prints its address. */
async function startAppServer(dataDir: string, log: (line: string) => void): Promise<{ child: RunningChild; url: string }> {
  let output = '';
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => (onPort = resolve));
  const child = startChild({
    script: 'server/main.ts',
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', REFRESH_SCHEDULE: 'off' },
    onOutput(text) {
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(`[server] ${line}`);
      const match = LISTENING.exec(output);
      if (match) onPort(Number(match[1]));
    },
  });
  const exitedEarly = child.exited.then((exit) => {
    throw new Error(`the server exited before listening (${exit.code ?? exit.signal})`);
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the server did not start within 180 s')), 180_000).unref());
  try {
    return { child, url: `http://127.0.0.1:${await Promise.race([port, exitedEarly, timeout])}` };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function startStaticServer(dir: string): Promise<{ child: RunningChild; url: string }> {
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => (onPort = resolve));
  const child = startChild<StaticServerMessage>({ script: 'bench/children/static-server.ts', args: [dir], onMessage: (m) => onPort(m.port) });
  const exitedEarly = child.exited.then((exit) => {
    throw new Error(`the static server exited before listening (${exit.code ?? exit.signal})`);
  });
  return { child, url: `http://127.0.0.1:${await Promise.race([port, exitedEarly])}` };
}
