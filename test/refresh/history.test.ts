// Blue/green history: every publish keeps the outgoing warehouse in W.history/; pruning keeps
// `keepWarehouses` of them and the analyst copies they (and W) name; `npm run rollback` puts the
// previous numbers back and the running server serves them; `--to` goes forward again; a
// deleted history file that a reader still has open keeps answering (Linux).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystDirFor } from '../../pipelines/publish/analyst.ts';
import { historyFileFor, listHistory, readPublishedRunId } from '../../pipelines/run/history.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import type { RefreshResult } from '../../pipelines/run/vocabulary.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';
import { answerAfterPublish, dataDirWith, demoRounds, getUntil, martTables, putInInbox, runCommand, startServer, type TestServer } from './harness.ts';

const INDICATORS = '/api/indicators?grain=county';

let world: Awaited<ReturnType<typeof dataDirWith>>;
let server: TestServer | undefined;

beforeAll(async () => {
  world = await dataDirWith({ keepWarehouses: 2 });
});

afterAll(async () => {
  await server?.close();
});

async function refresh(files: string[] = []): Promise<RefreshResult & { answer?: string }> {
  putInInbox(world.config, files);
  const before = server?.warehouse.generation ?? null;
  const result = await runRefresh({ config: world.config });
  expect(result.published, result.message).toBe(true);
  // What the server answers from this warehouse (each build has its own doubles' last bits).
  return server ? { ...result, answer: await answerAfterPublish(server, INDICATORS, before) } : result;
}

const analystRuns = () => readdirSync(analystDirFor(world.config.warehouseFile)).map((n) => n.replace(/\.duckdb$/, '')).sort();

describe('warehouse history', () => {
  it('keeps N published warehouses, rolls back to the previous numbers while the server runs, and forward again', async () => {
    const rounds = await demoRounds();
    const W = world.config.warehouseFile;
    const a = await refresh(rounds[0]);
    server = await startServer(world.config);
    const b = await refresh();
    const c = await refresh();
    // The history holds each outgoing warehouse, named for the run that published it.
    expect((await listHistory(W)).map((e) => e.runId)).toEqual([a.runId, b.runId]);
    const d = await refresh(rounds[1]);
    expect(d.answer).not.toBe(c.answer);

    // Four publishes, two kept: a's warehouse and its analyst copy are gone.
    expect((await listHistory(W)).map((e) => e.runId)).toEqual([b.runId, c.runId]);
    expect(analystRuns()).toEqual([b.runId, c.runId, d.runId]);
    expect(await readPublishedRunId(W)).toBe(d.runId);

    const back = await runCommand('pipelines/cli/rollback.ts', [], world.dataDir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`现在是运行 ${c.runId} 发布的仓库`);
    expect(back.stdout).toContain(`原仓库（运行 ${d.runId}）已保留在历史中`);
    expect(await readPublishedRunId(W)).toBe(c.runId);
    // The server, polling, serves the previous numbers again.
    expect(await getUntil(server, INDICATORS, (body) => body === c.answer)).toBe(c.answer);
    expect(await martTables(W)).toEqual(await martTables(historyFileFor(W, c.runId)));
    // d is kept; c is in the history and is W (the current one never counts against the N).
    expect((await listHistory(W)).map((e) => e.runId)).toEqual([b.runId, c.runId, d.runId]);
    expect(analystRuns()).toEqual([b.runId, c.runId, d.runId]);

    const forward = await runCommand('pipelines/cli/rollback.ts', ['--to', d.runId], world.dataDir);
    expect(forward.code, forward.stderr).toBe(0);
    expect(await readPublishedRunId(W)).toBe(d.runId);
    expect(await getUntil(server, INDICATORS, (body) => body === d.answer)).toBe(d.answer);

    const nowhere = await runCommand('pipelines/cli/rollback.ts', ['--to', a.runId], world.dataDir);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(`历史中没有运行 ${a.runId} 的仓库`);
  }, 180_000);

  it('keeps answering from a history file that is deleted while a reader has it open', async () => {
    const [oldest] = await listHistory(world.config.warehouseFile);
    expect(oldest).toBeDefined();
    const reader = await WarehouseHolder.open({ file: oldest!.file, pollMs: 0, threads: 1 });
    try {
      const count = () => reader.use(async ({ connection }) => Number((await connection.runAndReadAll('SELECT count(*) FROM mart.indicator_values')).getRows()[0]![0]));
      const before = await count();
      rmSync(oldest!.file);
      expect(existsSync(oldest!.file)).toBe(false);
      expect(await count()).toBe(before);
      expect(before).toBeGreaterThan(0);
    } finally {
      await reader.close();
    }
  });
});
