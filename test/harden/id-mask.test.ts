// One definition of "an ID number inside text", two implementations: the SQL macro that masks
// raw rows and messages of rejects, and the TypeScript function that masks file messages,
// journals, logs and alerts. Both must give the same answer on every case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../pipelines/models/project.ts';
import { prepareWarehouse } from '../../pipelines/models/runner.ts';
import { hasIdNumber, maskIdNumbers, maskIdNumbersDeep } from '../../pipelines/pii/id-mask.ts';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { ID_MASK_CASES } from './id-mask-cases.ts';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await prepareWarehouse(db.connection, loadProject());
});
afterAll(() => db?.close());

describe('ID numbers inside text', () => {
  it('TypeScript masks every case', () => {
    for (const [input, masked] of ID_MASK_CASES) expect(maskIdNumbers(input), input).toBe(masked);
  });

  it('the SQL macro masks every case exactly as TypeScript does', async () => {
    const values = ID_MASK_CASES.map(([input], i) => `(${i}, '${input.replace(/'/g, "''")}')`).join(', ');
    const rows = await queryJson<{ i: number; masked: string; still: boolean }>(
      db.connection,
      `SELECT i, scrub_id_numbers(s) AS masked, has_id_number(scrub_id_numbers(s)) AS still FROM (VALUES ${values}) t(i, s) ORDER BY i`,
    );
    for (const row of rows) {
      const [input, masked] = ID_MASK_CASES[row.i]!;
      expect(row.masked, input).toBe(masked);
      expect(row.masked, input).toBe(maskIdNumbers(input));
      expect(row.still, input).toBe(false);
    }
  });

  it('masking is idempotent, and what it leaves holds no ID number', () => {
    for (const [input] of ID_MASK_CASES) {
      const once = maskIdNumbers(input);
      expect(maskIdNumbers(once)).toBe(once);
      expect(hasIdNumber(once)).toBe(false);
    }
    expect(hasIdNumber('x 3311 0219 8705 0862 57')).toBe(true);
  });

  it('masks the strings inside log fields and alert details', () => {
    expect(maskIdNumbersDeep({ a: ['ID33112619940718812X'], b: 3, c: { d: '331102-19870508-6257' } })).toEqual({
      a: ['ID331126********812X'],
      b: 3,
      c: { d: '331102********6257' },
    });
  });
});
