// Reading workbook exports with the streaming reader: sheets by name in any order, the first
// sheet for case and training files, the sheet's own row numbers, and cell values as text:
// real date cells and serial numbers as calendar dates whatever the local time zone.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CASES, OFFICES, STAFF, TRAINING } from '../../pipelines/contract/exports.ts';
import { FileRejection } from '../../pipelines/contract/file-rejections.ts';
import { landWorkbook, type SheetRequest } from '../../pipelines/read/workbook.ts';
import type { Database } from '../../pipelines/warehouse/duckdb.ts';
import { day, tempDir, writeWorkbook, type SheetRows } from '../helpers/export-files.ts';
import { landed, META, openLandingDb } from '../helpers/landing-db.ts';

let db: Database;
let dir: string;
beforeEach(async () => {
  db = await openLandingDb();
  dir = tempDir();
});
afterEach(() => db.close());

const SNAPSHOT: SheetRequest[] = [
  { table: OFFICES, sheet: '司法所' },
  { table: STAFF, sheet: '人员' },
];
const FIRST = (table = CASES): SheetRequest[] => [{ table, sheet: 'first sheet' }];

async function read(file: string, requests: SheetRequest[]) {
  return landWorkbook(db.connection, { file, requests, meta: { ...META, fileName: path.basename(file) } });
}

async function rejectionOf(promise: Promise<unknown>): Promise<FileRejection> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileRejection) return error;
    throw error;
  }
  throw new Error('expected the workbook to be rejected');
}

const OFFICE_HEADER = ['司法所编码', '司法所名称', '所属县（市、区）', '类型', '公共法律服务自助终端数', '智慧司法所'];
const STAFF_HEADER = ['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期', '离岗日期'];

describe('sheets', () => {
  it('finds 司法所 and 人员 by name in any order, ignoring other sheets', async () => {
    const file = await writeWorkbook(dir, 'offices_20250630.xlsx', [
      { name: '人员', rows: [STAFF_HEADER, ['330102197611305871', '宋帆', 'SFS1', '所长', day('2013-01-18'), null]] },
      { name: '填报说明', rows: [['说明'], ['本表由各县填报']] },
      { name: ' 司法所 ', rows: [OFFICE_HEADER, ['SFS1', '紫金街道司法所', '莲都区', '重点', 2, '是']] },
    ]);
    const results = await read(file, SNAPSHOT);
    expect(results.map((r) => [r.table.kind, r.sheet, r.rowsRead])).toEqual([
      ['staff', '人员', 1],
      ['offices', ' 司法所 ', 1],
    ]);
    expect(await landed(db, 'land_offices', 'sheet, row_number, office_code, office_name, county, tier, terminals, smart_office')).toEqual([
      { sheet: ' 司法所 ', row_number: 2, office_code: 'SFS1', office_name: '紫金街道司法所', county: '莲都区', tier: '重点', terminals: '2', smart_office: '是' },
    ]);
    expect(await landed(db, 'land_staff', 'sheet, row_number, id_number, start_date, end_date')).toEqual([
      { sheet: '人员', row_number: 2, id_number: '330102197611305871', start_date: '2013-01-18', end_date: null },
    ]);
  });

  it('rejects a snapshot workbook without its 人员 sheet', async () => {
    const file = await writeWorkbook(dir, 'offices_20250630.xlsx', [{ name: '司法所', rows: [OFFICE_HEADER, ['SFS1', 'x', '莲都区', '重点', 1, '是']] }]);
    const error = await rejectionOf(read(file, SNAPSHOT));
    expect(error.reasonCode).toBe('missing_sheet');
    expect(error.message).toContain('“人员”');
  });

  it('reads a case workbook from its first sheet, whatever it is called', async () => {
    const file = await writeWorkbook(dir, 'cases_20250630.xlsx', [
      { name: '案件清单', rows: [['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A1', 'S1', '社区矫正', day('2025-03-20'), '办理中']] },
      { name: '统计', rows: [['业务类型', '件数'], ['社区矫正', 1]] },
    ]);
    expect((await read(file, FIRST())).map((r) => [r.sheet, r.rowsRead])).toEqual([['案件清单', 1]]);
  });

  it('rejects a doubled column, naming the sheet', async () => {
    const file = await writeWorkbook(dir, 'offices_20250630.xlsx', [
      { name: '司法所', rows: [[...OFFICE_HEADER, 'office_code'], ['SFS1']] },
      { name: '人员', rows: [STAFF_HEADER] },
    ]);
    const error = await rejectionOf(read(file, SNAPSHOT));
    expect([error.reasonCode, error.sheet]).toEqual(['duplicate_column', '司法所']);
  });
});

