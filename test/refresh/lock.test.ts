// The refresh lock across processes: two refresh commands started together give one run and
// one "busy" (exit 3), never two writers; a holder killed with SIGKILL leaves a lock that the
// next run takes over; the server holding the lock for a child (REFRESH_LOCK_HELD) lets the
// child run while others stay out, and a child whose holding parent dies holds it itself.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireRefreshLock, lockFileFor, readRefreshLock, RefreshBusyError, type RefreshLock } from '../../pipelines/run/lock.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { dataDirWith, spawnCommand, spawnRefresh, type Child } from './harness.ts';

async function auditRuns(warehouseFile: string): Promise<{ run_id: string; trigger: string }[]> {
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  try {
    return await queryJson(db.connection, 'SELECT run_id, trigger FROM audit.runs ORDER BY run_id');
  } finally {
    db.close();
  }
}

const journals = (dataDir: string) => (existsSync(path.join(dataDir, 'runs')) ? readdirSync(path.join(dataDir, 'runs')).filter((n) => n.endsWith('.json')).sort() : []);

let world: Awaited<ReturnType<typeof dataDirWith>>;
const held: RefreshLock[] = [];

beforeAll(async () => {
  world = await dataDirWith();
  // A published warehouse to count runs in (empty inbox: a quick run).
  expect((await runRefresh({ config: world.config })).published).toBe(true);
});

afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});

describe('refresh lock', () => {
  it('lets one of two refreshes started together run; the other exits 3 saying who holds it, and nothing is recorded for it', async () => {
    const W = world.config.warehouseFile;
    const runsBefore = await auditRuns(W);
    const journalsBefore = journals(world.dataDir);
    // Both stop right after taking the lock (the test hook), so the race cannot end early.
    const children = [spawnRefresh(world.dataDir, { pauseAt: 'locked' }), spawnRefresh(world.dataDir, { pauseAt: 'locked' })];
    const first = await Promise.race(children.map((child) => child.waitFor('REFRESH_PAUSED locked').then(() => child)));
    const other = children.find((child) => child !== first)!;
    const { code } = await other.exited;
    expect(code).toBe(3);
    expect(other.stderr).toContain('另一次刷新正在进行');
    expect(other.stderr).toContain(`进程 ${first.process.pid}`);

    // The holder, as others see it.
    expect(await readRefreshLock(W)).toMatchObject({ pid: first.process.pid, trigger: 'cli' });
    expect(JSON.parse(readFileSync(lockFileFor(W), 'utf8'))).toMatchObject({ pid: first.process.pid });
    await expect(runRefresh({ config: world.config })).rejects.toBeInstanceOf(RefreshBusyError);

    first.process.stdin!.end('\n');
    expect((await first.exited).code).toBe(0);
    const runsAfter = await auditRuns(W);
    expect(runsAfter.slice(0, runsBefore.length)).toEqual(runsBefore);
    expect(runsAfter).toHaveLength(runsBefore.length + 1);
    // One journal for the run; none for the refused one or the in-process attempt.
    expect(journals(world.dataDir)).toHaveLength(journalsBefore.length + 1);
    expect(await readRefreshLock(W)).toBeUndefined();
    expect(existsSync(lockFileFor(W))).toBe(false);
  }, 120_000);

  it('takes over the lock of a holder killed with SIGKILL (its W.lock record left behind)', async () => {
    const W = world.config.warehouseFile;
    const child: Child = spawnRefresh(world.dataDir, { pauseAt: 'locked' });
    await child.waitFor('REFRESH_PAUSED locked');
    expect((await readRefreshLock(W))?.pid).toBe(child.process.pid);
    await expect(acquireRefreshLock(W, { trigger: 'api' })).rejects.toBeInstanceOf(RefreshBusyError);
    child.process.kill('SIGKILL');
    await child.exited;
    // The record of the dead holder is still on disk; the lock itself died with it.
    expect(JSON.parse(readFileSync(lockFileFor(W), 'utf8'))).toMatchObject({ pid: child.process.pid });
    expect(await readRefreshLock(W)).toBeUndefined();
    const result = await runRefresh({ config: world.config });
    expect(result.published).toBe(true);
    expect(existsSync(lockFileFor(W))).toBe(false);
  }, 120_000);

  it('lets a child refresh run under a lock its parent holds for it, and keeps everyone else out', async () => {
    const W = world.config.warehouseFile;
    const lock = await acquireRefreshLock(W, { trigger: 'schedule', runId: 'for-the-child' });
    held.push(lock);
    const refused = spawnRefresh(world.dataDir);
    refused.process.stdin!.end();
    expect((await refused.exited).code).toBe(3);
    const child = spawnRefresh(world.dataDir, { args: ['--trigger', 'schedule'], env: { REFRESH_LOCK_HELD: '1' } });
    child.process.stdin!.end();
    expect((await child.exited).code, child.stderr).toBe(0);
    expect((await auditRuns(W)).at(-1)?.trigger).toBe('schedule');
    // Still the parent's until it lets go.
    expect(await readRefreshLock(W)).toMatchObject({ pid: process.pid, runId: 'for-the-child', trigger: 'schedule' });
    await lock.release();
    expect(await readRefreshLock(W)).toBeUndefined();
  }, 120_000);

  it('has a child whose lock-holding parent dies take the lock over itself', async () => {
    const W = world.config.warehouseFile;
    const runsBefore = await auditRuns(W);
    // The child's pause reads a FIFO held open here: its stdin, inherited from the parent, ends
    // when the parent is killed, and would let it run on before it took the lock over.
    const fifo = path.join(world.dataDir, 'pause-input');
    execFileSync('mkfifo', [fifo]);
    const pauseInput = openSync(fifo, 'r+');
    const parent = spawnCommand('test/refresh/fixtures/lock-parent.ts', [], { dataDir: world.dataDir, env: { REFRESH_PAUSE_AT: 'build', REFRESH_PAUSE_INPUT: fifo } });
    await parent.waitFor('REFRESH_PAUSED build');
    const childPid = Number(/REFRESH_PAUSED build (\d+)/.exec(parent.stderr)![1]);
    expect((await readRefreshLock(W))?.pid).toBe(parent.process.pid);
    parent.process.kill('SIGKILL');
    await parent.exited;
    // The child notices it has a new parent and holds the lock itself (it polls twice a second).
    const until = Date.now() + 20_000;
    while ((await readRefreshLock(W))?.pid !== childPid && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await readRefreshLock(W)).toMatchObject({ pid: childPid, trigger: 'schedule' });
    await expect(runRefresh({ config: world.config })).rejects.toBeInstanceOf(RefreshBusyError);
    // Let it go on: it publishes, then lets go of the lock.
    writeSync(pauseInput, '\n');
    closeSync(pauseInput);
    while ((await readRefreshLock(W)) !== undefined && Date.now() < until + 40_000) await new Promise((r) => setTimeout(r, 200));
    expect(await readRefreshLock(W)).toBeUndefined();
    expect(await auditRuns(W)).toHaveLength(runsBefore.length + 1);
  }, 120_000);
});
