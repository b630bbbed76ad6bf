// Alerts: a refresh that fails — started by the real server, run by a real child — POSTs its
// alert to a local webhook; a webhook that is down neither fails nor hangs a run (the refresh
// CLI publishes and exits 0, having tried a bounded number of times); data tests that fail are
// alerted as errors and warnings apart; a webhook that never answers costs tries × timeout and a
// flaky one is retried.
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/config.ts';
import { raiseRunAlerts, type AlertPayload } from '../../pipelines/alerts/raise.ts';
import { postToWebhook } from '../../pipelines/alerts/webhook.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { finishedJournal } from '../../pipelines/run/journal.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { csvText, tempDir, writeCsv } from '../helpers/export-files.ts';
import { writeStubProject } from '../helpers/stub-project.ts';
import { api, journals, makeWorld, runsOf, spawnRefreshCli, startServer, until, type Server, type World } from './world.ts';

interface Webhook {
  url: string;
  bodies: AlertPayload[];
  requests: number;
  close(): Promise<void>;
}

/** A local webhook: answers each request with the next status (then 200), or never answers. */
async function startWebhook(options: { statuses?: number[]; silent?: boolean } = {}): Promise<Webhook> {
  const statuses = [...(options.statuses ?? [])];
  const hook: Webhook = { url: '', bodies: [], requests: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    hook.requests++;
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      if (options.silent) return; // keeps the request open
      hook.bodies.push(JSON.parse(text) as AlertPayload);
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  hook.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return hook;
}

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('alerts of a run', () => {
  it('a failed run started by the server reaches the webhook', async () => {
    const hook = await startWebhook();
    cleanups.push(hook.close);
    const world: World = await makeWorld({ inbox: false, settings: { alertWebhookUrl: hook.url } });
    cleanups.push(world.cleanup);
    // a published warehouse that is not a DuckDB file: the run cannot even make its build copy
    await mkdir(path.dirname(world.config.warehouseFile), { recursive: true });
    writeFileSync(world.config.warehouseFile, 'not a database');
    const server: Server = await startServer(world);
    cleanups.push(server.close);

    const response = await api(server, world.tokens.admin, '/api/refresh', { method: 'POST' });
    expect(response.status).toBe(202);
    const { run_id: runId } = (await response.json()) as { run_id: string };
    // it fails at once: wait for the child to be gone (it sends its alerts before it exits)
    await until('the refresh child to exit', () => server.service.runner.active === undefined);
    expect(server.logs.some((line) => line.includes('ended without publishing') && line.includes('"code":1'))).toBe(true);

    expect(hook.bodies).toHaveLength(1);
    const [body] = hook.bodies as [AlertPayload];
    expect(body.run).toMatchObject({ run_id: runId, trigger: 'api', outcome: 'failed', published: false });
    expect(body.alerts).toEqual([expect.objectContaining({ kind: 'run_failed', severity: 'error', run_id: runId })]);
    expect(body.alerts[0]!.title).toContain('数据刷新失败');
    expect(body.alerts[0]!.message).toContain('看板仍显示上一次成功的数据');
    // the alert is in the log too (the child's lines, relayed by the server)
    expect(server.logs.some((line) => line.includes('ALERT') && line.includes('run_failed'))).toBe(true);
    // and the failed run is in the history although no warehouse could be opened
    const runs = await runsOf(server, world);
    expect(runs.find((r) => r.run_id === runId)).toMatchObject({ outcome: 'failed', published: false, recorded_in: ['journal'] });
  });

  it('a webhook that is down does not fail or hang the run', async () => {
    const port = await closedPort();
    // old exports: every county's data is stale, so there is an alert to send
    const world = await makeWorld({ inbox: { endDate: '2025-06-30' }, settings: { alertWebhookUrl: `http://127.0.0.1:${port}/hook`, staleAfterDays: 30 } });
    cleanups.push(world.cleanup);
    // the office rosters are enough for a stale county (and keep the run short)
    for (const name of readdirSync(world.config.inboxDir)) if (!name.startsWith('offices_')) unlinkSync(path.join(world.config.inboxDir, name));
    const cli = spawnRefreshCli(world);
    const { code } = await cli.exited;
    expect(code).toBe(0);
    const stderr = cli.stderr();
    expect(stderr).toMatch(/WARN ALERT \{"kind":"stale_exports"/);
    expect(stderr).toContain('the webhook did not take them');
    expect(stderr).toContain('"attempts":3');
    const [run] = await journals(world);
    expect(run).toMatchObject({ published: true });
    expect(['success', 'partial']).toContain(run!.outcome);
  });

  it('tells failing error tests from failing warn tests', async () => {
    const hook = await startWebhook();
    cleanups.push(hook.close);
    const root = tempDir('alerts-');
    const projectRoot = writeStubProject(path.join(root, 'sql'));
    writeFileSync(path.join(projectRoot, 'tests/no_withdrawn_cases.sql'), "-- No withdrawn case.\n-- @severity warn\nSELECT * FROM core.case_versions WHERE status = '已撤回'");
    const config = loadConfig({ dataDir: path.join(root, 'data'), inboxDir: path.join(root, 'inbox'), warehouseFile: path.join(root, 'wh', 'main.duckdb') }, {});
    await mkdir(config.inboxDir, { recursive: true });
    writeCsv(
      config.inboxDir,
      'cases_20250701.csv',
      csvText([
        ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'],
        ['A1', 'SFS1', '人民调解', '2025-06-01', '办理中'],
        ['A2', 'SFS1', '人民调解', '2025-06-02', '已撤回'],
        ['BLOCK', 'SFS1', '人民调解', '2025-06-03', '办理中'],
      ]),
    );
    const result = await runRefresh({ config: { ...config, alertWebhookUrl: hook.url }, project: loadProject(projectRoot), secret: Buffer.alloc(32, 1) });
    expect(result.published).toBe(false);

    const logged: string[] = [];
    const log = { info: () => {}, warn: (m: string, f?: Record<string, unknown>) => void logged.push(`warn ${m} ${JSON.stringify(f)}`), error: (m: string, f?: Record<string, unknown>) => void logged.push(`error ${m} ${JSON.stringify(f)}`) };
    const raised = await raiseRunAlerts({ run: finishedJournal(result), config: { ...config, alertWebhookUrl: hook.url }, log });
    expect(raised.delivery).toMatchObject({ delivered: true, attempts: 1 });
    const alerts = hook.bodies[0]!.alerts;
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['run_failed', 'error'],
      ['data_tests_error', 'error'],
      ['data_tests_warn', 'warn'],
    ]);
    expect(alerts[1]!.details).toEqual({ tests: [expect.objectContaining({ name: 'no_blocked_cases', failures: 1 })] });
    expect(alerts[2]!.details).toEqual({ tests: [expect.objectContaining({ name: 'no_withdrawn_cases', failures: 1 })] });
    expect(alerts[1]!.title).toContain('错误级');
    expect(alerts[2]!.title).toContain('警告级');
    expect(logged.filter((line) => line.includes('ALERT')).map((line) => line.split(' ')[0])).toEqual(['error', 'error', 'warn']);
  });
});

describe('the webhook', () => {
  it('gives up on a webhook that never answers after its tries, each cut by the timeout', async () => {
    const hook = await startWebhook({ silent: true });
    cleanups.push(hook.close);
    const delivery = await postToWebhook(hook.url, { test: true }, { timeoutMs: 200, tries: 2, backoffMs: () => 0 });
    expect(delivery).toEqual({ delivered: false, attempts: 2, error: 'timeout' });
    expect(hook.requests).toBe(2);
  });

  it('retries a webhook that fails, and stops at once on a client error', async () => {
    const flaky = await startWebhook({ statuses: [503, 502] });
    cleanups.push(flaky.close);
    expect(await postToWebhook(flaky.url, { n: 1 }, { tries: 3, backoffMs: () => 10 })).toEqual({ delivered: true, attempts: 3 });
    expect(flaky.bodies).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);

    const refusing = await startWebhook({ statuses: [404] });
    cleanups.push(refusing.close);
    expect(await postToWebhook(refusing.url, { n: 2 }, { tries: 3, backoffMs: () => 10 })).toEqual({ delivered: false, attempts: 1, error: 'HTTP 404' });
  });
});
