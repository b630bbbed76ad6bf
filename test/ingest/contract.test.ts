import { describe, expect, it } from 'vitest';
import { CASES, classifyFileName, OFFICES, STAFF, TABLES, TRAINING } from '../../pipelines/contract/exports.ts';
import { landingColumns } from '../../pipelines/read/landing.ts';

describe('file names', () => {
  it('reads kind, format and date, in any letter case', () => {
    expect(classifyFileName('Cases_20250701.CSV')).toMatchObject({ kind: 'cases', format: 'csv', exportDate: '2025-07-01' });
    expect(classifyFileName('OFFICES_20240630.xlsx')).toMatchObject({ kind: 'office_workbook', format: 'xlsx', exportDate: '2024-06-30' });
    expect(classifyFileName('offices_20241231.csv')).toMatchObject({ kind: 'offices_csv', tables: [OFFICES] });
    expect(classifyFileName('staff_20241231.csv')).toMatchObject({ kind: 'staff_csv', tables: [STAFF] });
    expect(classifyFileName('training_20250110.xlsx')).toMatchObject({ kind: 'training', format: 'xlsx', tables: [TRAINING] });
    expect(classifyFileName('offices_20240630.xlsx')?.tables).toEqual([OFFICES, STAFF]);
  });

  it('knows nothing else', () => {
    for (const name of [
      'notes.txt',
      'cases_2025070.csv', // seven digits
      'cases_20250230.csv', // no 30 February
      'cases_20251301.csv',
      'staff_20241231.xlsx', // the contract has no staff workbook
      'cases_20250701.xls',
      'cases_20250701.csv.bak',
      'my cases_20250701.csv',
      'cases-20250701.csv',
    ]) {
      expect(classifyFileName(name), name).toBeUndefined();
    }
    expect(classifyFileName('cases_20240229.csv')?.exportDate).toBe('2024-02-29');
  });
});

describe('column contract', () => {
  it('has unique headers and aliases per table, and the landing column order of the load interface', () => {
    for (const table of Object.values(TABLES)) {
      expect(new Set(table.columns.map((c) => c.alias)).size).toBe(table.columns.length);
      expect(new Set(table.columns.map((c) => c.header)).size).toBe(table.columns.length);
    }
    expect(landingColumns(CASES)).toEqual([
      'file_id', 'file_name', 'sheet', 'row_number', 'export_date', 'load_seq', 'cells_clean',
      'case_id', 'office_code', 'business_line', 'received_date', 'closed_date', 'status', 'outcome', 'amount', 'parties',
    ]);
    expect(landingColumns(TRAINING).slice(7)).toEqual(['record_id', 'id_number', 'course', 'start_date', 'end_date', 'hours', 'mode']);
  });

  it('marks as required exactly the columns exports.md requires unconditionally', () => {
    const required = Object.fromEntries(Object.values(TABLES).map((t) => [t.kind, t.columns.filter((c) => c.required).map((c) => c.alias)]));
    expect(required).toEqual({
      offices: ['office_code', 'office_name', 'county', 'tier'],
      staff: ['id_number', 'name', 'office_code', 'role', 'start_date'],
      cases: ['case_id', 'office_code', 'business_line', 'received_date', 'status'],
      training: ['record_id', 'id_number', 'course', 'start_date', 'end_date', 'hours'],
    });
  });
});
