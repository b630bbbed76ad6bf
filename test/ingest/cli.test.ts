// The refresh command's doors: exit codes, relative paths, and the progress display on a
// terminal and in a log.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProgressPrinter } from '../../pipelines/run/progress.ts';
import type { FileReport } from '../../pipelines/run/vocabulary.ts';
import { tempDir } from '../helpers/export-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the command from `cwd`, as npm would (npm passes the folder it was typed in as INIT_CWD). */
async function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const tsx = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, path.join(ROOT, 'pipelines/cli/refresh.ts'), ...args], {
      cwd,
      env: { ...process.env, INIT_CWD: cwd, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('refresh command', () => {
  it('exits 2 on a usage error', async () => {
    const result = await cli(['--inbx', 'x'], {}, tempDir('cli-'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('用法');
  });

  it('exits 1 when nothing could be published, saying why, and leaves no warehouse', async () => {
    const dir = tempDir('cli-');
    const result = await cli(['--inbox', 'inbox', '--db', 'w.duckdb'], { DATA_DIR: path.join(dir, 'data'), HMAC_SECRET: 'short' }, dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('刷新失败，未发布');
    expect(result.stdout).toContain('HMAC_SECRET');
    expect(existsSync(path.join(dir, 'w.duckdb'))).toBe(false);
  });

  it('resolves relative --inbox and --db against the folder the command was typed in', async () => {
    const dir = tempDir('cli-');
    mkdirSync(path.join(dir, 'in'));
    const result = await cli(['--inbox', 'in', '--db', 'out/w.duckdb'], { DATA_DIR: path.join(dir, 'data'), HMAC_SECRET: 'x'.repeat(32) }, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('刷新成功');
    expect(existsSync(path.join(dir, 'out', 'w.duckdb'))).toBe(true);
  }, 120_000);
});

describe('progress display', () => {
  const report: FileReport = {
    name: 'cases_20250701.csv', fileId: 'x', source: 'inbox', bytes: 1, status: 'loaded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1,
    rejectedByReason: { bad_enum: 1 }, seconds: 0.5,
  };
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream, writes };
  }

  it('writes plain lines only when something ends, when not on a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const printer = createProgressPrinter(stream);
    printer.onProgress({ type: 'stage-start', stage: 'read' });
    printer.onProgress({ type: 'file-start', file: 'cases_20250701.csv', index: 1, total: 1 });
    printer.onProgress({ type: 'file-progress', file: 'cases_20250701.csv', rows: 5000 });
    printer.onProgress({ type: 'file-end', report });
    printer.onProgress({ type: 'stage-end', stage: 'read', seconds: 1.25 });
    printer.done();
    expect(writes.join('')).toBe('✓ cases_20250701.csv　加载 2 行，拒收 1 行（0.5 秒）\n[read] 1.3 秒\n');
  });

  it('redraws one status line in place on a terminal', () => {
    const { stream, writes } = fakeStream(true);
    const printer = createProgressPrinter(stream);
    printer.onProgress({ type: 'file-start', file: 'cases_20250701.csv', index: 1, total: 2 });
    printer.onProgress({ type: 'file-end', report });
    printer.done();
    const text = writes.join('');
    expect(text).toContain('\r\x1b[2K[1/2] cases_20250701.csv 读取中…');
    expect(text).toContain('✓ cases_20250701.csv');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
