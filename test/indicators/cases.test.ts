// Case indicators (mediation_success_rate, function_breadth) and mart.cases_monthly on
// hand-made data; answers worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, cuts, type CaseRow, type OfficeRow } from './core-fixture.ts';

const S2024 = '2024-12-31';
const S2025 = '2025-06-30';
const offices: OfficeRow[] = [
  { snapshot_date: S2024, office_code: 'K1', county_code: '331102', tier: 'key' },
  { snapshot_date: S2025, office_code: 'K1', county_code: '331102', tier: 'key' },
  { snapshot_date: S2025, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1' },
  { snapshot_date: S2025, office_code: 'K2', county_code: '331121', tier: 'key' },
];
const c = (row: Omit<CaseRow, 'export_date'> & { export_date?: string }): CaseRow => ({ export_date: '2025-07-01', ...row });
const cases: CaseRow[] = [
  // K1
  c({ case_id: 'C1', office_code: 'K1', business_line: '人民调解', received_date: '2025-01-10', closed_date: '2025-02-01', status: '已办结', outcome: '调解成功' }),
  // C2 updated in a later file: 办理中 first, then closed without success
  c({ case_id: 'C2', export_date: '2025-04-01', office_code: 'K1', business_line: '人民调解', received_date: '2025-03-01', status: '办理中' }),
  c({ case_id: 'C2', export_date: '2025-07-01', office_code: 'K1', business_line: '人民调解', received_date: '2025-03-01', closed_date: '2025-06-15', status: '已办结', outcome: '调解不成功' }),
  // received in 2024, closed in 2025 (outcome written with a space)
  c({ case_id: 'C3', export_date: '2025-01-05', office_code: 'K1', business_line: '人民调解', received_date: '2024-12-20', closed_date: '2025-01-05', status: '已办结', outcome: '调解 成功' }),
  c({ case_id: 'C4', office_code: 'K1', business_line: '人民调解', received_date: '2025-02-01', status: '已撤回' }),
  c({ case_id: 'C5', office_code: 'K1', business_line: '合法性审查', received_date: '2025-04-01', status: '已撤回' }),
  c({ case_id: 'C6', office_code: 'K1', business_line: '社区矫正', received_date: '2025-05-01', status: '办理中' }),
  // after d but within the year: counts
  c({ case_id: 'C7', export_date: '2025-12-05', office_code: 'K1', business_line: '人民调解', received_date: '2025-11-01', closed_date: '2025-12-01', status: '已办结', outcome: '调解成功' }),
  // an office that is not in S: counts nowhere
  c({ case_id: 'C8', office_code: 'X9', business_line: '人民调解', received_date: '2025-01-01', closed_date: '2025-01-02', status: '已办结', outcome: '调解成功' }),
  // O1: C9 withdrawn in its later version
  c({ case_id: 'C9', export_date: '2025-04-01', office_code: 'O1', business_line: '普法宣传', received_date: '2025-03-01', status: '办理中' }),
  c({ case_id: 'C9', export_date: '2025-07-01', office_code: 'O1', business_line: '普法宣传', received_date: '2025-03-01', status: '已撤回' }),
  c({ case_id: 'C10', office_code: 'O1', business_line: '人民调解', received_date: '2025-05-05', closed_date: '2025-05-20', status: '已办结', outcome: '调解不成功' }),
  // K2
  c({ case_id: 'C11', office_code: 'K2', business_line: '公共法律服务', received_date: '2025-01-02', status: '办理中' }),
  // closed in 2026: not a 2025 mediation, but its line was received in 2025
  c({ case_id: 'C12', export_date: '2026-01-05', office_code: 'K2', business_line: '人民调解', received_date: '2025-06-01', closed_date: '2026-01-03', status: '已办结', outcome: '调解成功' }),
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [S2024, S2025], offices, cases });
});
afterAll(() => db.close());

