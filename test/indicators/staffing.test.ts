// Staffing indicators (posts, review posts, public lawyers) on hand-made data; answers worked
// out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, cuts, personKey, type OfficeRow, type StaffRow } from './core-fixture.ts';

const d = '2025-06-30';
const offices: OfficeRow[] = [
  { snapshot_date: d, office_code: 'K1', county_code: '331102', tier: 'key' },
  { snapshot_date: d, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1' },
  { snapshot_date: d, office_code: 'K2', county_code: '331121', tier: 'key' },
];
const staff: StaffRow[] = [
  // K1 — active: P1, P2. P3 left before d, P4 starts after d: neither counts.
  { snapshot_date: d, person_key: personKey('P1'), office_code: 'K1', role: '所长', posts: ['法治统筹协调岗', '合法性审查岗'], legal_qualification: true, public_lawyer: false, start_date: '2018-01-01', row_number: 2 },
  // the post with full-width brackets is the same post as the plan's
  { snapshot_date: d, person_key: personKey('P2'), office_code: 'K1', role: '工作人员', posts: ['行政执法监督岗', '社区矫正（安置帮教）岗'], legal_qualification: null, start_date: '2020-01-01', row_number: 3 },
  { snapshot_date: d, person_key: personKey('P3'), office_code: 'K1', role: '工作人员', posts: ['合法性审查岗', '网格员'], legal_qualification: false, start_date: '2019-01-01', end_date: '2025-05-31', row_number: 4 },
  { snapshot_date: d, person_key: personKey('P4'), office_code: 'K1', role: '司法协理员', posts: ['法律服务岗'], public_lawyer: true, start_date: '2025-08-01', row_number: 5 },
  // O1 — P5 holds both review posts, qualified, a public lawyer.
  { snapshot_date: d, person_key: personKey('P5'), office_code: 'O1', role: '所长', posts: ['合法性审查岗', '行政执法监督岗'], legal_qualification: true, public_lawyer: true, start_date: '2010-01-01', row_number: 6 },
  // K2 — P6 lists one post twice; public lawyer unknown (NULL, not true).
  { snapshot_date: d, person_key: personKey('P6'), office_code: 'K2', role: '工作人员', posts: ['法律服务岗', '法律服务岗'], public_lawyer: null, start_date: '2012-01-01', row_number: 7 },
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [d], offices, staff });
});
afterAll(() => db.close());

describe('staffing indicators', () => {
  it('key_office_post_coverage: distinct plan posts of active staff, out of 6 per key office', async () => {
    // K1: P1 {法治统筹协调岗, 合法性审查岗} ∪ P2 {行政执法监督岗, 社区矫正(安置帮教)岗} = 4 (P3, P4 inactive) → 4/6.
    // K2: {法律服务岗} → 1/6. O1 is ordinary: denominator 0, no office row, adds nothing to cluster K1.
    // 莲都区 4/6; 青田县 1/6; city 5/12.
    expect(await cuts(db.connection, 'key_office_post_coverage', '2025')).toEqual([
      ['office', 'K1', 4, 6, 4 / 6],
      ['office', 'K2', 1, 6, 1 / 6],
      ['cluster', 'K1', 4, 6, 4 / 6],
      ['cluster', 'K2', 1, 6, 1 / 6],
      ['county', '331102', 4, 6, 4 / 6],
      ['county', '331121', 1, 6, 1 / 6],
      ['city', '3311', 5, 12, 5 / 12],
    ]);
  });

  it('review_post_qualified: active staff on 合法性审查岗 or 行政执法监督岗; NULL qualification is not true', async () => {
    // K1: P1 (true), P2 (NULL) → 1/2; P3 (inactive) not counted. O1: P5 → 1/1 (counted once for two posts).
    // K2: nobody on those posts → 0/0, no row (nor for cluster K2 or 青田县).
    // Cluster K1 {K1, O1} 2/3; 莲都区 2/3; city 2/3.
    expect(await cuts(db.connection, 'review_post_qualified', '2025')).toEqual([
      ['office', 'K1', 1, 2, 0.5],
      ['office', 'O1', 1, 1, 1],
      ['cluster', 'K1', 2, 3, 2 / 3],
      ['county', '331102', 2, 3, 2 / 3],
      ['city', '3311', 2, 3, 2 / 3],
    ]);
  });

  it('public_lawyer_coverage: offices with at least one active 公职律师', async () => {
    // K1: P4 is a public lawyer but not yet active → 0/1. O1: P5 → 1/1. K2: NULL → 0/1.
    // Cluster K1 1/2; cluster K2 0/1; 莲都区 1/2; 青田县 0/1; city 1/3.
    expect(await cuts(db.connection, 'public_lawyer_coverage', '2025')).toEqual([
      ['office', 'K1', 0, 1, 0],
      ['office', 'K2', 0, 1, 0],
      ['office', 'O1', 1, 1, 1],
      ['cluster', 'K1', 1, 2, 0.5],
      ['cluster', 'K2', 0, 1, 0],
      ['county', '331102', 1, 2, 0.5],
      ['county', '331121', 0, 1, 0],
      ['city', '3311', 1, 3, 1 / 3],
    ]);
  });

  it('office_staffing: every plan post per office, active staff only', async () => {
    const posts = await queryJson(
      db.connection,
      "SELECT category, staff_count, legal_qualified_count FROM mart.office_staffing WHERE office_code = 'K1' AND dimension = 'post' ORDER BY sort_order",
    );
    // P1: 法治统筹协调岗, 合法性审查岗 (qualified); P2: 行政执法监督岗, 社区矫正(安置帮教)岗 (qualification unknown).
    expect(posts).toEqual([
      { category: '法治统筹协调岗', staff_count: 1, legal_qualified_count: 1 },
      { category: '合法性审查岗', staff_count: 1, legal_qualified_count: 1 },
      { category: '行政执法监督岗', staff_count: 1, legal_qualified_count: 0 },
      { category: '社区矫正(安置帮教)岗', staff_count: 1, legal_qualified_count: 0 },
      { category: '矛盾纠纷调处岗', staff_count: 0, legal_qualified_count: 0 },
      { category: '法律服务岗', staff_count: 0, legal_qualified_count: 0 },
    ]);
    const types = await queryJson(
      db.connection,
      "SELECT category, staff_count FROM mart.office_staffing WHERE office_code = 'K1' AND dimension = 'staffing_type' AND staff_count > 0 ORDER BY sort_order",
    );
    // neither P1 nor P2 has a staffing type in this data set
    expect(types).toEqual([{ category: '未填写', staff_count: 2 }]);
  });
});
