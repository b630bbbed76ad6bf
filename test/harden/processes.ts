// The commands as an operator runs them, for the hardening tests: the refresh CLI under
// /usr/bin/time (its exact peak resident memory and wall time, from the kernel's rusage), and
// the server as `npm start` starts it (server/main.ts in its own process, on a free port).
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { HMAC_SECRET, ROOT } from '../refresh/harness.ts';

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the refresh process (ru_maxrss), bytes. */
  peakRssBytes: number;
  wallSeconds: number;
}

const TIME_LINE = /HH_MEASURE peak_kb=(\d+) wall_s=([\d.]+)/;

/** `npm run refresh` (one Node process) under /usr/bin/time. */
export function runRefreshMeasured(dataDir: string, env: Record<string, string> = {}): Promise<MeasuredRun> {
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'HH_MEASURE peak_kb=%M wall_s=%e', process.execPath, '--import', 'tsx', path.join(ROOT, 'pipelines/cli/refresh.ts')],
    { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, HMAC_SECRET, INIT_CWD: ROOT, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const measured = TIME_LINE.exec(stderr);
      // /usr/bin/time exits with the child's status, or reports the signal that killed it.
      const killedBy = /Command terminated by signal (\d+)/.exec(stderr);
      resolve({
        code: killedBy ? null : code,
        signal: killedBy ? signalName(Number(killedBy[1])) : null,
        stdout,
        stderr: stderr.replace(TIME_LINE, ''),
        peakRssBytes: measured ? Number(measured[1]) * 1024 : NaN,
        wallSeconds: measured ? Number(measured[2]) : NaN,
      });
    });
  });
}

function signalName(signal: number): NodeJS.Signals {
  return (Object.entries(os.constants.signals).find(([, n]) => n === signal)?.[0] ?? `SIG${signal}`) as NodeJS.Signals;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote (its log). */
  log(): string;
  get(pathAndQuery: string, token: string): Promise<{ status: number; headers: Headers; body: string }>;
  stop(): Promise<void>;
}

/** server/main.ts as `npm start` runs it, over DATA_DIR, schedule off, on a free port. */
export async function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, HMAC_SECRET, PORT: '0', REFRESH_SCHEDULE: 'off', INIT_CWD: ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const check = () => {
      const match = /(http:\/\/localhost:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
  return {
    url,
    child,
    log: () => output,
    async get(pathAndQuery, token) {
      const response = await fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
