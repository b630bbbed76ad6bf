// Graceful shutdown of the real server process (`npm start`'s server/main.ts): SIGTERM while its
// refresh child runs stops the child cleanly (the run is abandoned and recorded, not killed),
// waits for it, releases the lock and exits 0; the published warehouse and the inbox stay as
// they were, and nothing half-written is left beside the warehouse.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { readRefreshLock } from '../../pipelines/run/lock.ts';
import { ABANDONED_MESSAGE } from '../../pipelines/run/vocabulary.ts';
import { HMAC_SECRET, ROOT, api, journals, makeWorld, spawnRefreshCli, until, type World } from './world.ts';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
  // a published warehouse, so that the server starts without loading anything itself
  expect((await spawnRefreshCli(world).exited).code).toBe(0);
  // new exports waiting in the inbox for the next run
  await generateDemoExports({ outDir: world.config.inboxDir, scale: 'tiny', seed: 5, endDate: '2026-01-31', overwrite: true });
});

afterAll(async () => {
  await world?.cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('server shutdown', () => {
  it('stops a running refresh cleanly on SIGTERM, then exits', async () => {
    const inboxBefore = readdirSync(world.config.inboxDir).sort();
    const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: world.dataDir, PORT: '0', HMAC_SECRET, REFRESH_SCHEDULE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      const url = await until('the server to listen', () => /http:\/\/localhost:(\d+)\//.exec(output)?.[0].replace('localhost', '127.0.0.1').replace(/\/$/, ''), 60_000);
      const started = await api({ url }, world.tokens.admin, '/api/refresh', { method: 'POST' });
      expect(started.status).toBe(202);
      const { run_id: runId, pid } = (await started.json()) as { run_id: string; pid: number };
      expect(runId).toBeTruthy();
      // the run has begun (its journal is written) before the server is told to stop
      await until('the run to begin', async () => (await journals(world)).some((j) => j.run_id === runId && j.outcome === 'running'), 60_000);
      expect(isAlive(pid)).toBe(true);

      server.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(isAlive(pid)).toBe(false);
      expect(output).toContain('asking the running refresh to stop');

      // abandoned and recorded as such (not left `running`, which would read as killed)
      const run = (await journals(world)).find((j) => j.run_id === runId);
      expect(run).toMatchObject({ outcome: 'failed', published: false, message: ABANDONED_MESSAGE, trigger: 'api' });
      expect(await readRefreshLock(world.config.warehouseFile)).toBeUndefined();
      expect(readdirSync(world.config.inboxDir).sort()).toEqual(inboxBefore);
      const besideWarehouse = readdirSync(path.dirname(world.config.warehouseFile));
      expect(besideWarehouse.filter((name) => name.includes('.build-'))).toEqual([]);
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  });
});
