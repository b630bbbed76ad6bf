// A refresh process killed with SIGKILL at several points — while reading, after the build
// models, right before the publishing rename, and between the rename and archiving — while the
// real server answers /api/indicators in a tight loop: every answer is 200 and is exactly the
// old or the new full answer (of the file the server has open), never a mix; the inbox keeps what was not archived; the next
// refresh cleans up, succeeds, and its marts equal those of a clean run on the same inputs.
import { readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystDirFor } from '../../pipelines/publish/analyst.ts';
import { listHistory, readPublishedRunId } from '../../pipelines/run/history.ts';
import { readRefreshLock } from '../../pipelines/run/lock.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import {
  besideWarehouse,
  dataDirWith,
  demoRounds,
  answerAfterPublish,
  inboxNames,
  martTables,
  putInInbox,
  runCommand,
  spawnRefresh,
  startServer,
  type TestServer,
} from './harness.ts';

const INDICATORS = '/api/indicators';
// Columns that name the run or today's date rather than the data: a clean run differs there.
const NOT_DATA = { rejections_by_reason: ['last_run_id'], data_freshness: ['built_on', 'days_since_export'] };

let rounds: string[][];
let world: Awaited<ReturnType<typeof dataDirWith>>;
let server: TestServer;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const names = (files: string[]) => files.map((f) => path.basename(f)).sort();
const inode = (file: string) => statSync(file).ino;

beforeAll(async () => {
  rounds = await demoRounds();
  world = await dataDirWith();
  putInInbox(world.config, rounds[0]!);
  const first = await runRefresh({ config: world.config });
  expect(first.published).toBe(true);
  server = await startServer(world.config);
});

afterAll(async () => {
  await server?.close();
});

/** Starts the refresh command, lets it reach `point`, and kills it there with SIGKILL. */
async function killAt(point: string): Promise<void> {
  const child = spawnRefresh(world.dataDir, { pauseAt: point });
  await child.waitFor(`REFRESH_PAUSED ${point}`);
  child.process.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
}

describe('a refresh killed with SIGKILL', () => {
  it('never disturbs the answers, publishes nothing half-made, loses no inbox file, and the next run publishes what a clean run would', async () => {
    const { config } = world;
    const W = config.warehouseFile;
    const start = await server.get(INDICATORS);
    expect(start.status).toBe(200);
    const answers = [start.body];

    // A client asking as fast as it can for the whole test.
    const seen: { status: number; hash: string }[] = [];
    let asking = true;
    const loop = (async () => {
      while (asking) {
        try {
          const { status, body } = await server.get(INDICATORS);
          seen.push({ status, hash: sha(body) });
        } catch (error) {
          seen.push({ status: -1, hash: (error as Error).message });
        }
      }
    })();
    let final: Record<string, string[]> = {};
    try {
      // Kills before the publishing rename: W and the inbox stay as they were, the lock is free.
      putInInbox(config, rounds[1]!);
      const before = inode(W);
      for (const point of ['read', 'build', 'publish']) {
        await killAt(point);
        expect(inode(W), point).toBe(before);
        expect(inboxNames(config), point).toEqual(names(rounds[1]!));
        expect(await readRefreshLock(W), point).toBeUndefined();
      }
      // What the killed runs left: build files (the last one closed, right before its rename).
      expect(besideWarehouse(config).filter((n) => n.startsWith('warehouse.duckdb.build-')).length).toBeGreaterThan(0);

      // The next run loads and publishes, and is killed between the rename and archiving: the
      // new warehouse is served, and the files it loaded wait in the inbox.
      const oldGeneration = server.warehouse.generation;
      await killAt('archive');
      expect(inode(W)).not.toBe(before);
      expect(inboxNames(config)).toEqual(names(rounds[1]!));
      expect(await readRefreshLock(W)).toBeUndefined();
      // Its build file became W; only its read folder is left (the next run removes it).
      expect(besideWarehouse(config).filter((n) => n.includes('.build-') && !n.endsWith('.read'))).toEqual([]);
      answers.push(await answerAfterPublish(server, INDICATORS, oldGeneration));
      expect(answers[1]).not.toBe(answers[0]);

      // The next run finds them loaded already, archives them, and publishes the same marts.
      const published = await martTables(W, NOT_DATA);
      const newGeneration = server.warehouse.generation;
      const next = await runCommand('pipelines/cli/refresh.ts', [], world.dataDir);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(next.stdout).toContain(`跳过 ${rounds[1]!.length} 个`);
      expect(inboxNames(config)).toEqual([]);
      expect(besideWarehouse(config).filter((n) => n.includes('.build-') || n.includes('.incoming-') || n.endsWith('.lock'))).toEqual([]);
      // The analyst copies left are those of W and of the kept warehouses (the killed runs' are gone).
      const current = await readPublishedRunId(W);
      const kept = new Set([current, ...(await listHistory(W)).map((e) => e.runId)]);
      expect(readdirSync(analystDirFor(W)).map((n) => n.replace(/\.duckdb$/, '')).filter((id) => !kept.has(id))).toEqual([]);
      final = await martTables(W, NOT_DATA);
      expect(final).toEqual(published);
      // (a new file with the same data: its answer may differ from the last in a double's last bit)
      answers.push(await answerAfterPublish(server, INDICATORS, newGeneration));

    } finally {
      asking = false;
      await loop;
    }
    const known = answers.map(sha);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.status !== 200)).toEqual([]);
    const which = seen.map((r) => known.indexOf(r.hash));
    expect(which.filter((i) => i < 0)).toEqual([]);
    // The client sees the answers in publishing order: never the old one after the new.
    expect(which.every((i, n) => n === 0 || i >= which[n - 1]!)).toBe(true);
    expect(which.at(-1)).toBe(known.indexOf(known[2]!));

    // Clean runs on the same inputs.
    const clean = await dataDirWith();
    for (const round of rounds.slice(0, 2)) {
      putInInbox(clean.config, round);
      expect((await runRefresh({ config: clean.config })).published).toBe(true);
    }
    expect(await martTables(clean.config.warehouseFile, NOT_DATA)).toEqual(final);
  }, 240_000);
});
