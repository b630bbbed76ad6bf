// The poison-file records on their own: markers of dead runs become records (a suspect when it
// was read side by side with another file, a verdict when alone), journals left `running` by a
// dead process are marked `killed`, suspects are read again alone, and a file read to its end
// is cleared.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { poisonDirFor, poisonRecordExists, readPoisonRecord, startPoisonGuard } from '../../pipelines/run/poison.ts';
import type { SourceFile } from '../../pipelines/sources/batches.ts';

const file = (name: string, c: string): SourceFile => ({ name, path: `/inbox/${name}`, bytes: 1, fileId: c.repeat(64), source: 'inbox' });
const A = file('cases_20250101.csv', 'a');
const B = file('training_20250101.csv', 'b');
const C = file('cases_20250201.csv', 'c');
// a process that is gone: no such pid on this host
const DEAD = { pid: 4_000_000 + Math.floor(Math.random() * 100_000), hostname: os.hostname(), start_ticks: 1 };

function deadRun(dataDir: string, runId: string, files: SourceFile[]): void {
  mkdirSync(poisonDirFor(dataDir), { recursive: true });
  writeFileSync(
    path.join(poisonDirFor(dataDir), `reading-${runId}.json`),
    JSON.stringify({ run_id: runId, process: DEAD, files: files.map((f) => ({ file_id: f.fileId, file_name: f.name })) }),
  );
  mkdirSync(path.join(dataDir, 'runs'), { recursive: true });
  writeFileSync(
    path.join(dataDir, 'runs', `${runId}.json`),
    JSON.stringify({ run_id: runId, trigger: 'cli', outcome: 'running', started_at: '2025-01-01T00:00:00Z', process: DEAD, files: [], message: null }),
  );
}

const journal = (dataDir: string, runId: string) => JSON.parse(readFileSync(path.join(dataDir, 'runs', `${runId}.json`), 'utf8'));

describe('poison records', () => {
  it('a death while two files were read makes both suspects, read again alone; the one that loads is cleared', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'poison-'));
    deadRun(dataDir, '20250101T000000Z-aaaaaa', [A, B]);
    const guard = await startPoisonGuard(dataDir, '20250102T000000Z-bbbbbb');
    expect(guard.killedRuns).toEqual(['20250101T000000Z-aaaaaa']);
    const dead = journal(dataDir, '20250101T000000Z-aaaaaa');
    expect(dead.outcome).toBe('killed');
    expect(dead.message).toContain('cases_20250101.csv、training_20250101.csv');
    expect(readPoisonRecord(dataDir, A.fileId)?.read_with).toEqual(['training_20250101.csv']);

    const screened = guard.setAside([[A, B, C]]);
    expect(screened.rounds).toEqual([[C], [A], [B]]);
    expect(screened.reports).toEqual([]);

    // A is read to its end (loaded or rejected, it did not kill): no longer a suspect
    guard.onFileRead(A, 'start');
    expect(readFileSync(path.join(poisonDirFor(dataDir), 'reading-20250102T000000Z-bbbbbb.json'), 'utf8')).toContain(A.fileId);
    guard.onFileRead(A, 'end');
    guard.clear();
    expect(poisonRecordExists(dataDir, A.fileId)).toBe(false);
    expect(poisonRecordExists(dataDir, B.fileId)).toBe(true);
  });

  it('a death while one file was read alone is a verdict: the file is skipped with its reason', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'poison-'));
    deadRun(dataDir, '20250101T000000Z-cccccc', [B]);
    const guard = await startPoisonGuard(dataDir, '20250102T000000Z-dddddd');
    const screened = guard.setAside([[A, B]]);
    expect(screened.rounds).toEqual([[A]]);
    expect(screened.reports).toMatchObject([{ name: B.name, fileId: B.fileId, status: 'skipped', reasonCode: 'poison_file' }]);
    expect(screened.reports[0]!.message).toContain('20250101T000000Z-cccccc');
    expect(journal(dataDir, '20250101T000000Z-cccccc').message).toContain('training_20250101.csv');
  });

  it('leaves a live run alone', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'poison-'));
    deadRun(dataDir, '20250101T000000Z-eeeeee', [A]);
    // the marker's process is this one: alive
    const marker = path.join(poisonDirFor(dataDir), 'reading-20250101T000000Z-eeeeee.json');
    const alive = JSON.parse(readFileSync(marker, 'utf8'));
    alive.process = { pid: process.pid, hostname: os.hostname(), start_ticks: null };
    writeFileSync(marker, JSON.stringify(alive));
    const guard = await startPoisonGuard(dataDir, '20250102T000000Z-ffffff');
    expect(guard.setAside([[A]]).rounds).toEqual([[A]]);
    expect(poisonRecordExists(dataDir, A.fileId)).toBe(false);
  });
});