describe('rows', () => {
  it('uses the sheet row numbers: absent and empty rows are counted but not landed', async () => {
    const file = await writeWorkbook(dir, 'cases_20250630.xlsx', [
      {
        name: '案件',
        rows: [
          ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'],
          ['A1', 'S1', '人民调解', '2025-01-01', '办理中'],
          [], // row 3 absent from the file
          ['', ' ', null, '\u3000', ''], // row 4: cells present but empty
          ['A2', 'S1', '人民调解', '2025-01-02', '办理中'],
        ],
      },
    ]);
    expect((await read(file, FIRST()))[0]?.rowsRead).toBe(2);
    expect(await landed(db, 'land_cases', 'row_number, case_id')).toEqual([
      { row_number: 2, case_id: 'A1' },
      { row_number: 5, case_id: 'A2' },
    ]);
  });

  it('passes over a title row above the header', async () => {
    const file = await writeWorkbook(dir, 'training_20250630.xlsx', [
      {
        name: '培训记录',
        rows: [
          ['2025 年培训记录（截至 6 月 30 日）'],
          ['培训记录编号', '身份证号', '培训名称', '开始日期', '结束日期', '学时'],
          ['PX1', '330102197611305871', '民法典', day('2025-03-01'), day('2025-03-02'), 16],
        ],
      },
    ]);
    expect((await read(file, FIRST(TRAINING)))[0]).toMatchObject({ headerRow: 2, rowsRead: 1 });
    expect(await landed(db, 'land_training', 'row_number, record_id, hours')).toEqual([{ row_number: 3, record_id: 'PX1', hours: '16' }]);
  });

  it('rejects a sheet whose first rows never name the required columns', async () => {
    const file = await writeWorkbook(dir, 'cases_20250630.xlsx', [{ name: '案件', rows: [['案件编号', '司法所编码', '状态'], ['A1', 'S1', '办理中']] }]);
    const error = await rejectionOf(read(file, FIRST()));
    expect(error.reasonCode).toBe('missing_column');
    expect(error.message).toContain('第 1 行');
    expect(error.message).toContain('“业务类型”、“受理日期”');
  });
});

