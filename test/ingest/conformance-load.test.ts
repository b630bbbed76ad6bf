// The conformance inbox (test/fixtures/conformance, built to exports.md by people outside this
// project) through the real refresh command: rejected rows per file and reason, every planted
// row at its file, sheet and row number, the files that cannot load, the loaded counts, and no
// ID number of the inbox anywhere in the warehouse file. Then the same exports again: nothing
// changes and nothing doubles.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, quoteIdent, type Database } from '../../pipelines/warehouse/duckdb.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFORMANCE = path.join(ROOT, 'test/fixtures/conformance');

interface Expected {
  rejected: Record<string, Record<string, number>>;
  rejected_rows: { file: string; sheet: string | null; row: number; reason: string; note: string }[];
  rejected_files: string[];
  id_numbers: string[];
  id_numbers_other_length: string[];
  counts: {
    cases_latest: number;
    training_latest: number;
    offices_by_snapshot: Record<string, number>;
    staff_by_snapshot: Record<string, number>;
    case_rows_loaded_by_file: Record<string, number>;
    training_rows_loaded_by_file: Record<string, number>;
    rejected_total: number;
    cases_in_more_than_one_file: number;
    training_records_in_more_than_one_file: number;
    training_people_not_on_any_roster: number;
  };
}

const expected = JSON.parse(readFileSync(path.join(CONFORMANCE, 'expected.json'), 'utf8')) as Expected;

let work: string;
let warehouse: string;
let output: string;
let db: Database;

async function refresh(): Promise<{ stdout: string; stderr: string }> {
  // loading archives inbox files: always a fresh copy
  const inbox = path.join(work, 'inbox');
  cpSync(path.join(CONFORMANCE, 'inbox'), inbox, { recursive: true });
  for (const name of readdirSync(inbox)) chmodSync(path.join(inbox, name), 0o644);
  return promisify(execFile)('npm', ['run', '--silent', 'refresh', '--', '--inbox', inbox, '--db', warehouse], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: path.join(work, 'data'), HMAC_SECRET: 'conformance-load-test-secret', REFRESH_SCHEDULE: 'off' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

const q = <T = Record<string, unknown>>(sql: string) => queryJson<T>(db.connection, sql);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'conformance-load-'));
  warehouse = path.join(work, 'warehouse.duckdb');
  const { stdout, stderr } = await refresh();
  output = stdout + stderr;
  db = await openDatabase(warehouse, { readOnly: true });
}, 600_000);

