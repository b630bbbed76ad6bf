// The schedule on a real server: a one-second cron fires, its refresh runs as a real child
// process under the server-held lock, ticks while it runs are skipped (and noted), the next run
// starts only after the first has ended, and both are recorded — in GET /api/runs (warehouse and
// journal) and on the 数据质量 page. The first run is held at the CLI's test hook
// (REFRESH_PAUSE_AT=build, released through its stdin) so that ticks surely fall inside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRefreshLock } from '../../pipelines/run/lock.ts';
import type { RunHistoryEntry } from '../../dashboards/queries/runs.ts';
import { api, makeWorld, runsOf, startServer, until, type Server, type World } from './world.ts';

let world: World;
let server: Server;
const released = new Set<string>();

beforeAll(async () => {
  world = await makeWorld();
  server = await startServer(world, {
    config: { scheduleEnabled: true, scheduleCron: '* * * * * *', scheduleTimezone: 'Asia/Shanghai' },
    runner: { childEnv: { REFRESH_PAUSE_AT: 'build' }, childStdin: 'pipe' },
  });
});

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

/** Lets the server's held child go on past its pause (once per run). */
function releaseActive(): string | undefined {
  const active = server.service.runner.active;
  if (!active?.runId || released.has(active.runId)) return undefined;
  released.add(active.runId);
  active.stdin?.write('go\n');
  return active.runId;
}

const scheduled = (runs: RunHistoryEntry[]) => runs.filter((r) => r.trigger === 'schedule' && r.outcome !== 'skipped');
const finished = (r: RunHistoryEntry) => r.outcome === 'success' || r.outcome === 'partial';

describe('the refresh schedule', () => {
  it('fires, skips the ticks that fall inside a run, and records both runs', async () => {
    // 1. The first tick starts a run; it waits at the hook while later ticks come and go.
    const first = await until('a scheduled run to start', async () => {
      const runs = await runsOf(server, world);
      return scheduled(runs).find((r) => r.outcome === 'running');
    });
    const skipsDuringFirst = await until('two skipped ticks during the first run', async () => {
      const runs = await runsOf(server, world);
      const note = runs.find((r) => r.outcome === 'skipped' && r.skipped?.holder.run_id === first.run_id && r.skipped.ticks >= 2);
      return note ? { note, runs } : undefined;
    });
    // never two runs at once: only the held one is running, and the lock names this server
    expect(scheduled(skipsDuringFirst.runs).filter((r) => r.outcome === 'running').map((r) => r.run_id)).toEqual([first.run_id]);
    const holder = await readRefreshLock(world.config.warehouseFile);
    expect(holder).toMatchObject({ pid: process.pid, trigger: 'schedule' });
    expect(skipsDuringFirst.note.skipped?.holder).toMatchObject({ pid: process.pid, trigger: 'schedule' });
    expect(server.logs.some((line) => line.includes('tick skipped'))).toBe(true);

    expect(releaseActive()).toBe(first.run_id);

    // 2. After it, the next tick starts a second run (inbox now empty: a quick one).
    const second = await until('a second scheduled run', async () => {
      const runs = await runsOf(server, world);
      return scheduled(runs).find((r) => r.run_id !== first.run_id);
    });
    // no more ticks, then let the second run finish
    await server.service.schedule!.stop();
    await until('the second run to be released', () => releaseActive() === second.run_id || released.has(second.run_id));
    await until('no run going', () => server.service.runner.active === undefined);

    // 3. Both are in the history, published, from the warehouse and the journal alike.
    const runs = await runsOf(server, world);
    const [a, b] = [first.run_id, second.run_id].map((id) => runs.find((r) => r.run_id === id)!);
    for (const run of [a!, b!]) {
      expect(finished(run)).toBe(true);
      expect(run).toMatchObject({ trigger: 'schedule', published: true, recorded_in: ['warehouse', 'journal'] });
      expect(Object.keys(run.stages ?? {})).toEqual(expect.arrayContaining(['prepare', 'read', 'validate', 'build', 'tests', 'publish']));
      expect(run.tests.total).toBeGreaterThan(0);
    }
    // the first run loaded the demo exports, with rejects by reason per file and in all
    expect(a!.files_loaded).toBeGreaterThan(0);
    expect(a!.rows_rejected).toBeGreaterThan(0);
    const fileRejects = a!.files.reduce((sum, f) => sum + f.rows_rejected, 0);
    expect(Object.values(a!.rejected_by_reason).reduce((sum, n) => sum + n, 0)).toBe(fileRejects);
    expect(fileRejects).toBe(a!.rows_rejected);
    // no overlap: the second started after the first had finished
    expect(Date.parse(b!.started_at)).toBeGreaterThanOrEqual(Date.parse(a!.finished_at!));
    // every skipped tick fell while this server held the lock for one of the two runs (from
    // taking the lock, a moment before the child starts, to the second run's end)
    for (const note of runs.filter((r) => r.outcome === 'skipped')) {
      expect(note.skipped!.holder.pid).toBe(process.pid);
      expect([a!.run_id, b!.run_id, null]).toContain(note.skipped!.holder.run_id);
      expect(Date.parse(note.started_at)).toBeGreaterThanOrEqual(Date.parse(note.skipped!.holder.since));
      expect(Date.parse(note.skipped!.last_at)).toBeLessThanOrEqual(Date.parse(b!.finished_at!) + 1000);
    }
    // the server serves the newest warehouse: its last published run is the second
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { warehouse: { last_run: { run_id: string } } };
    expect(health.warehouse.last_run.run_id).toBe(second.run_id);

    // 4. The 数据质量 page lists both runs and the skipped ticks, in Chinese.
    const page = await (await api(server, world.tokens.viewer, '/quality')).text();
    const runTable = page.slice(page.indexOf('id="runs"'), page.indexOf('</table>', page.indexOf('id="runs"')));
    expect(runTable).toContain(first.run_id);
    expect(runTable).toContain(second.run_id);
    expect(runTable).toContain('定时任务');
    expect(runTable).toContain('data-outcome="skipped"');
    expect(runTable).toContain('跳过');
  });
});
