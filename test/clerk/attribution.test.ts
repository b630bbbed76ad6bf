// County attribution of rejected rows (interfaces.md, "Rejected rows, for the county that must
// fix them"), through the real load-phase models: the county of the office code, else the county
// whose 6-digit code begins it, else the county the row names, else unattributed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareWarehouse } from '../../pipelines/models/runner.ts';
import { caseRow, idWithCheckDigit, office, openHarness, staff, type Harness } from '../validation/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
  await h.land('offices', { fileName: 'offices_20261130.csv' }, [
    office('SFS331122001', { county: '缙云县' }),
    office('SFS331102001', { county: '莲都区' }),
    office('331122X09', { county: '缙云' }), // loaded: its code begins with 缙云's, its county is named
    office('SFS999', { county: '东阳市' }), // unknown county, no code prefix: unattributed
    office('331199777', { county: '不存在县' }), // bad county code and no county: unattributed
    office('331123555', { county: '莲都区', tier: '特级' }), // bad tier; code begins with 遂昌's
    office('XQ1', { county: '缙云县', tier: '特级' }), // bad tier, no prefix: the county it names
  ]);
  await h.land('staff', { fileName: 'staff_20261130.csv' }, [
    staff(idWithCheckDigit('33112219800101001'), 'SFS331122001'),
    staff('331122198001010010', 'SFS331122001', { name: '李四' }), // bad check digit
  ]);
  await h.loadBatch('run-1');
  await h.land('cases', { fileName: 'cases_20261205.csv' }, [
    caseRow('JY1', 'SFS331122001', { received_date: '2026-13-01' }),
    caseRow('JY2', 'SFS331122001', { status: '已结' }),
    caseRow('JY3', 'SFS331122099'), // unknown office whose code begins with 331122
    caseRow('LD1', 'SFS331102001', { parties: '-1' }),
    caseRow('ZZ1', 'SFS000000001'), // unknown office, no county anywhere
  ]);
  await h.loadBatch('run-2');
});
afterAll(() => h.close());

async function attribution(): Promise<Record<string, [string | null, string]>> {
  const rows = await h.query<{ file_name: string; row_number: number; county_code: string | null; county_basis: string }>(
    'SELECT file_name, row_number, county_code, county_basis FROM audit.rejected_rows ORDER BY file_name, row_number',
  );
  return Object.fromEntries(rows.map((r) => [`${r.file_name}:${r.row_number}`, [r.county_code, r.county_basis]]));
}

describe('county attribution of rejected rows', () => {
  it('names the county of the office code, else its 6-digit prefix, else the county named, else none', async () => {
    expect(await attribution()).toEqual({
      'cases_20261205.csv:2': ['331122', 'office'],
      'cases_20261205.csv:3': ['331122', 'office'],
      'cases_20261205.csv:4': ['331122', 'code_prefix'], // SFS331122099 is no office, but its digits begin with 331122
      'cases_20261205.csv:5': ['331102', 'office'],
      'cases_20261205.csv:6': [null, 'none'],
      'offices_20261130.csv:5': [null, 'none'],
      'offices_20261130.csv:6': [null, 'none'],
      'offices_20261130.csv:7': ['331123', 'code_prefix'],
      'offices_20261130.csv:8': ['331122', 'named'],
      'staff_20261130.csv:3': ['331122', 'office'],
    });
  });
});

describe('rows rejected before attribution existed', () => {
  it('get their kind, date, key and county basis when the warehouse is next opened for writing', async () => {
    await h.connection.run(`INSERT INTO audit.rejected_rows (run_id, file_id, file_name, sheet, row_number, reason_code, column_name, message, raw, county_code)
      VALUES ('old', 'sha-old', 'cases_20250105.csv', NULL, 7, 'bad_date', 'received_date', 'm', '{"case_id":" old-9 "}', '331102'),
             ('old', 'sha-old2', 'offices_20250101.xlsx', '人员', 3, 'bad_enum', 'role', 'm', '{"id_number":"331102********1234"}', NULL)`);
    await prepareWarehouse(h.connection, h.project);
    const rows = await h.query<Record<string, unknown>>(
      "SELECT file_name, kind, strftime(export_date, '%Y-%m-%d') AS export_date, record_key, county_basis FROM audit.rejected_rows WHERE run_id = 'old' ORDER BY file_name",
    );
    expect(rows).toEqual([
      { file_name: 'cases_20250105.csv', kind: 'cases', export_date: '2025-01-05', record_key: 'OLD-9', county_basis: 'office' },
      { file_name: 'offices_20250101.xlsx', kind: 'staff', export_date: '2025-01-01', record_key: null, county_basis: 'none' },
    ]);
  });
});