afterAll(() => {
  db?.close();
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('conformance inbox', () => {
  it('rejects the rows expected.json lists, per file and reason', async () => {
    const rows = await q<{ file_name: string; reason_code: string; n: number }>(
      'SELECT file_name, reason_code, count(*)::INTEGER AS n FROM audit.rejected_rows GROUP BY ALL',
    );
    const actual: Record<string, Record<string, number>> = {};
    for (const r of rows) (actual[r.file_name] ??= {})[r.reason_code] = r.n;
    expect(actual).toEqual(expected.rejected);
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(expected.counts.rejected_total);
  });

  it('rejects each planted row at its file, sheet and row number, for its reason', async () => {
    const rows = await q<{ file_name: string; sheet: string | null; row_number: number; reason_code: string }>(
      'SELECT file_name, sheet, row_number, reason_code FROM audit.rejected_rows',
    );
    const have = new Set(rows.map((r) => JSON.stringify([r.file_name, r.sheet, r.row_number, r.reason_code])));
    const missing = expected.rejected_rows.filter((p) => !have.has(JSON.stringify([p.file, p.sheet, p.row, p.reason])));
    expect(missing).toEqual([]);
  });

  it('reports the files that cannot load at all, and says why', async () => {
    const files = await q<{ file_name: string; status: string; reason_code: string }>(
      "SELECT file_name, status, reason_code FROM audit.files WHERE status IN ('rejected', 'unknown') ORDER BY file_name",
    );
    expect(files.map((f) => f.file_name)).toEqual([...expected.rejected_files].sort());
    expect(files).toEqual([
      { file_name: 'notes.txt', status: 'unknown', reason_code: 'unknown_file' },
      { file_name: 'training_20250315.xlsx', status: 'rejected', reason_code: 'unreadable_file' },
    ]);
    for (const name of expected.rejected_files) expect(output).toContain(name);
    // the unknown file waits in the inbox; everything else was archived
    expect(readdirSync(path.join(work, 'inbox'))).toEqual(['notes.txt']);
  });

  it('loads the expected counts', async () => {
    const one = async (sql: string) => Number(Object.values((await q(sql))[0]!)[0]);
    const perKey = async (sql: string) => Object.fromEntries((await q<{ k: string; n: number }>(sql)).map((r) => [r.k, r.n]));
    const c = expected.counts;
    expect(await one('SELECT count(*) FROM core.cases')).toBe(c.cases_latest);
    expect(await one('SELECT count(*) FROM core.training_records')).toBe(c.training_latest);
    expect(await perKey('SELECT snapshot_date::VARCHAR AS k, count(*)::INTEGER AS n FROM core.offices GROUP BY 1')).toEqual(c.offices_by_snapshot);
    expect(await perKey('SELECT snapshot_date::VARCHAR AS k, count(*)::INTEGER AS n FROM core.staff GROUP BY 1')).toEqual(c.staff_by_snapshot);
    expect(await perKey('SELECT file_name AS k, count(*)::INTEGER AS n FROM core.case_versions GROUP BY 1')).toEqual(c.case_rows_loaded_by_file);
    expect(await perKey('SELECT file_name AS k, count(*)::INTEGER AS n FROM core.training_versions GROUP BY 1')).toEqual(c.training_rows_loaded_by_file);
    // what the run reports per file agrees with what the tables hold
    expect(await perKey("SELECT file_name AS k, rows_loaded::INTEGER AS n FROM audit.files WHERE kind = 'cases' AND status = 'loaded'")).toEqual(c.case_rows_loaded_by_file);
    expect(await one('SELECT count(*) FROM (SELECT case_id FROM core.case_versions GROUP BY 1 HAVING count(*) > 1)')).toBe(c.cases_in_more_than_one_file);
    expect(await one('SELECT count(*) FROM (SELECT record_id FROM core.training_versions GROUP BY 1 HAVING count(*) > 1)')).toBe(
      c.training_records_in_more_than_one_file,
    );
    expect(await one('SELECT count(DISTINCT person_key) FROM core.training_records WHERE person_key NOT IN (SELECT person_key FROM core.staff)')).toBe(
      c.training_people_not_on_any_roster,
    );
  });

  it('keeps no raw ID number in the warehouse file, its tables, or the command output', async () => {
    const ids = [...expected.id_numbers, ...expected.id_numbers_other_length];
    expect(ids.length).toBeGreaterThan(400);
    const bytes = readFileSync(warehouse);
    expect(ids.filter((id) => bytes.includes(id) || bytes.includes(id.toLowerCase()))).toEqual([]);
    expect(ids.filter((id) => output.includes(id))).toEqual([]);
    // Compressed string columns could hide a value from a byte search: look inside every text column too.
    const columns = await q<{ schema_name: string; table_name: string; column_name: string }>(
      "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() AND data_type IN ('VARCHAR', 'JSON')",
    );
    expect(columns.length).toBeGreaterThan(20);
    // One scan per table: every text column joined, searched for any ID at once (an RE2 alternation).
    const pattern = ids.join('|');
    const byTable = new Map<string, string[]>();
    for (const c of columns) {
      const relation = `${quoteIdent(c.schema_name)}.${quoteIdent(c.table_name)}`;
      byTable.set(relation, [...(byTable.get(relation) ?? []), `coalesce(${quoteIdent(c.column_name)}::VARCHAR, '')`]);
    }
    // the search does find an ID where there is one
    const control = await q<{ hit: boolean }>(`SELECT regexp_matches(upper('x|' || '${ids[7]!.toLowerCase()}' || '|y'), '${pattern}') AS hit`);
    expect(control).toEqual([{ hit: true }]);
    const found: string[] = [];
    for (const [relation, texts] of byTable) {
      const hits = await q<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ${relation} WHERE regexp_matches(upper(concat_ws('|', ${texts.join(', ')})), '${pattern}')`,
      );
      if (hits[0]!.n > 0) found.push(relation);
    }
    expect(found).toEqual([]);
    // the transcoded copies are gone
    expect(existsSync(path.join(work, 'data', 'tmp')) ? readdirSync(path.join(work, 'data', 'tmp')) : []).toEqual([]);
  });

  it('changes nothing and doubles nothing when the same exports are loaded again', async () => {
    const snapshot = async () => ({
      counts: await q(
        `SELECT (SELECT count(*) FROM core.offices) AS offices, (SELECT count(*) FROM core.staff) AS staff,
                (SELECT count(*) FROM core.case_versions) AS case_versions, (SELECT count(*) FROM core.training_versions) AS training_versions,
                (SELECT count(*) FROM core.cases) AS cases, (SELECT count(*) FROM audit.rejected_rows) AS rejected`,
      ),
      cases: await q("SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) AS h FROM (SELECT * EXCLUDE (run_id) FROM core.cases) t"),
      staff: await q("SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) AS h FROM core.staff t"),
    });
    type Indicator = { indicator_id: string; period: string; grain: string; unit_code: string; [k: string]: unknown };
    const indicators = async () => new Map((await q<Indicator>('SELECT * FROM mart.indicator_values')).map((r) => [`${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`, r]));
    const before = await snapshot();
    const indicatorsBefore = await indicators();
    db.close();
    await refresh();
    db = await openDatabase(warehouse, { readOnly: true });
    expect(await snapshot()).toEqual(before);
    // Indicator values are compared to 1e-12: a sum of doubles may differ in its last bit
    // between two builds when DuckDB aggregates in parallel.
    const indicatorsAfter = await indicators();
    expect([...indicatorsAfter.keys()].sort()).toEqual([...indicatorsBefore.keys()].sort());
    const changed: string[] = [];
    for (const [key, row] of indicatorsAfter) {
      const old = indicatorsBefore.get(key)!;
      for (const [column, value] of Object.entries(row)) {
        const was = old[column];
        const same = typeof value === 'number' && typeof was === 'number' ? Math.abs(value - was) <= 1e-12 * Math.max(1, Math.abs(was)) : value === was;
        if (!same) changed.push(`${key} ${column}: ${String(was)} → ${String(value)}`);
      }
    }
    expect(changed).toEqual([]);
    const runs = await q<{ files_loaded: number; rows_loaded: string }>('SELECT files_loaded, rows_loaded FROM audit.runs ORDER BY started_at');
    expect(runs).toHaveLength(2);
    expect(runs[1]).toEqual({ files_loaded: 0, rows_loaded: '0' });
    const second = await q<{ status: string; n: number }>(
      "SELECT status, count(*)::INTEGER AS n FROM audit.files WHERE run_id = (SELECT max(run_id) FROM audit.runs) GROUP BY 1 ORDER BY 1",
    );
    expect(second).toEqual([
      { status: 'rejected', n: 1 },
      { status: 'skipped', n: 15 },
      { status: 'unknown', n: 1 },
    ]);
  }, 600_000);
});
