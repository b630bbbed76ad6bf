// An idle console worker killed by the OS before the pool has heard of it (its exit not yet
// delivered): the next query must not be lost with it. The worker takes each request with a
// first frame; a request it never took goes to another worker, and one it took is never run
// twice (the analyst is told the worker died). CI once failed on this race (attacks.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleEngine, type ResultOutput } from '../../server/console/engine.ts';
import { consoleWorkerPids } from './server-process.ts';

let dir: string;
let engine: ConsoleEngine;
const logged: string[] = [];

function output(): ResultOutput & { text(): string } {
  const chunks: Buffer[] = [];
  return { head: () => undefined, data: (bytes) => void chunks.push(bytes), text: () => Buffer.concat(chunks).toString() };
}

function query(id: string, sql: string) {
  const out = output();
  return engine.run({ id, userName: 'analyst', sql, format: 'csv' }, out, new AbortController().signal).then((end) => ({ end, text: out.text() }));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lishui-worker-lost-'));
  const file = path.join(dir, 'analyst.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA mart; CREATE TABLE mart.t AS SELECT range AS n FROM range(3)');
  connection.closeSync();
  instance.closeSync();
  engine = new ConsoleEngine({
    resolveAnalystFile: async () => file,
    memoryLimit: '256MB',
    memoryCapBytes: 1024 * 2 ** 20,
    threads: 1,
    workers: 1,
    queueLength: 2,
    queueWaitMs: 10_000,
    timeoutMs: 10_000,
    killGraceMs: 1_000,
    rowLimit: 1_000,
    exportRowCap: 1_000,
    jsonByteCap: 1_000_000,
    exportByteCap: 1_000_000,
    maxSqlChars: 10_000,
    tempRoot: path.join(dir, 'tmp'),
    log: (message) => void logged.push(message),
  });
}, 60_000);

afterAll(async () => {
  engine?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

it('sends a query to a new worker when its idle worker was killed before it took it', async () => {
  expect((await query('warmup-0001', 'SELECT sum(n) AS s FROM t')).text).toContain('3');
  const [idle] = consoleWorkerPids(process.pid);
  expect(idle).toBeDefined();
  // Killed and asked in the same tick: the pool cannot have seen the exit yet.
  process.kill(idle!, 'SIGKILL');
  const answer = await query('after-kill-01', 'SELECT max(n) AS m FROM t');
  expect(answer.text.replace(/^\uFEFF/, '')).toMatch(/^m\r?\n2\r?\n$/);
  expect(logged).toContain('console request resent: its worker died before taking it');
  const now = consoleWorkerPids(process.pid);
  expect(now).toHaveLength(1);
  expect(now).not.toContain(idle);
}, 60_000);

it('tells the analyst, and does not run it again, when the worker died after taking the query', async () => {
  const [worker] = consoleWorkerPids(process.pid);
  const resent = logged.length;
  const answer = query('long-query-01', 'SELECT count(*) FROM range(4000000000) t(i) WHERE hash(i) % 7 = 0');
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.kill(worker!, 'SIGKILL');
  await expect(answer).rejects.toMatchObject({ status: 500, code: 'worker_died' });
  expect(logged.slice(resent)).not.toContain('console request resent: its worker died before taking it');
}, 60_000);
