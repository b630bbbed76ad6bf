// The commands write the audit log as the person at the shell: `npm run refresh` (each run,
// its outcome and rows), `npm run rollback` (done or refused), `npm run editions -- take`, and
// the log stays verifiable.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditLog, type AuditLine } from '../../pipelines/audit-log/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lishui-audit-cmd-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

function run(script: string, args: string[] = []): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

function lines(): AuditLine[] {
  const dir = path.join(dataDir, 'audit');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as AuditLine);
}

describe('commands in the audit log', () => {
  it('refresh and rollback', async () => {
    mkdirSync(path.join(dataDir, 'inbox'), { recursive: true });
    expect(await run('pipelines/cli/rollback.ts')).toBe(1);
    expect(await run('pipelines/cli/refresh.ts')).toBe(0);
    expect(await run('pipelines/cli/refresh.ts')).toBe(0);
    expect(await run('pipelines/cli/rollback.ts')).toBe(0);
    const user = `os:${os.userInfo().username}`;
    const seen = lines().map((l) => ({ user: l.user, role: l.role, address: l.address, action: l.action, outcome: l.outcome, rows: l.rows }));
    expect(seen).toEqual([
      { user, role: 'command', address: 'local', action: 'rollback.run', outcome: 'failure', rows: null },
      { user, role: 'command', address: 'local', action: 'refresh.run', outcome: 'success', rows: 0 },
      { user, role: 'command', address: 'local', action: 'refresh.run', outcome: 'success', rows: 0 },
      { user, role: 'command', address: 'local', action: 'rollback.run', outcome: 'success', rows: null },
    ]);
    const [, first, second, back] = lines();
    expect(back!.target).toBe(first!.target); // back to the first run's warehouse
    expect(back!.detail).toEqual({ replaced: second!.target });
    expect(await verifyAuditLog(path.join(dataDir, 'audit'))).toMatchObject({ ok: true, lines: 4 });
  }, 180_000);

  it('an edition taken with `npm run editions -- take`', async () => {
    expect(await run('pipelines/cli/editions.ts', ['take', '--edition', '2025-11'])).toBe(0);
    const last = lines().at(-1)!;
    expect({ user: last.user, role: last.role, action: last.action, target: last.target, outcome: last.outcome }).toEqual({
      user: `os:${os.userInfo().username}`,
      role: 'command',
      action: 'edition.take',
      target: '2025-11',
      outcome: 'success',
    });
    expect(await verifyAuditLog(path.join(dataDir, 'audit'))).toMatchObject({ ok: true, lines: 5 });
  }, 120_000);
});