describe('cell values', () => {
  const header = ['案件编号', '司法所编码', '业务类型', '受理日期', '办结日期', '状态', '结果', '涉及金额（元）', '当事人数'];
  const rows: SheetRows = [
    header,
    // a real date cell; a serial number; a serial with a time of day
    ['Ａ１', 'S1', '人民调解', day('2024-08-22'), 45306, '已办结', { richText: [{ text: '调解' }, { text: '成功' }] }, 12000.5, 15],
    ['A2', 'S1', '人民调解', 45306.75, '2024/8/22', '办理中', true, { formula: '1+1', result: 2 }, 15.5],
    // an 8-digit number in a date column is not a serial; a formula whose result is a serial
    ['A3', 'S1', '人民调解', 20240822, { formula: 'DATE(2024,1,15)', result: 45306 }, '办理中', { error: '#N/A' }, 1e-7, 0],
    // dates at the edges of a day and of the year
    ['A4', 'S1', '人民调解', day('2024-12-31'), day('2025-01-01'), '办理中', null, 123456789012.34, null],
  ];
  const expected = [
    { case_id: 'A1', received_date: '2024-08-22', closed_date: '2024-01-15', outcome: '调解成功', amount: '12000.5', parties: '15' },
    { case_id: 'A2', received_date: '2024-01-15', closed_date: '2024/8/22', outcome: 'true', amount: '2', parties: '15.5' },
    { case_id: 'A3', received_date: '20240822', closed_date: '2024-01-15', outcome: '#N/A', amount: '0.0000001', parties: '0' },
    { case_id: 'A4', received_date: '2024-12-31', closed_date: '2025-01-01', outcome: null, amount: '123456789012.34', parties: null },
  ];

  for (const timeZone of ['Asia/Shanghai', 'America/Los_Angeles']) {
    it(`turns cells into text, dates as calendar dates (TZ=${timeZone})`, async () => {
      const saved = process.env.TZ;
      process.env.TZ = timeZone;
      try {
        // the time zone really changed for this process
        expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(timeZone === 'Asia/Shanghai' ? -480 : 480);
        const file = await writeWorkbook(dir, `cases-${timeZone.replace('/', '-')}.xlsx`, [{ name: '案件', rows }]);
        await read(file, FIRST());
        expect(await landed(db, 'land_cases', 'case_id, received_date, closed_date, outcome, amount, parties')).toEqual(expected);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });
  }

  it('reads serial numbers of a 1904-based workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = true;
    const sheet = workbook.addWorksheet('案件');
    sheet.addRow(['案件编号', '司法所编码', '业务类型', '受理日期', '状态']);
    // 1904 system: serial 0 is 1904-01-01, so 2024-01-15 is 45306 − 1462
    sheet.addRow(['A1', 'S1', '人民调解', 45306 - 1462, '办理中']);
    const file = path.join(dir, 'cases_1904.xlsx');
    await workbook.xlsx.writeFile(file);
    await read(file, FIRST());
    expect(await landed(db, 'land_cases', 'received_date')).toEqual([{ received_date: '2024-01-15' }]);
  });
});

describe('long text', () => {
  // exceljs 4.4 decodes each compressed chunk of a sheet on its own; a character split between
  // two chunks would come out as U+FFFD without the reader's fix.
  for (const useSharedStrings of [true, false]) {
    it(`keeps every Chinese character across chunk boundaries (${useSharedStrings ? 'shared' : 'inline'} strings)`, async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('案件');
      sheet.addRow(['案件编号', '司法所编码', '业务类型', '受理日期', '状态', '结果']);
      const outcomes: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const outcome = `经调解双方达成协议第${i}号，当事人已履行完毕（${'丽水'.repeat(1 + (i % 5))}）`;
        outcomes.push(outcome.normalize('NFKC')); // cells are NFKC'd: ，（） become ,()
        sheet.addRow([`A${i}`, 'S1', '人民调解', '2025-01-01', '已办结', outcome]);
      }
      const file = path.join(dir, 'cases_long.xlsx');
      await workbook.xlsx.writeFile(file, { useSharedStrings } as Partial<ExcelJS.XlsxWriteOptions>);
      await read(file, FIRST());
      const rows = await landed(db, 'land_cases', 'outcome');
      expect(rows.filter((r) => String(r.outcome).includes('\uFFFD'))).toEqual([]);
      expect(rows.map((r) => r.outcome)).toEqual(outcomes);
    });
  }
});

describe('corrupt workbooks', () => {
  it('rejects bytes that are not a workbook, and a truncated one, without hanging', async () => {
    const garbage = path.join(dir, 'cases_20250101.xlsx');
    writeFileSync(garbage, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(4000, 0x5a)]));
    const error = await rejectionOf(read(garbage, FIRST()));
    expect(error.reasonCode).toBe('unreadable_file');
    expect(error.message).toContain('工作簿已损坏');

    const good = await writeWorkbook(dir, 'cases_20250102.xlsx', [{ name: '案件', rows: [['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A1', 'S1', '人民调解', '2025-01-01', '办理中']] }]);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(good);
    const truncated = path.join(dir, 'cases_20250103.xlsx');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await rejectionOf(read(truncated, FIRST()))).reasonCode).toBe('unreadable_file');

    const text = path.join(dir, 'cases_20250104.xlsx');
    writeFileSync(text, '案件编号,司法所编码\nA1,S1\n');
    expect((await rejectionOf(read(text, FIRST()))).reasonCode).toBe('unreadable_file');
  });
});
