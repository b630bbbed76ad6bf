// Peak resident memory of a process and all its descendants, sampled from /proc (Linux). The
// kernel keeps a high-water mark only per process, so a tree's peak is the largest sum of the
// members' current RSS seen at a sample; callers add a process's own high-water mark at exit.
import { readdirSync, readFileSync } from 'node:fs';

export interface RssSampler {
  /** The largest tree total seen so far, in bytes. */
  peakBytes(): number;
  /** Stops sampling; returns the peak. */
  stop(): number;
}

export function sampleTreeRss(rootPid: number, options: { intervalMs?: number } = {}): RssSampler {
  let peak = 0;
  const sample = () => {
    const total = treePids(rootPid).reduce((sum, pid) => sum + rssBytes(pid), 0);
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, options.intervalMs ?? 100);
  timer.unref();
  return {
    peakBytes: () => peak,
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** The process and its descendants, through /proc/PID/task/TID/children. */
export function treePids(rootPid: number): number[] {
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...childPids(pid));
  }
  return out;
}

function childPids(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const tid of tasks) {
    try {
      for (const text of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/)) if (text) children.push(Number(text));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return children;
}

/** Current resident memory of one process in bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** The kernel's high-water mark of one process's resident memory, in bytes. */
export function peakRssBytes(pid: number): number {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
