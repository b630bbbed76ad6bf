// SIGTERM to the refresh command: before the publishing rename the run is abandoned — exit 143
// with a Chinese message, W untouched, build file and its folders removed, inbox as it was, lock
// free; after the rename it finishes archiving and exits 0.
import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRefreshLock } from '../../pipelines/run/lock.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { besideWarehouse, dataDirWith, demoRounds, inboxNames, putInInbox, spawnRefresh } from './harness.ts';

let rounds: string[][];
let world: Awaited<ReturnType<typeof dataDirWith>>;

beforeAll(async () => {
  rounds = await demoRounds();
  world = await dataDirWith();
  putInInbox(world.config, rounds[0]!);
  expect((await runRefresh({ config: world.config })).published).toBe(true);
});

describe('SIGTERM to a refresh', () => {
  it('abandons it cleanly before the publishing rename, and lets it archive after', async () => {
    const { config } = world;
    const W = config.warehouseFile;
    putInInbox(config, rounds[1]!);
    const inbox = inboxNames(config);
    const before = statSync(W).ino;

    const stopped = spawnRefresh(world.dataDir, { pauseAt: 'build' });
    await stopped.waitFor('REFRESH_PAUSED build');
    // The run is mid-way: its build file is there.
    expect(besideWarehouse(config).some((n) => n.startsWith('warehouse.duckdb.build-'))).toBe(true);
    stopped.process.kill('SIGTERM');
    expect((await stopped.exited).code).toBe(143);
    expect(stopped.stderr).toContain('收到停止信号');
    expect(stopped.stdout).toContain('刷新已按停止信号中止，未发布');
    expect(statSync(W).ino).toBe(before);
    expect(inboxNames(config)).toEqual(inbox);
    expect(besideWarehouse(config).filter((n) => n.includes('.build-') || n.endsWith('.lock'))).toEqual([]);
    expect(await readRefreshLock(W)).toBeUndefined();

    const finishing = spawnRefresh(world.dataDir, { pauseAt: 'archive' });
    await finishing.waitFor('REFRESH_PAUSED archive');
    finishing.process.kill('SIGTERM');
    expect((await finishing.exited).code, finishing.stdout + finishing.stderr).toBe(0);
    expect(statSync(W).ino).not.toBe(before);
    expect(inboxNames(config)).toEqual([]);
    expect(besideWarehouse(config).filter((n) => n.includes('.build-') || n.endsWith('.lock'))).toEqual([]);
    expect(finishing.stdout).toContain(`加载 ${rounds[1]!.length} 个`);
    expect(path.basename(W)).toBe('warehouse.duckdb');
  }, 120_000);
});
