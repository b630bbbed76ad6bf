// The independent check: the conformance inbox (test/fixtures/conformance) goes through the real
// refresh command (interfaces.md: `npm run refresh -- --inbox DIR --db FILE`), and
// mart.indicator_values must hold every row of expected.json (numerator and denominator
// exactly, reform_index to 1e-9, value to 1e-9, target, meets_target, as_of, unit_name) and no
// other row of those indicators and years.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import type { IndicatorRow } from './core-fixture.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFORMANCE = path.join(ROOT, 'test/fixtures/conformance');

const key = (r: Pick<IndicatorRow, 'indicator_id' | 'period' | 'grain' | 'unit_code'>) => `${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`;

let workDir: string;
let db: Database | undefined;
let actual: Map<string, IndicatorRow>;
let expected: IndicatorRow[];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'conformance-'));
  const inbox = path.join(workDir, 'inbox');
  // loading archives inbox files: work on a copy
  cpSync(path.join(CONFORMANCE, 'inbox'), inbox, { recursive: true });
  const file = path.join(workDir, 'warehouse.duckdb');
  await promisify(execFile)('npm', ['run', '--silent', 'refresh', '--', '--inbox', inbox, '--db', file], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: path.join(workDir, 'data'), HMAC_SECRET: 'conformance-test-secret', REFRESH_SCHEDULE: 'off' },
    maxBuffer: 16 * 1024 * 1024,
  });
  expected = (JSON.parse(readFileSync(path.join(CONFORMANCE, 'expected.json'), 'utf8')) as { indicator_values: IndicatorRow[] }).indicator_values;
  db = await openDatabase(file, { readOnly: true });
  const periods = [...new Set(expected.map((r) => r.period))];
  const ids = [...new Set(expected.map((r) => r.indicator_id))];
  const rows = await queryJson<IndicatorRow>(
    db.connection,
    'SELECT * FROM mart.indicator_values WHERE list_contains($1::VARCHAR[], period) AND list_contains($2::VARCHAR[], indicator_id)',
    [`[${periods.join(',')}]`, `[${ids.join(',')}]`],
  );
  actual = new Map(rows.map((r) => [key(r), r]));
}, 600_000);

afterAll(() => {
  db?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('conformance inbox through the real refresh', () => {
  it('holds every expected row, exactly', () => {
    const problems: string[] = [];
    for (const e of expected) {
      const a = actual.get(key(e));
      if (!a) {
        problems.push(`missing ${key(e)}`);
        continue;
      }
      const tolerance = e.indicator_id === 'reform_index' ? 1e-9 : 0;
      if (Math.abs(a.numerator - e.numerator) > tolerance || Math.abs(a.denominator - e.denominator) > tolerance) {
        problems.push(`${key(e)}: ${a.numerator}/${a.denominator}, expected ${e.numerator}/${e.denominator}`);
      }
      if (Math.abs(a.value - e.value) > 1e-9) problems.push(`${key(e)}: value ${a.value}, expected ${e.value}`);
      const attributes = (r: IndicatorRow) => JSON.stringify([r.target, r.meets_target, r.as_of, r.unit_name]);
      if (attributes(a) !== attributes(e)) problems.push(`${key(e)}: ${attributes(a)}, expected ${attributes(e)}`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(problems).toHaveLength(0);
  });

  it('holds no unexpected row for those indicators and years', () => {
    const wanted = new Set(expected.map(key));
    const extra = [...actual.keys()].filter((k) => !wanted.has(k));
    expect(extra.slice(0, 20)).toEqual([]);
    expect(actual.size).toBe(expected.length);
  });
});
