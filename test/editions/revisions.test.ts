// Revisions on hand-made warehouses (the tables the edition and revision steps read, nothing
// else): a figure changed by a publish is recorded once with the frozen figure as old; the same
// state published again adds nothing; a second change adds a second line (history); a return to
// the frozen figure is recorded; a row that appears or vanishes is a revision; differences up to
// 1e-9 are not; `files` are the exports loaded after the edition's run.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRevisions, recordRevisions, revisionsOf } from '../../pipelines/editions/revisions.ts';
import { takeEdition } from '../../pipelines/editions/store.ts';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';

let root: string;
const editions = () => path.join(root, 'editions');
let version = 0;

/** A published warehouse W with these (indicator, unit, numerator, denominator) rows and loaded files. */
async function publish(rows: [string, string, string, number, number][], files: [string, string][]): Promise<string> {
  const file = path.join(root, `w${++version}.duckdb`);
  const db = await openDatabase(file);
  try {
    await db.connection.run(`CREATE SCHEMA mart; CREATE SCHEMA audit;
      CREATE TABLE mart.indicator_values (indicator_id VARCHAR, period VARCHAR, grain VARCHAR, unit_code VARCHAR, unit_name VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE, target DOUBLE, meets_target BOOLEAN, as_of DATE);
      CREATE TABLE mart.units (period VARCHAR, grain VARCHAR, unit_code VARCHAR, county_code VARCHAR);
      CREATE TABLE audit.files (run_id VARCHAR, file_name VARCHAR, status VARCHAR, load_seq BIGINT);`);
    for (const [indicator, grain, unit, n, d] of rows) {
      await db.connection.run('INSERT INTO mart.indicator_values VALUES ($1, \'2025\', $2, $3, $3, $4, $5, $4 / $5, NULL, NULL, DATE \'2025-11-30\')', [indicator, grain, unit, n, d]);
    }
    for (const unit of new Set(rows.map((r) => `${r[1]}|${r[2]}`))) {
      const [grain, code] = unit.split('|') as [string, string];
      await db.connection.run('INSERT INTO mart.units VALUES (\'2025\', $1, $2, $3)', [grain, code, grain === 'city' ? null : code.slice(0, 6)]);
    }
    for (const [i, [run, name]] of files.entries()) await db.connection.run('INSERT INTO audit.files VALUES ($1, $2, \'loaded\', $3)', [run, name, i + 1]);
  } finally {
    db.close();
  }
  return file;
}

const FIRST: [string, string, string, number, number][] = [
  ['a', 'city', '3311', 3, 4],
  ['a', 'county', '331102', 1, 2],
  ['b', 'county', '331121', 5, 10],
];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lishui-revisions-'));
  const w = await publish(FIRST, [['run-1', 'offices_20251130.csv']]);
  await takeEdition({ dir: editions(), warehouseFile: w, edition: '2025-11', takenBy: 't', now: new Date('2025-12-01T00:00:00Z'), runIdOf: async () => 'run-1' });
});

afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

const record = async (w: string, runId: string) => recordRevisions({ editionsDir: editions(), warehouseFile: w, runId, now: new Date('2025-12-05T00:00:00Z') });
const short = (r: { indicator_id: string; unit_code: string; old_numerator: number | null; new_numerator: number | null; run_id: string }) => [r.indicator_id, r.unit_code, r.old_numerator, r.new_numerator, r.run_id];

describe('revisions of an edition', () => {
  it('ignores differences up to 1e-9', async () => {
    const w = await publish([['a', 'city', '3311', 3 + 1e-12, 4], ['a', 'county', '331102', 1, 2], ['b', 'county', '331121', 5, 10]], [['run-1', 'offices_20251130.csv'], ['run-2', 'cases_20251201.csv']]);
    expect(await record(w, 'run-2')).toEqual([]);
  });

  it('records a change once, with the frozen figure as old and the files loaded since the edition', async () => {
    const files: [string, string][] = [['run-1', 'offices_20251130.csv'], ['run-3', 'cases_20251203.csv'], ['run-3', 'staff_20251203.csv']];
    const w = await publish([['a', 'city', '3311', 2, 4], ['a', 'county', '331102', 1, 2], ['c', 'county', '331102', 1, 1]], files);
    const added = await record(w, 'run-3');
    expect(added.map(short)).toEqual([
      ['a', '3311', 3, 2, 'run-3'],
      ['b', '331121', 5, null, 'run-3'], // vanished
      ['c', '331102', null, 1, 'run-3'], // appeared
    ]);
    expect(added[0]).toMatchObject({ old_value: 0.75, new_value: 0.5, files: ['cases_20251203.csv', 'staff_20251203.csv'] });
    // the same marts published again: nothing new
    expect(await record(w, 'run-4')).toEqual([]);
    expect(await readRevisions(editions())).toHaveLength(3);
  });

  it('keeps the history when a figure changes again, and when it returns to the frozen value', async () => {
    const again = await publish([['a', 'city', '3311', 1, 4], ['a', 'county', '331102', 1, 2], ['c', 'county', '331102', 1, 1]], [['run-5', 'cases_20251205.csv']]);
    expect((await record(again, 'run-5')).map(short)).toEqual([['a', '3311', 3, 1, 'run-5']]);
    const back = await publish([['a', 'city', '3311', 3, 4], ['a', 'county', '331102', 1, 2], ['c', 'county', '331102', 1, 1]], [['run-6', 'cases_20251206.csv']]);
    expect((await record(back, 'run-6')).map(short)).toEqual([['a', '3311', 3, 3, 'run-6']]);
    const all = await readRevisions(editions());
    expect(all.filter((r) => r.indicator_id === 'a' && r.unit_code === '3311').map((r) => [r.new_numerator, r.run_id])).toEqual([
      [2, 'run-3'],
      [1, 'run-5'],
      [3, 'run-6'],
    ]);
  });

  it("a county user sees their county's revisions only (not the city's)", async () => {
    const all = await readRevisions(editions());
    expect(revisionsOf(all, '2025-11', '331102').map((r) => r.unit_code)).toEqual(['331102']);
    expect(revisionsOf(all, '2025-11', '331121').map((r) => r.unit_code)).toEqual(['331121']);
    expect(revisionsOf(all, '2025-10', null)).toEqual([]);
  });
});
