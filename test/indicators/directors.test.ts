// Director indicators on hand-made data, answers worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, cuts, indicatorRows, personKey, type OfficeRow, type StaffRow } from './core-fixture.ts';

// One snapshot, d = 2025-06-30, so period 2025.
//   莲都区 331102: K1, K2, K3 key offices; O1 ordinary in K1's cluster.
//   青田县 331121: O2 ordinary, and no key office at all.
const d = '2025-06-30';
const offices: OfficeRow[] = [
  // K1: both meeting flags true, in the leadership
  { snapshot_date: d, office_code: 'K1', county_code: '331102', tier: 'key', director_attends_joint_meeting: true, director_attends_governance_meeting: true, director_in_leadership: true },
  // K2: governance flag unknown (NULL) → not "both true"; leadership unknown → not true
  { snapshot_date: d, office_code: 'K2', county_code: '331102', tier: 'key', director_attends_joint_meeting: true, director_attends_governance_meeting: null, director_in_leadership: null },
  // K3: only the joint meeting; not in the leadership
  { snapshot_date: d, office_code: 'K3', county_code: '331102', tier: 'key', director_attends_joint_meeting: true, director_attends_governance_meeting: false, director_in_leadership: false },
  { snapshot_date: d, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', director_in_leadership: true },
  { snapshot_date: d, office_code: 'O2', county_code: '331121', tier: 'ordinary', director_in_leadership: false },
];
const staff: StaffRow[] = [
  // K1 has two active 所长: B started later, so B is the director (政法专编, legal background).
  { snapshot_date: d, person_key: personKey('A'), office_code: 'K1', role: '所长', staffing_type: '行政编制', legal_background: false, start_date: '2020-01-01', row_number: 2 },
  { snapshot_date: d, person_key: personKey('B'), office_code: 'K1', role: '所长', staffing_type: '政法专编', legal_background: true, start_date: '2022-03-01', row_number: 3 },
  // K2 has two active 所长 with the same start date: the last row of the file (D) wins.
  // D's legal background is unknown (NULL) → does not count; D is 政法专编.
  { snapshot_date: d, person_key: personKey('C'), office_code: 'K2', role: '所长', staffing_type: '行政编制', legal_background: true, start_date: '2021-05-01', row_number: 4 },
  { snapshot_date: d, person_key: personKey('D'), office_code: 'K2', role: '所长', staffing_type: '政法专编', legal_background: null, start_date: '2021-05-01', row_number: 5 },
  // K3 is vacant: E left before d, G starts after d, F is only 副所长.
  { snapshot_date: d, person_key: personKey('E'), office_code: 'K3', role: '所长', staffing_type: '政法专编', legal_background: true, start_date: '2015-01-01', end_date: '2025-03-31', row_number: 6 },
  { snapshot_date: d, person_key: personKey('F'), office_code: 'K3', role: '副所长', staffing_type: '政法专编', legal_background: true, start_date: '2015-01-01', row_number: 7 },
  { snapshot_date: d, person_key: personKey('G'), office_code: 'K3', role: '所长', staffing_type: '政法专编', legal_background: true, start_date: '2025-07-01', row_number: 8 },
  // O1's director is legally trained, but O1 is ordinary: no part in the key_director_* indicators.
  { snapshot_date: d, person_key: personKey('H'), office_code: 'O1', role: '所长', staffing_type: '政法专编', legal_background: true, start_date: '2019-01-01', row_number: 9 },
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [d], offices, staff });
});
afterAll(() => db.close());

describe('director indicators', () => {
  it('key_director_legal_background: later start wins, equal start → last row, vacant counts in the denominator', async () => {
    // K1 → B (true) 1/1; K2 → D (NULL) 0/1; K3 vacant 0/1. Clusters: K1 = {K1, O1} → 1/1, K2 0/1, K3 0/1.
    // 莲都区: 1 of 3 key offices. 青田县 has no key office → denominator 0 → no row. City 1/3.
    expect(await cuts(db.connection, 'key_director_legal_background', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 0, 1, 0],
      ['office', 'K3', 0, 1, 0],
      ['cluster', 'K1', 1, 1, 1],
      ['cluster', 'K2', 0, 1, 0],
      ['cluster', 'K3', 0, 1, 0],
      ['county', '331102', 1, 3, 1 / 3],
      ['city', '3311', 1, 3, 1 / 3],
    ]);
  });

  it('key_director_zhengfa: the chosen director decides (A is 行政编制 but B is the director)', async () => {
    // K1 → B 政法专编 1; K2 → D 政法专编 1 (C, 行政编制, is not the director); K3 vacant 0. County and city 2/3.
    expect(await cuts(db.connection, 'key_director_zhengfa', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 1, 1, 1],
      ['office', 'K3', 0, 1, 0],
      ['cluster', 'K1', 1, 1, 1],
      ['cluster', 'K2', 1, 1, 1],
      ['cluster', 'K3', 0, 1, 0],
      ['county', '331102', 2, 3, 2 / 3],
      ['city', '3311', 2, 3, 2 / 3],
    ]);
  });

  it('key_director_meetings: both flags must be true; NULL is not true', async () => {
    // K1 true+true → 1; K2 true+NULL → 0; K3 true+false → 0. County and city 1/3.
    expect(await cuts(db.connection, 'key_director_meetings', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 0, 1, 0],
      ['office', 'K3', 0, 1, 0],
      ['cluster', 'K1', 1, 1, 1],
      ['cluster', 'K2', 0, 1, 0],
      ['cluster', 'K3', 0, 1, 0],
      ['county', '331102', 1, 3, 1 / 3],
      ['city', '3311', 1, 3, 1 / 3],
    ]);
  });

  it('director_in_leadership: every office counts in the denominator', async () => {
    // K1 true, K2 NULL, K3 false, O1 true, O2 false.
    // Clusters: K1 = {K1, O1} 2/2; K2 0/1; K3 0/1. 莲都区 {K1,K2,K3,O1} 2/4; 青田县 {O2} 0/1; city 2/5.
    expect(await cuts(db.connection, 'director_in_leadership', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 0, 1, 0],
      ['office', 'K3', 0, 1, 0],
      ['office', 'O1', 1, 1, 1],
      ['office', 'O2', 0, 1, 0],
      ['cluster', 'K1', 2, 2, 1],
      ['cluster', 'K2', 0, 1, 0],
      ['cluster', 'K3', 0, 1, 0],
      ['county', '331102', 2, 4, 0.5],
      ['county', '331121', 0, 1, 0],
      ['city', '3311', 2, 5, 0.4],
    ]);
  });

  it('publishes names, targets and meets_target as the contract says', async () => {
    const rows = await indicatorRows(db.connection, 'key_director_legal_background', '2025');
    // target 0.80: K1 1 ≥ 0.8 meets; the county's 1/3 does not.
    expect(rows.map((r) => [r.grain, r.unit_name, r.target, r.meets_target, r.as_of])).toEqual([
      ['office', 'K1司法所', 0.8, true, d],
      ['office', 'K2司法所', 0.8, false, d],
      ['office', 'K3司法所', 0.8, false, d],
      ['cluster', 'K1司法所片区', 0.8, true, d],
      ['cluster', 'K2司法所片区', 0.8, false, d],
      ['cluster', 'K3司法所片区', 0.8, false, d],
      ['county', '莲都区', 0.8, false, d],
      ['city', '丽水市', 0.8, false, d],
    ]);
    const untargeted = await indicatorRows(db.connection, 'director_in_leadership', '2025');
    expect(new Set(untargeted.map((r) => `${r.target}/${r.meets_target}`))).toEqual(new Set(['null/null']));
  });
});
