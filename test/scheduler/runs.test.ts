// GET /api/runs and the 数据质量 page's run history: a published run comes from audit.runs of
// the served warehouse (also once its journal is gone), a run stopped before publishing (SIGTERM)
// and a run killed with SIGKILL come from their journals alone — failed and 中断; newest first;
// CSV one row per run; admins only. Every run here is a real CLI process.
import { existsSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalDirFor } from '../../pipelines/run/journal.ts';
import { ABANDONED_MESSAGE } from '../../pipelines/run/vocabulary.ts';
import type { RunHistoryEntry } from '../../dashboards/queries/runs.ts';
import { api, journals, makeWorld, runsOf, spawnRefreshCli, startServer, until, type Server, type World } from './world.ts';

let world: World;
let server: Server;
const ids: { published: string; stopped: string; killed: string } = { published: '', stopped: '', killed: '' };

/** The run id of the one journal that `before` did not have. */
async function newRunId(before: string[]): Promise<string> {
  return until('a new run journal', async () => (await journals(world)).map((j) => j.run_id).find((id) => !before.includes(id)));
}

beforeAll(async () => {
  world = await makeWorld();
  // 1. published: the tiny demo inbox loaded
  const published = spawnRefreshCli(world);
  expect((await published.exited).code).toBe(0);
  ids.published = (await journals(world))[0]!.run_id;

  // 2. stopped with SIGTERM at the hook, before publishing: abandoned, never published
  let before = (await journals(world)).map((j) => j.run_id);
  const stopped = spawnRefreshCli(world, { env: { REFRESH_PAUSE_AT: 'build' } });
  await stopped.waitFor('REFRESH_PAUSED build');
  ids.stopped = await newRunId(before);
  stopped.process.kill('SIGTERM');
  expect((await stopped.exited).code).not.toBe(0);

  // 3. killed with SIGKILL at the hook: its journal stays `running`, its process is gone
  before = (await journals(world)).map((j) => j.run_id);
  const killed = spawnRefreshCli(world, { env: { REFRESH_PAUSE_AT: 'build' } });
  await killed.waitFor('REFRESH_PAUSED build');
  ids.killed = await newRunId(before);
  killed.process.kill('SIGKILL');
  expect((await killed.exited).signal).toBe('SIGKILL');

  server = await startServer(world);
});

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

describe('GET /api/runs', () => {
  it('merges the published run of the warehouse with the failed and killed runs of the journals', async () => {
    const runs = await runsOf(server, world);
    expect(runs.map((r) => r.run_id)).toEqual([ids.killed, ids.stopped, ids.published]);
    const [killed, stopped, published] = runs as [RunHistoryEntry, RunHistoryEntry, RunHistoryEntry];

    expect(killed).toMatchObject({ outcome: 'killed', published: false, recorded_in: ['journal'], finished_at: null, trigger: 'cli' });
    expect(stopped).toMatchObject({ outcome: 'failed', published: false, recorded_in: ['journal'], message: ABANDONED_MESSAGE, trigger: 'cli' });
    expect(stopped.stages?.build).toBeGreaterThan(0);

    expect(published).toMatchObject({ published: true, recorded_in: ['warehouse', 'journal'], trigger: 'cli' });
    expect(['success', 'partial']).toContain(published.outcome);
    expect(published.files.filter((f) => f.status === 'loaded')).toHaveLength(published.files_loaded);
    expect(published.files.some((f) => f.rows_rejected > 0 && Object.keys(f.rejected_by_reason).length > 0)).toBe(true);
    expect(published.tests.total).toBe(published.tests.passed + published.tests.failed_error + published.tests.failed_warn);
    expect(published.tests.failed_error).toBe(0);
  });

  it('still shows a published run whose journal is gone, from audit.runs', async () => {
    const file = path.join(journalDirFor(world.dataDir), `${ids.published}.json`);
    expect(existsSync(file)).toBe(true);
    const withJournal = (await runsOf(server, world)).find((r) => r.run_id === ids.published)!;
    unlinkSync(file);
    const fromWarehouse = (await runsOf(server, world)).find((r) => r.run_id === ids.published)!;
    expect(fromWarehouse.recorded_in).toEqual(['warehouse']);
    // the same facts from either record (but the timings: audit.runs is written before the
    // publishing rename, so its publish time is partial and it has no archive time)
    const facts = (r: RunHistoryEntry) => ({
      ...r,
      recorded_in: null,
      stages: null,
      finished_at: null,
      seconds: null,
      files: [...r.files].sort((a, b) => a.file_name.localeCompare(b.file_name)),
      tests: { ...r.tests, not_passed: [...r.tests.not_passed].sort((a, b) => a.name.localeCompare(b.name)) },
    });
    expect(facts(fromWarehouse)).toEqual(facts(withJournal));
    expect(fromWarehouse.stages?.build).toBe(withJournal.stages?.build);
  });

  it('gives one CSV row per run', async () => {
    const response = await api(server, world.tokens.admin, '/api/runs?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['run_id', 'trigger', 'outcome', 'published']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([`${ids.killed},cli,killed`, `${ids.stopped},cli,failed`, `${ids.published},cli,${(await runsOf(server, world))[2]!.outcome}`]);
  });

  it('refuses viewers and bad limits', async () => {
    expect((await api(server, world.tokens.viewer, '/api/runs')).status).toBe(403);
    expect((await api(server, world.tokens.admin, '/api/runs?limit=0')).status).toBe(400);
    const one = (await (await api(server, world.tokens.admin, '/api/runs?limit=1')).json()) as { rows: RunHistoryEntry[] };
    expect(one.rows.map((r) => r.run_id)).toEqual([ids.killed]);
  });
});

describe('数据质量 run history', () => {
  it('shows the failed and the killed run beside the published one, in Chinese', async () => {
    const response = await api(server, world.tokens.viewer, '/quality');
    expect(response.status).toBe(200);
    const page = await response.text();
    const table = page.slice(page.indexOf('id="runs"'), page.indexOf('</table>', page.indexOf('id="runs"')));
    const rowOf = (id: string) => table.slice(table.indexOf(id), table.indexOf('</tr>', table.indexOf(id)));
    expect(rowOf(ids.killed)).toContain('中断');
    expect(rowOf(ids.stopped)).toContain('失败');
    expect(rowOf(ids.stopped)).toContain('未发布');
    expect(rowOf(ids.published)).toMatch(/部分成功|成功/);
    expect(rowOf(ids.published)).toContain('数据测试');
    expect(table.indexOf(ids.killed)).toBeLessThan(table.indexOf(ids.published));
  });
});
