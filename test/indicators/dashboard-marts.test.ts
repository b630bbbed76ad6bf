// mart.data_freshness and mart.office_profiles on hand-made data; expected rows worked out by
// hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, personKey } from './core-fixture.ts';

// kind and export_date from the file name, as the loader sets them
const reject = (run_id: string, file_id: string, file_name: string, row_number: number, county_code: string | null) => {
  const [, kind = '', y, m, d] = /^([a-z]+)_(\d{4})(\d{2})(\d{2})\./.exec(file_name)!;
  return { run_id, file_id, file_name, sheet: null, row_number, reason_code: 'bad_date', message: '日期无法识别', raw: '{}', county_code, kind, export_date: `${y}-${m}-${d}` };
};

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, {
    // 莲都区 (331102) is in both snapshots; 青田县 (331121) only in the earlier one.
    snapshots: ['2025-03-31', '2025-06-30'],
    offices: [
      { snapshot_date: '2025-03-31', office_code: 'K1', county_code: '331102', tier: 'key' },
      { snapshot_date: '2025-03-31', office_code: 'K2', county_code: '331121', tier: 'key' },
      { snapshot_date: '2025-06-30', office_code: 'K1', county_code: '331102', tier: 'key', plaques: ['行政复议联络点', '便民服务站'], smart_office: true, terminals: 3 },
    ],
    staff: [
      { snapshot_date: '2025-03-31', person_key: personKey('A'), office_code: 'K1', role: '所长', start_date: '2020-01-01', row_number: 2 },
      { snapshot_date: '2025-03-31', person_key: personKey('B'), office_code: 'K2', role: '所长', start_date: '2020-01-01', row_number: 3 },
      { snapshot_date: '2025-06-30', person_key: personKey('A'), office_code: 'K1', role: '所长', staffing_type: '政法专编', legal_background: true, legal_qualification: false, public_lawyer: true, start_date: '2020-01-01', row_number: 2 },
      { snapshot_date: '2025-06-30', person_key: personKey('C'), office_code: 'K1', role: '工作人员', legal_qualification: true, posts: ['合法性审查岗'], start_date: '2021-01-01', row_number: 3 },
    ],
    cases: [
      { case_id: 'C1', export_date: '2025-04-01', office_code: 'K2', business_line: '人民调解', received_date: '2025-03-01', status: '办理中' },
      { case_id: 'C2', export_date: '2025-07-01', office_code: 'K1', business_line: '人民调解', received_date: '2025-06-01', status: '办理中' },
    ],
    training: [
      { record_id: 'R1', export_date: '2025-05-01', person_key: personKey('B'), start_date: '2025-04-01', end_date: '2025-04-01', hours: 8 },
      { record_id: 'R2', export_date: '2025-07-15', person_key: personKey('A'), start_date: '2025-07-01', end_date: '2025-07-01', hours: 8 },
      // someone on no roster: counts for the city only
      { record_id: 'R3', export_date: '2025-08-01', person_key: personKey('Z'), start_date: '2025-07-20', end_date: '2025-07-20', hours: 8 },
    ],
    rejectedRows: [
      reject('r1', 'sha-cases-2025-04-01', 'cases_20250401.csv', 5, '331121'),
      // a file a second run (r2) read again: its rows replaced, under r2
      reject('r2', 'sha-cases-2025-07-01', 'cases_20250701.csv', 7, '331102'),
      reject('r2', 'sha-cases-2025-07-01', 'cases_20250701.csv', 9, '331102'),
      // a row that names no county: only the city counts it
      reject('r2', 'sha-cases-2025-07-01', 'cases_20250701.csv', 11, null),
      // a newer training file whose only row was rejected: it is still the newest training export
      reject('r3', 'sha-training-0901', 'training_20250901.csv', 2, '331102'),
    ],
  });
});
afterAll(() => db.close());

