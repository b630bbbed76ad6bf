// POST /api/refresh on a real server: two requests at once give one 202 and one 409 (one run,
// never two writers); while a CLI refresh holds the lock the server answers 409 naming it, and
// once the CLI has exited the lock is free again. Runs are held at the CLI's test hook
// (REFRESH_PAUSE_AT, released through stdin) so that "while it runs" is certain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRefreshLock } from '../../pipelines/run/lock.ts';
import { api, journals, makeWorld, runsOf, spawnRefreshCli, startServer, type Server, type World } from './world.ts';

let world: World;
let server: Server;

beforeAll(async () => {
  world = await makeWorld();
  server = await startServer(world, { runner: { childEnv: { REFRESH_PAUSE_AT: 'build' }, childStdin: 'pipe' } });
});

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

const post = (token: string) => api(server, token, '/api/refresh', { method: 'POST' });

interface Refused {
  error: { code: string; message: string };
  holder: { pid: number; trigger: string; run_id: string | null; since: string };
}

describe('POST /api/refresh', () => {
  it('starts one run for two requests at once and refuses the other with 409', async () => {
    const responses = await Promise.all([post(world.tokens.admin), post(world.tokens.admin)]);
    expect(responses.map((r) => r.status).sort()).toEqual([202, 409]);
    const accepted = (await responses.find((r) => r.status === 202)!.json()) as { status: string; run_id: string };
    const refused = (await responses.find((r) => r.status === 409)!.json()) as Refused;
    expect(accepted.status).toBe('started');
    expect(accepted.run_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(refused.error.code).toBe('refresh_running');
    expect(refused.error.message).toContain('另一次刷新正在进行');
    // the server holds the lock on its child's behalf
    expect(refused.holder).toMatchObject({ pid: process.pid, trigger: 'api' });

    // still running (held at the hook): asked again, refused again
    const again = await post(world.tokens.admin);
    expect(again.status).toBe(409);
    const active = server.service.runner.active!;
    expect(active.runId).toBe(accepted.run_id);
    active.stdin!.write('go\n');
    const end = await active.done;
    expect(end).toMatchObject({ code: 0, signal: null, runId: accepted.run_id });

    // one run, and it is the one that was accepted
    const apiRuns = (await journals(world)).filter((j) => j.trigger === 'api');
    expect(apiRuns.map((j) => j.run_id)).toEqual([accepted.run_id]);
    const run = (await runsOf(server, world)).find((r) => r.run_id === accepted.run_id);
    expect(run).toMatchObject({ trigger: 'api', published: true, recorded_in: ['warehouse', 'journal'] });
    expect(await readRefreshLock(world.config.warehouseFile)).toBeUndefined();
  });

  it('answers 409 naming the CLI refresh that holds the lock, and 202 once it has exited', async () => {
    const cli = spawnRefreshCli(world, { env: { REFRESH_PAUSE_AT: 'locked' } });
    await cli.waitFor('REFRESH_PAUSED locked');
    const refused = await post(world.tokens.admin);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as Refused;
    expect(body.holder).toMatchObject({ pid: cli.process.pid, trigger: 'cli' });
    expect(body.error.message).toContain('命令行');
    cli.process.stdin!.write('go\n');
    expect((await cli.exited).code).toBe(0);

    const accepted = await post(world.tokens.admin);
    expect(accepted.status).toBe(202);
    const active = server.service.runner.active!;
    active.stdin!.write('go\n');
    expect((await active.done).code).toBe(0);
  });

  it('is for admins only', async () => {
    const response = await post(world.tokens.viewer);
    expect(response.status).toBe(403);
    expect(server.service.runner.active).toBeUndefined();
  });
});
