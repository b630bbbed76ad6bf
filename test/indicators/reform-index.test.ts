// reform_index on hand-made data: the mean of min(value / target, 1) over the targeted
// indicators that have a row for the unit; worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, indicatorRows, personKey, type OfficeRow, type StaffRow } from './core-fixture.ts';

const d = '2025-06-30';
const offices: OfficeRow[] = [
  // K1: director vacant, 1 terminal, no meetings.
  { snapshot_date: d, office_code: 'K1', county_code: '331102', tier: 'key', terminals: 1 },
  // K2: a legally trained 政法专编 director who attends both meetings, 1 terminal.
  { snapshot_date: d, office_code: 'K2', county_code: '331102', tier: 'key', terminals: 1, director_attends_joint_meeting: true, director_attends_governance_meeting: true },
  // O1 in K1's cluster, no terminal.
  { snapshot_date: d, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', terminals: 0 },
];
// K2's director is in the training denominator and has no training: training_compliance 0/1 at K2.
const staff: StaffRow[] = [
  { snapshot_date: d, person_key: personKey('Z'), office_code: 'K2', role: '所长', staffing_type: '政法专编', legal_background: true, start_date: '2010-01-01', row_number: 2 },
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [d], offices, staff });
});
afterAll(() => db.close());

describe('reform_index', () => {
  it('averages min(value / target, 1) over the targeted indicators with a row', async () => {
    // Targeted indicators: legal_background (0.8), zhengfa, meetings, cluster_coverage, terminal_office,
    // review_post_qualified, training_compliance (1.0). review_post_qualified has no row anywhere (nobody on review posts).
    // office K1: legal 0/1 → 0, zhengfa 0, meetings 0, terminal 1/1 → 1                      → 1 / 4
    // office K2: legal 1/1 → min(1/0.8, 1) = 1, zhengfa 1, meetings 1, terminal 1, training 0/1 → 4 / 5
    // office O1: cluster 1/1 → 1, terminal 0/1 → 0                                            → 1 / 2
    // cluster K1 {K1, O1}: legal 0, zhengfa 0, meetings 0, cluster 1, terminal 1/2 → 0.5        → 1.5 / 5
    // cluster K2 {K2}: as office K2                                                            → 4 / 5
    // 莲都区 = city {K1, K2, O1}: legal 1/2 → 0.5/0.8 = 0.625, zhengfa 1/2 → 0.5, meetings 0.5,
    //   cluster 1, terminal 2/3, training 0/1 → 0                                               → (0.625+0.5+0.5+1+2/3) / 6
    const county = 0.625 + 0.5 + 0.5 + 1 + 2 / 3 + 0;
    const expected = [
      ['office', 'K1', 1, 4],
      ['office', 'K2', 4, 5],
      ['office', 'O1', 1, 2],
      ['cluster', 'K1', 1.5, 5],
      ['cluster', 'K2', 4, 5],
      ['county', '331102', county, 6],
      ['city', '3311', county, 6],
    ] as const;
    const rows = await indicatorRows(db.connection, 'reform_index', '2025');
    expect(rows.map((r) => [r.grain, r.unit_code, r.denominator])).toEqual(expected.map(([g, u, , den]) => [g, u, den]));
    rows.forEach((row, i) => {
      const [, , numerator, denominator] = expected[i]!;
      expect(Math.abs(row.numerator - numerator)).toBeLessThan(1e-9);
      expect(Math.abs(row.value - numerator / denominator)).toBeLessThan(1e-9);
      expect(row.target).toBeNull();
      expect(row.meets_target).toBeNull();
      expect(row.as_of).toBe(d);
    });
  });
});