describe('mart.data_freshness', () => {
  it('per county and source: last export, lag behind the newest, rejected rows', async () => {
    const rows = await queryJson<Record<string, unknown>>(
      db.connection,
      `SELECT county_code, source, last_export_date, newest_export_date, days_behind_newest, latest_rows,
              latest_file_rejected_rows, rejected_rows, days_since_export = built_on - last_export_date AS since_ok
       FROM mart.data_freshness WHERE county_code IN ('331102', '331121', '3311') ORDER BY county_code, source`,
    );
    expect(rows).toEqual([
      // city: everything, the unattributed rejected row and the off-roster training record included
      { county_code: '3311', source: 'cases', last_export_date: '2025-07-01', newest_export_date: '2025-07-01', days_behind_newest: 0, latest_rows: 1, latest_file_rejected_rows: 3, rejected_rows: 4, since_ok: true },
      { county_code: '3311', source: 'offices', last_export_date: '2025-06-30', newest_export_date: '2025-06-30', days_behind_newest: 0, latest_rows: 1, latest_file_rejected_rows: 0, rejected_rows: 0, since_ok: true },
      // training: newest export 09-01 (all rejected), last loaded rows 08-01 (the off-roster record)
      { county_code: '3311', source: 'training', last_export_date: '2025-08-01', newest_export_date: '2025-09-01', days_behind_newest: 31, latest_rows: 1, latest_file_rejected_rows: 1, rejected_rows: 1, since_ok: true },
      // 莲都区: cases 07-01 (2 rejected rows in that newest file); training via A's roster row, 07-15: 48 days behind 09-01,
      // and the rejected row of the 09-01 file is its
      { county_code: '331102', source: 'cases', last_export_date: '2025-07-01', newest_export_date: '2025-07-01', days_behind_newest: 0, latest_rows: 1, latest_file_rejected_rows: 2, rejected_rows: 2, since_ok: true },
      { county_code: '331102', source: 'offices', last_export_date: '2025-06-30', newest_export_date: '2025-06-30', days_behind_newest: 0, latest_rows: 1, latest_file_rejected_rows: 0, rejected_rows: 0, since_ok: true },
      { county_code: '331102', source: 'training', last_export_date: '2025-07-15', newest_export_date: '2025-09-01', days_behind_newest: 48, latest_rows: 1, latest_file_rejected_rows: 1, rejected_rows: 1, since_ok: true },
      // 青田县: missing from the 06-30 snapshot: 91 days behind (03-31 → 06-30); its rejected case row is in an older file
      { county_code: '331121', source: 'cases', last_export_date: '2025-04-01', newest_export_date: '2025-07-01', days_behind_newest: 91, latest_rows: 1, latest_file_rejected_rows: 0, rejected_rows: 1, since_ok: true },
      { county_code: '331121', source: 'offices', last_export_date: '2025-03-31', newest_export_date: '2025-06-30', days_behind_newest: 91, latest_rows: 1, latest_file_rejected_rows: 0, rejected_rows: 0, since_ok: true },
      // training 05-01 → 09-01: 123 days
      { county_code: '331121', source: 'training', last_export_date: '2025-05-01', newest_export_date: '2025-09-01', days_behind_newest: 123, latest_rows: 1, latest_file_rejected_rows: 0, rejected_rows: 0, since_ok: true },
    ]);
    // the other seven counties have a row per source with nothing in it
    const silent = await queryJson(
      db.connection,
      "SELECT count(*)::INTEGER AS n, count(last_export_date)::INTEGER AS dated, sum(latest_rows)::INTEGER AS rows FROM mart.data_freshness WHERE county_code NOT IN ('331102', '331121', '3311')",
    );
    expect(silent).toEqual([{ n: 21, dated: 0, rows: 0 }]);
  });
});

describe('mart.rejections_by_reason', () => {
  it('counts each rejected file row once, by file, county and reason', async () => {
    const rows = await queryJson(
      db.connection,
      'SELECT source, export_date, file_name, county_code, reason_code, rejected_rows, last_run_id FROM mart.rejections_by_reason ORDER BY file_name, county_code NULLS LAST',
    );
    expect(rows).toEqual([
      { source: 'cases', export_date: '2025-04-01', file_name: 'cases_20250401.csv', county_code: '331121', reason_code: 'bad_date', rejected_rows: 1, last_run_id: 'r1' },
      // rows 7 and 9, of the file run r2 read again
      { source: 'cases', export_date: '2025-07-01', file_name: 'cases_20250701.csv', county_code: '331102', reason_code: 'bad_date', rejected_rows: 2, last_run_id: 'r2' },
      { source: 'cases', export_date: '2025-07-01', file_name: 'cases_20250701.csv', county_code: null, reason_code: 'bad_date', rejected_rows: 1, last_run_id: 'r2' },
      { source: 'training', export_date: '2025-09-01', file_name: 'training_20250901.csv', county_code: '331102', reason_code: 'bad_date', rejected_rows: 1, last_run_id: 'r3' },
    ]);
  });
});

describe('mart.office_profiles', () => {
  it("describes the director by flags and staffing type, never by name or key", async () => {
    const rows = await queryJson<Record<string, unknown>>(db.connection, "SELECT * FROM mart.office_profiles WHERE period = '2025'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      office_code: 'K1',
      as_of: '2025-06-30',
      tier: 'key',
      cluster_code: 'K1',
      plaques: ['行政复议联络点', '便民服务站'],
      recognised_plaques: ['行政复议联络点'],
      smart_office: true,
      terminals: 3,
      has_director: true,
      director_staffing_type: '政法专编',
      director_legal_background: true,
      director_legal_qualification: false,
      director_public_lawyer: true,
      active_staff: 2,
      public_lawyers: 1,
      legal_qualified_staff: 1,
      plan_posts_held: 1,
    });
    const columns = Object.keys(rows[0]!);
    expect(columns.filter((c) => /name$|person|id_|masked/.test(c))).toEqual(['office_name', 'county_name', 'cluster_name']);
  });
});