describe('case indicators', () => {
  it('mediation_success_rate: 人民调解 closed in the year, latest version, at offices of S', async () => {
    // K1: C1 ✓, C2 (latest: 调解不成功) ✗, C3 ✓, C7 ✓ → 3/4; C4 withdrawn is not closed.
    // O1: C10 ✗ → 0/1. K2: C12 closed in 2026 → 0/0, no row. C8's office is not in S.
    // Cluster K1 {K1, O1} 3/5; 莲都区 3/5; 青田县 no row; city 3/5.
    expect(await cuts(db.connection, 'mediation_success_rate', '2025')).toEqual([
      ['office', 'K1', 3, 4, 0.75],
      ['office', 'O1', 0, 1, 0],
      ['cluster', 'K1', 3, 5, 0.6],
      ['county', '331102', 3, 5, 0.6],
      ['city', '3311', 3, 5, 0.6],
    ]);
    // 2024: nothing closed in 2024 → no row at any grain
    expect(await cuts(db.connection, 'mediation_success_rate', '2024')).toEqual([]);
  });

  it('function_breadth: distinct lines received in the year and not withdrawn, out of 10 per office', async () => {
    // K1: 人民调解 (C1, C2, C7), 社区矫正 (C6) → 2; 合法性审查 only withdrawn (C5); C3 received in 2024.
    // O1: 人民调解 (C10) → 1; 普法宣传 withdrawn in its latest version (C9).
    // K2: 公共法律服务 (C11), 人民调解 (C12) → 2.
    // Cluster K1 3/20; cluster K2 2/10; 莲都区 3/20; 青田县 2/10; city 5/30.
    expect(await cuts(db.connection, 'function_breadth', '2025')).toEqual([
      ['office', 'K1', 2, 10, 0.2],
      ['office', 'K2', 2, 10, 0.2],
      ['office', 'O1', 1, 10, 0.1],
      ['cluster', 'K1', 3, 20, 0.15],
      ['cluster', 'K2', 2, 10, 0.2],
      ['county', '331102', 3, 20, 0.15],
      ['county', '331121', 2, 10, 0.2],
      ['city', '3311', 5, 30, 5 / 30],
    ]);
    // 2024 (S2024 has K1 only): C3 人民调解 received 2024-12-20 → 1/10
    expect(await cuts(db.connection, 'function_breadth', '2024')).toEqual([
      ['office', 'K1', 1, 10, 0.1],
      ['cluster', 'K1', 1, 10, 0.1],
      ['county', '331102', 1, 10, 0.1],
      ['city', '3311', 1, 10, 0.1],
    ]);
  });

  it('mart.cases_monthly: received, withdrawn, closed and mediation counts per month', async () => {
    const rows = await queryJson(
      db.connection,
      "SELECT month, office_code, business_line, received, withdrawn, in_progress, closed, mediation_closed, mediation_success FROM mart.cases_monthly WHERE office_code = 'K1' ORDER BY month, business_line",
    );
    expect(rows).toEqual([
      // C3 received 2024-12 (S2024 has K1)
      { month: '2024-12', office_code: 'K1', business_line: '人民调解', received: 1, withdrawn: 0, in_progress: 0, closed: 0, mediation_closed: 0, mediation_success: 0 },
      // C1 received; C3 closed (success)
      { month: '2025-01', office_code: 'K1', business_line: '人民调解', received: 1, withdrawn: 0, in_progress: 0, closed: 1, mediation_closed: 1, mediation_success: 1 },
      // C4 received and withdrawn; C1 closed (success)
      { month: '2025-02', office_code: 'K1', business_line: '人民调解', received: 1, withdrawn: 1, in_progress: 0, closed: 1, mediation_closed: 1, mediation_success: 1 },
      // C2 received
      { month: '2025-03', office_code: 'K1', business_line: '人民调解', received: 1, withdrawn: 0, in_progress: 0, closed: 0, mediation_closed: 0, mediation_success: 0 },
      // C5 received and withdrawn
      { month: '2025-04', office_code: 'K1', business_line: '合法性审查', received: 1, withdrawn: 1, in_progress: 0, closed: 0, mediation_closed: 0, mediation_success: 0 },
      // C6 received, in progress
      { month: '2025-05', office_code: 'K1', business_line: '社区矫正', received: 1, withdrawn: 0, in_progress: 1, closed: 0, mediation_closed: 0, mediation_success: 0 },
      // C2 closed without success
      { month: '2025-06', office_code: 'K1', business_line: '人民调解', received: 0, withdrawn: 0, in_progress: 0, closed: 1, mediation_closed: 1, mediation_success: 0 },
      // C7 received
      { month: '2025-11', office_code: 'K1', business_line: '人民调解', received: 1, withdrawn: 0, in_progress: 0, closed: 0, mediation_closed: 0, mediation_success: 0 },
      // C7 closed (success)
      { month: '2025-12', office_code: 'K1', business_line: '人民调解', received: 0, withdrawn: 0, in_progress: 0, closed: 1, mediation_closed: 1, mediation_success: 1 },
    ]);
    // The office not in S (C8) is nowhere; 2026 has no snapshot, so C12's closing month is left out.
    const elsewhere = await queryJson(db.connection, "SELECT count(*)::INTEGER AS n FROM mart.cases_monthly WHERE office_code = 'X9' OR month >= '2026'");
    expect(elsewhere).toEqual([{ n: 0 }]);
  });
});
