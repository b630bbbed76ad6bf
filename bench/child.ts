// Bench work that must be measured on its own runs in a child process (Node with tsx's loader,
// no tsx wrapper process): its resident memory is sampled as a process tree, its output goes to
// the bench's stderr, and it reports back over the IPC channel.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssBytes, sampleTreeRss, type RssSampler } from './process-tree-rss.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildOptions<M> {
  /** Script path relative to the repository root. */
  script: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  onMessage?: (message: M) => void;
  /** `pipe` to read the child's stdout/stderr (they are copied to the bench's stderr as they come). */
  onOutput?: (text: string) => void;
  rssIntervalMs?: number;
}

export interface RunningChild {
  process: ChildProcess;
  sampler: RssSampler;
  /** Resolves when the child has exited. */
  exited: Promise<ChildExit>;
  /** SIGTERM to this child (by its pid), then waits for it to exit. */
  stop(): Promise<ChildExit>;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Peak RSS of the child's process tree (sampled), or its own high-water mark if larger. */
  peakRssBytes: number;
  seconds: number;
}

export function startChild<M>(options: ChildOptions<M>): RunningChild {
  const started = performance.now();
  const piped = options.onOutput !== undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, options.script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', piped ? 'pipe' : 2, piped ? 'pipe' : 2, 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  const pid = child.pid;
  const sampler = sampleTreeRss(pid, { intervalMs: options.rssIntervalMs ?? 100 });
  let highWater = 0;
  // The kernel's high-water mark is readable until the process is reaped; poll it with the sampler.
  const hwmTimer = setInterval(() => (highWater = Math.max(highWater, peakRssBytes(pid))), 100);
  hwmTimer.unref();
  if (options.onMessage) child.on('message', (message) => options.onMessage!(message as M));
  if (piped) {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => options.onOutput!(text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => options.onOutput!(text));
  }
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearInterval(hwmTimer);
      const peak = Math.max(sampler.stop(), highWater);
      resolve({ code, signal, peakRssBytes: peak, seconds: (performance.now() - started) / 1000 });
    });
  });
  return {
    process: child,
    sampler,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a child to its end; rejects when it exits other than with 0. */
export async function runChild<M>(options: ChildOptions<M>): Promise<ChildExit> {
  const exit = await startChild(options).exited;
  if (exit.code !== 0) throw new Error(`${options.script} exited with ${exit.code ?? exit.signal}`);
  return exit;
}

/** In a child: sends one message and waits until it is handed to the parent. */
export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('not started by the bench (no IPC channel)'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}
