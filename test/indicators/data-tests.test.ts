// The data tests that run after every build catch wrong numbers: each case below breaks one
// invariant of a correctly built warehouse and checks that the right test (severity error) fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDataTests, type DataTestResult } from '../../pipelines/models/runner.ts';
import { openDatabase, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, martProject, personKey, type OfficeRow } from './core-fixture.ts';

const d = '2025-06-30';
const offices: OfficeRow[] = [
  { snapshot_date: d, office_code: 'K1', county_code: '331102', tier: 'key', terminals: 1 },
  { snapshot_date: d, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', terminals: 0 },
  { snapshot_date: d, office_code: 'K2', county_code: '331121', tier: 'key', terminals: 1 },
];

let db: Database;
beforeEach(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, {
    snapshots: [d],
    offices,
    staff: [{ snapshot_date: d, person_key: personKey('A'), office_code: 'K1', role: '所长', start_date: '2020-01-01', row_number: 2 }],
  });
});
afterEach(() => db.close());

async function failingAfter(statement: string): Promise<Pick<DataTestResult, 'name' | 'severity'>[]> {
  await db.connection.run(statement);
  const results = await runDataTests(db.connection, martProject(), { phase: 'build' });
  return results.filter((r) => r.status !== 'pass').map(({ name, severity }) => ({ name, severity }));
}

describe('data tests', () => {
  it('a county numerator that no longer adds up to the city fails the sum tests', async () => {
    const failing = await failingAfter(
      "UPDATE mart.indicator_values SET numerator = 0, value = 0 WHERE indicator_id = 'terminal_office_coverage' AND grain = 'county' AND unit_code = '331121'",
    );
    expect(failing).toEqual(
      expect.arrayContaining([
        { name: 'indicator_city_equals_county_sums', severity: 'error' },
        { name: 'indicator_county_equals_office_sums', severity: 'error' },
        { name: 'reform_index_recomputed', severity: 'error' },
      ]),
    );
  });

  it('a value that is not numerator / denominator, or above 1, fails', async () => {
    const failing = await failingAfter(
      "UPDATE mart.indicator_values SET value = 1.5 WHERE indicator_id = 'director_in_leadership' AND grain = 'city'",
    );
    expect(failing.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'mart.indicator_values: expect(abs(value - numerator / denominator) < 1e-12)',
        'mart.indicator_values: expect(value BETWEEN 0 AND 1)',
      ]),
    );
  });

  it('a row with denominator 0, a duplicate key or an unknown grain fails', async () => {
    await db.connection.run(
      "INSERT INTO mart.indicator_values SELECT * REPLACE (0.0 AS numerator, 0.0 AS denominator) FROM mart.indicator_values WHERE indicator_id = 'director_in_leadership' AND grain = 'city'",
    );
    const failing = await failingAfter("UPDATE mart.units SET grain = 'province' WHERE grain = 'city'");
    expect(failing.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'mart.indicator_values: unique(indicator_id, period, grain, unit_code)',
        'mart.indicator_values: expect(denominator > 0)',
        'mart.units: accepted_values(grain: office, cluster, county, city)',
        'mart.indicator_values: relationships(period, grain, unit_code -> mart.units(period, grain, unit_code))',
      ]),
    );
  });

  it('a missing contract indicator and a meets_target that contradicts the target fail', async () => {
    const failing = await failingAfter(
      "DELETE FROM mart.indicator_catalog WHERE indicator_id = 'function_breadth'; UPDATE mart.indicator_values SET meets_target = NOT meets_target WHERE indicator_id = 'terminal_office_coverage'",
    );
    expect(failing.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'indicator_catalog_covers_contract',
        'mart.indicator_values: expect(meets_target IS NOT DISTINCT FROM (value >= target))',
      ]),
    );
  });

  it('training and case marts that disagree with the indicators fail', async () => {
    const failing = await failingAfter("UPDATE mart.training_person_year SET complies = true, meets_days = true");
    expect(failing.map((f) => f.name)).toContain('training_marts_agree');
  });
});
