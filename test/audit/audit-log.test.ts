// The audit log itself: chained lines, owner-only files, appends from several processes,
// monthly files chained across, `npm run audit -- verify` naming the first broken line, and
// retention that never drops a line younger than the configured days.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, readAuditEvents, verifyAuditLog } from '../../pipelines/audit-log/index.ts';
import { loadConfig } from '../../pipelines/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })));

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lishui-audit-'));
  roots.push(dir);
  return dir;
}

/** `npm run audit -- verify` in its own process. */
function verifyCli(data: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'pipelines/cli/audit.ts', 'verify'], { cwd: ROOT, env: { ...process.env, DATA_DIR: data }, encoding: 'utf8' });
}

const DAY = 86_400_000;

describe('appending', () => {
  it('writes chained JSON lines, 0600 files in a 0700 folder; many processes keep one chain', async () => {
    const data = dataDir();
    const dir = path.join(data, 'audit');
    const children = [1, 2, 3].map(
      (n) =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'test/audit/append-child.ts', dir, '40', `p${n}`], { cwd: ROOT, stdio: 'inherit' });
          child.on('error', reject);
          child.on('exit', resolve);
        }),
    );
    const log = new AuditLog({ dir });
    const own = Array.from({ length: 40 }, (_, i) => log.append({ user: 'server', action: 'test.append', target: `s-${i}`, outcome: 'success', rows: i, bytes: 10 }));
    expect(await Promise.all(children)).toEqual([0, 0, 0]);
    await Promise.all(own);
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path.join(dir, files[0]!), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(160);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual(['time', 'user', 'role', 'county', 'address', 'action', 'target', 'outcome', 'rows', 'bytes', 'prev', 'hash']);
    for (let i = 1; i < lines.length; i++) expect(JSON.parse(lines[i]!).prev).toBe(JSON.parse(lines[i - 1]!).hash);
    expect(await verifyAuditLog(dir)).toEqual({ ok: true, files: 1, lines: 160 });
    const cli = verifyCli(data);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/审计日志完整：1 个文件，160 行/);
  }, 120_000);
});

describe('tampering', () => {
  async function sample(): Promise<{ data: string; file: string }> {
    const data = dataDir();
    const log = new AuditLog({ dir: path.join(data, 'audit') });
    for (let i = 0; i < 6; i++) await log.append({ user: 'ana', action: 'console.query', target: `SELECT ${i}`, outcome: 'success', rows: i });
    const file = path.join(data, 'audit', readdirSync(path.join(data, 'audit')).find((f) => f.endsWith('.jsonl'))!);
    return { data, file };
  }

  it('an edited line is named by verify', async () => {
    const { data, file } = await sample();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"rows":3', '"rows":30');
    writeFileSync(file, lines.join('\n'));
    const cli = verifyCli(data);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`${path.basename(file)} 第 4 行：内容与其哈希不符`));
  }, 60_000);

  it('a deleted line is found at the line after it; a deleted first line too', async () => {
    const { data, file } = await sample();
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    const cli = verifyCli(data);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/第 3 行：与前一行的哈希不相连/);

    writeFileSync(file, lines.slice(1).join('\n'));
    const result = await verifyAuditLog(path.join(data, 'audit'));
    expect(result.ok).toBe(false);
    expect(result.broken).toMatchObject({ line: 1, reason: expect.stringMatching(/首行不接续/) });
  }, 60_000);
});

describe('monthly files and retention', () => {
  it('rotates by month (Beijing time), chains across files, and finds a removed month', async () => {
    const data = dataDir();
    const dir = path.join(data, 'audit');
    let now = Date.parse('2026-01-31T15:59:00Z'); // 23:59 in Beijing
    const log = new AuditLog({ dir, now: () => now });
    await log.append({ user: 'a', action: 'x', target: 'jan', outcome: 'success' });
    now += 2 * 60_000; // 00:01 on 1 February in Beijing
    await log.append({ user: 'a', action: 'x', target: 'feb', outcome: 'success' });
    now += 30 * DAY;
    await log.append({ user: 'a', action: 'x', target: 'mar', outcome: 'success' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()).toEqual(['audit-2026-01.jsonl', 'audit-2026-02.jsonl', 'audit-2026-03.jsonl']);
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 3, lines: 3 });
    const feb = readFileSync(path.join(dir, 'audit-2026-02.jsonl'), 'utf8');
    rmSync(path.join(dir, 'audit-2026-02.jsonl'));
    expect((await verifyAuditLog(dir)).broken).toMatchObject({ file: 'audit-2026-03.jsonl', line: 1 });
    writeFileSync(path.join(dir, 'audit-2026-02.jsonl'), feb);
    const page = await readAuditEvents(dir, { fromMs: Date.parse('2026-02-01T00:00:00+08:00'), limit: 10 });
    expect(page.rows.map((r) => r.target)).toEqual(['mar', 'feb']);
    // Bounded by characters too: the newest lines win.
    const small = await readAuditEvents(dir, { limit: 10, maxChars: 400 });
    expect(small).toMatchObject({ truncated: true, rows: [{ target: 'mar' }] });
    expect((await readAuditEvents(dir, { limit: 2 })).rows.map((r) => r.target)).toEqual(['mar', 'feb']);
  });

  it('never drops a line younger than the retention; prunes older months and stays verifiable', async () => {
    const data = dataDir();
    const dir = path.join(data, 'audit');
    // January 2026 ends at 2026-02-01T00:00+08:00; 180 days later is 2026-07-31T00:00+08:00.
    const janEnd = Date.parse('2026-02-01T00:00:00+08:00');
    let now = Date.parse('2026-01-10T00:00:00Z');
    const write = (target: string) => new AuditLog({ dir, retentionDays: 180, now: () => now }).append({ user: 'a', action: 'x', target, outcome: 'success' });
    await write('jan');
    now = Date.parse('2026-02-10T00:00:00Z');
    await write('feb');
    now = janEnd + 180 * DAY - 60_000; // the newest January line is 180 days old less a minute
    await write('jul');
    expect(readdirSync(dir)).toContain('audit-2026-01.jsonl');
    now = janEnd + 180 * DAY;
    await write('jul2');
    expect(readdirSync(dir)).not.toContain('audit-2026-01.jsonl');
    expect(readdirSync(dir)).toContain('audit-2026-02.jsonl');
    const lines = readFileSync(path.join(dir, 'audit-2026-07.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ action: 'audit.prune', target: 'audit-2026-01.jsonl' });
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true });
    // A log configured for less than 180 days keeps 180 all the same, and the configuration refuses it.
    expect(new AuditLog({ dir, retentionDays: 30 }).retentionDays).toBe(180);
    const config = dataDir();
    writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auditRetentionDays: 90 }));
    expect(() => loadConfig({ dataDir: config }, {})).toThrow(/至少保留 180 天/);
  });
});
