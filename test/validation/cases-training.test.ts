// Case and training files through the real load-phase models: every reason code on the exact
// row that breaks it, first-reason order, duplicate_key after the other rules, unknown_office
// against the right snapshot, and the latest version of a case or training record.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runModels } from '../../pipelines/models/runner.ts';
import {
  TEST_SECRET,
  caseRow,
  idWithCheckDigit,
  office,
  openHarness,
  reasonsOf,
  rejectsOf,
  staff,
  trainingRow,
  type Harness,
} from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(() => h.close());

const key = (id: string) => createHmac('sha256', TEST_SECRET).update(id).digest('hex');
const ON_ROSTER = idWithCheckDigit('33112119850505001');
const OFF_ROSTER = idWithCheckDigit('33112119850505002');

/** Two snapshots: 2025-01-31 with A1 (莲都) and A2 (缙云); 2025-06-30 with A1 and B1 (青田), B1's roster naming ON_ROSTER. */
async function loadSnapshots(): Promise<void> {
  await h.land('offices', { fileName: 'offices_20250131.csv' }, [office('A1'), office('A2', { county: '缙云县' })]);
  await h.land('staff', { fileName: 'staff_20250131.csv' }, [staff(ON_ROSTER, 'A2')]);
  await h.loadBatch();
  await h.land('offices', { fileName: 'offices_20250630.csv' }, [office('A1'), office('B1', { county: '青田县' })]);
  await h.land('staff', { fileName: 'staff_20250630.csv' }, [staff(ON_ROSTER, 'B1')]);
  await h.loadBatch();
}

/** Runs the build-phase models of sql/core (latest versions). */
async function buildCore(): Promise<void> {
  await runModels(h.connection, { ...h.project, models: h.project.models.filter((m) => m.schema === 'core') }, { phase: 'build' });
}

describe('case rows', () => {
  const ROWS = [
    /* 2 */ caseRow('C001', 'A1'),
    /* 3 */ caseRow(null as unknown as string, 'A1'),
    /* 4 */ caseRow('C003', 'A1', { status: '已办结' }), // closed without 办结日期
    /* 5 */ caseRow('C004', 'A1', { status: '已办结', closed_date: '2025-03-05' }), // closed 人民调解 without 结果
    /* 6 */ caseRow('C005', 'A1', { status: '已办结', closed_date: '2025-03-05', outcome: '部分成功' }),
    /* 7 */ caseRow('C006', 'A1', { status: '已 办结', closed_date: '2025/3/5', outcome: '调解 成功' }),
    /* 8 */ caseRow('C007', 'A1', { business_line: '合法性审查', status: '已办结', closed_date: '2025-03-05', outcome: '已出具意见' }),
    /* 9 */ caseRow('C008', 'A1', { received_date: '2024-09-31' }),
    /* 10 */ caseRow('C009', 'A1', { received_date: '2025-03-10', closed_date: '2025-03-01' }),
    /* 11 */ caseRow('C010', 'A1', { amount: '-2,000' }),
    /* 12 */ caseRow('C011', 'A1', { parties: '两人' }),
    /* 13 */ caseRow('C012', 'A1', { parties: '1.5' }),
    /* 14 */ caseRow('C013', 'A1', { business_line: '法律援助' }),
    /* 15 */ caseRow('C014', 'A1', { status: '已结案' }),
    /* 16 */ caseRow('C015', 'A2'), // A2 is not in the 2025-06-30 snapshot
    /* 17 */ caseRow('C016', 'A9', { received_date: '2025-04-01', closed_date: '2025-03-01' }), // unknown_office before date_order
    /* 18 */ caseRow(' c017 ', 'A1', { amount: '1.2万' }), // an earlier passing row of C017
    /* 19 */ caseRow('C017', 'A1', { amount: '12,000.50', parties: '3' }), // the last passing row: loads
    /* 20 */ caseRow('C018', 'A1', { status: null, received_date: 'bad' }), // missing_required before bad_date
    /* 21 */ caseRow('C019', 'b1', { business_line: '普法 宣传', received_date: '2025年3月4日' }),
    /* 22 */ caseRow('C020', 'A1', { amount: 'x', business_line: '法律援助' }), // bad_number before bad_enum
    /* 23 */ caseRow('C021', 'A1', { business_line: '法律援助', office_code: 'A9' }), // bad_enum before unknown_office
  ];

  it('reject each bad row with the first reason of the contract that applies', async () => {
    await loadSnapshots();
    await h.land('cases', { fileName: 'cases_20250701.csv' }, ROWS);
    await h.loadBatch();
    expect(await reasonsOf(h, 'cases_20250701.csv')).toEqual([
      [3, 'missing_required', 'case_id'],
      [4, 'missing_required', 'closed_date'],
      [5, 'missing_required', 'outcome'],
      [6, 'bad_enum', 'outcome'],
      [9, 'bad_date', 'received_date'],
      [10, 'date_order', 'closed_date'],
      [11, 'bad_number', 'amount'],
      [12, 'bad_number', 'parties'],
      [13, 'bad_number', 'parties'],
      [14, 'bad_enum', 'business_line'],
      [15, 'bad_enum', 'status'],
      [16, 'unknown_office', 'office_code'],
      [17, 'unknown_office', 'office_code'],
      [18, 'duplicate_key', 'case_id'],
      [20, 'missing_required', 'status'],
      [22, 'bad_number', 'amount'],
      [23, 'bad_enum', 'business_line'],
    ]);
    const rejects = Object.fromEntries((await rejectsOf(h, 'cases_20250701.csv')).map((r) => [r.row_number, r]));
    expect(rejects[4]!.message).toBe('“办结日期”为空；状态为“已办结”的案件必须填写办结日期，请补填后重新报送');
    expect(rejects[6]!.message).toBe('已办结的人民调解案件的结果“部分成功”不是允许的取值，请填写以下之一：调解成功、调解不成功');
    expect(rejects[9]!.message).toBe('受理日期“2024-09-31”不是有效日期，请按 2024-08-22 格式填写（也可写 2024/8/22、2024年8月22日 或 20240822）');
    expect(rejects[11]!.message).toBe('涉及金额（元）“-2,000”不能为负数，请填写 0 或正数');
    expect(rejects[15]!.message).toBe('状态“已结案”不是允许的取值，请填写以下之一：办理中、已办结、已撤回');
    expect(rejects[16]!.message).toBe('司法所编码“A2”不在 2025-06-30 的司法所快照中（本文件日期 2025-07-01 按此快照核对），请核对编码');
    expect(rejects[18]!.message).toBe(
      '案件编号“c017”在本文件中重复出现，以最后一次出现的第 19 行为准，本行未加载；如两行都应保留，请更正其中一行的案件编号',
    );
    // county: the office's county in the snapshot checked, else in the latest snapshot that has it
    expect([2 + 1, 16, 17].map((row) => rejects[row]!.county_code)).toEqual(['331102', '331122', null]);
  });

  it('load the others typed', async () => {
    await loadSnapshots();
    await h.land('cases', { fileName: 'cases_20250701.csv' }, ROWS);
    await h.loadBatch();
    expect(
      await h.query(
        `SELECT case_id, office_code, business_line, received_date::VARCHAR AS received, closed_date::VARCHAR AS closed, status,
                outcome, amount, parties, row_number
         FROM core.case_versions ORDER BY row_number`,
      ),
    ).toEqual([
      { case_id: 'C001', office_code: 'A1', business_line: '人民调解', received: '2025-03-01', closed: null, status: '办理中', outcome: null, amount: null, parties: null, row_number: 2 },
      { case_id: 'C006', office_code: 'A1', business_line: '人民调解', received: '2025-03-01', closed: '2025-03-05', status: '已办结', outcome: '调解成功', amount: null, parties: null, row_number: 7 },
      { case_id: 'C007', office_code: 'A1', business_line: '合法性审查', received: '2025-03-01', closed: '2025-03-05', status: '已办结', outcome: '已出具意见', amount: null, parties: null, row_number: 8 },
      { case_id: 'C017', office_code: 'A1', business_line: '人民调解', received: '2025-03-01', closed: null, status: '办理中', outcome: null, amount: 12000.5, parties: 3, row_number: 19 },
      { case_id: 'C019', office_code: 'B1', business_line: '普法宣传', received: '2025-03-04', closed: null, status: '办理中', outcome: null, amount: null, parties: null, row_number: 21 },
    ]);
  });

  it('check the office against the latest snapshot on or before the file date, same day included, else the earliest', async () => {
    await loadSnapshots();
    // A1 is in both snapshots, A2 only in 2025-01-31, B1 only in 2025-06-30
    const rows = [caseRow('K1', 'A1'), caseRow('K2', 'A2'), caseRow('K3', 'B1')];
    const files = {
      'cases_20241231.csv': '2025-01-31', // older than every snapshot: the earliest
      'cases_20250131.csv': '2025-01-31', // the same day
      'cases_20250629.csv': '2025-01-31',
      'cases_20250630.csv': '2025-06-30', // the same day
      'cases_20251231.csv': '2025-06-30',
    };
    for (const fileName of Object.keys(files)) {
      await h.land('cases', { fileName }, rows);
      await h.loadBatch();
    }
    const unknown = await h.query<{ file_name: string; rows: number[] }>(
      "SELECT file_name, list(row_number ORDER BY row_number) AS rows FROM audit.rejected_rows WHERE reason_code = 'unknown_office' GROUP BY 1 ORDER BY 1",
    );
    expect(unknown).toEqual([
      { file_name: 'cases_20241231.csv', rows: [4] }, // B1
      { file_name: 'cases_20250131.csv', rows: [4] },
      { file_name: 'cases_20250629.csv', rows: [4] },
      { file_name: 'cases_20250630.csv', rows: [3] }, // A2
      { file_name: 'cases_20251231.csv', rows: [3] },
    ]);
  });

  it('are all unknown_office while no snapshot exists, with a message that says so', async () => {
    await h.land('cases', { fileName: 'cases_20250701.csv' }, [caseRow('K1', 'A1')]);
    await h.loadBatch();
    expect(await rejectsOf(h, 'cases_20250701.csv')).toEqual([
      expect.objectContaining({
        row_number: 2,
        reason_code: 'unknown_office',
        message: '司法所编码“A1”无法核对：仓库中还没有任何司法所快照，请先报送司法所快照（offices_日期）',
      }),
    ]);
  });
});

describe('the latest version of a case', () => {
  it('is the row of the later file; a rejected later row leaves the earlier version standing', async () => {
    await loadSnapshots();
    // X1: open in 0401, closed in 0501 → closed (0501)
    // X2: open in 0401; its 0501 row is rejected (已办结 without 办结日期) → open (0401)
    // X3: open in 0401.csv; withdrawn in 0301 (loaded later, but an older export) → not that;
    //     closed in 0401.xlsx (same date as 0401.csv, loaded later) → closed (0401.xlsx)
    await h.land('cases', { fileName: 'cases_20250401.csv' }, [caseRow('X1', 'A1'), caseRow('X2', 'A1'), caseRow('X3', 'A1')]);
    await h.loadBatch();
    await h.land('cases', { fileName: 'cases_20250501.csv' }, [
      caseRow('X1', 'A1', { status: '已办结', closed_date: '2025-04-20', outcome: '调解成功' }),
      caseRow('X2', 'A1', { status: '已办结' }),
    ]);
    await h.loadBatch();
    await h.land('cases', { fileName: 'cases_20250301.csv' }, [caseRow('X3', 'A1', { status: '已撤回' })]);
    await h.loadBatch();
    await h.land('cases', { fileName: 'cases_20250401.xlsx', sheet: '案件' }, [
      caseRow('X3', 'A1', { status: '已办结', closed_date: '2025-03-30', business_line: '社区矫正' }),
    ]);
    await h.loadBatch();
    await buildCore();
    expect(await h.query('SELECT case_id, status, file_name FROM core.cases ORDER BY case_id')).toEqual([
      { case_id: 'X1', status: '已办结', file_name: 'cases_20250501.csv' },
      { case_id: 'X2', status: '办理中', file_name: 'cases_20250401.csv' },
      { case_id: 'X3', status: '已办结', file_name: 'cases_20250401.xlsx' },
    ]);
    // versions: X1 ×2, X2 ×1 (the rejected row is no version), X3 ×3
    expect(await h.query('SELECT case_id, count(*)::INTEGER AS n FROM core.case_versions GROUP BY 1 ORDER BY 1')).toEqual([
      { case_id: 'X1', n: 2 },
      { case_id: 'X2', n: 1 },
      { case_id: 'X3', n: 3 },
    ]);
  });

  it('is not doubled when the same file is read again', async () => {
    await loadSnapshots();
    await h.land('cases', { fileName: 'cases_20250401.csv' }, [caseRow('X1', 'A1'), caseRow('X1', 'A1', { parties: '两' })]);
    await h.loadBatch('run-1');
    await h.land('cases', { fileName: 'cases_20250401.csv' }, [caseRow('X1', 'A1'), caseRow('X1', 'A1', { parties: '两' })]);
    await h.loadBatch('run-2');
    expect(await h.query('SELECT count(*)::INTEGER AS n FROM core.case_versions')).toEqual([{ n: 1 }]);
    expect(await h.query('SELECT row_number, reason_code, run_id FROM audit.rejected_rows')).toEqual([
      { row_number: 3, reason_code: 'bad_number', run_id: 'run-2' },
    ]);
  });
});

describe('training rows', () => {
  const ROWS = [
    /* 2 */ trainingRow('T1', ON_ROSTER, { mode: '线下' }),
    /* 3 */ trainingRow('T2', ON_ROSTER, { hours: '30' }), // 1 day: at most 24
    /* 4 */ trainingRow('T3', OFF_ROSTER, { start_date: '2025-03-01', end_date: '2025-03-02', hours: '48' }), // exactly 24 × 2
    /* 5 */ trainingRow('T4', OFF_ROSTER, { end_date: '2025-02-28' }), // date_order (hours 6 > 24 × 0 cannot also apply)
    /* 6 */ trainingRow('T5', OFF_ROSTER, { hours: '约8' }),
    /* 7 */ trainingRow('T6', OFF_ROSTER, { hours: '-4' }),
    /* 8 */ trainingRow('T7', OFF_ROSTER, { mode: '面授' }),
    /* 9 */ trainingRow('T8', '33112119900507854'), // 17 characters
    /* 10 */ trainingRow('T9', OFF_ROSTER, { course: null }),
    /* 11 */ trainingRow('T10', OFF_ROSTER, { start_date: '2024/6/31' }),
    /* 12 */ trainingRow('T11', OFF_ROSTER, { hours: null }),
    /* 13 */ trainingRow('t12', OFF_ROSTER, { mode: '线 上' }), // an earlier passing row of T12
    /* 14 */ trainingRow('T12', OFF_ROSTER, { hours: '1.5', mode: '线下' }), // loads
    /* 15 */ trainingRow('T13', 'not-an-id', { mode: '面授' }), // bad_enum before bad_id_number
    /* 16 */ trainingRow('T14', ON_ROSTER, { start_date: '2025-03-01', end_date: '2025-03-03', hours: '72.5' }), // > 72
    /* 17 */ trainingRow('T15', ON_ROSTER.toLowerCase(), { start_date: '20250301', end_date: '2025.3.3', hours: '72' }),
  ];

  it('reject each bad row with the first reason that applies; a person on no roster still loads', async () => {
    await loadSnapshots();
    await h.land('training', { fileName: 'training_20250701.csv' }, ROWS);
    await h.loadBatch();
    expect(await reasonsOf(h, 'training_20250701.csv')).toEqual([
      [3, 'hours_out_of_range', 'hours'],
      [5, 'date_order', 'end_date'],
      [6, 'bad_number', 'hours'],
      [7, 'bad_number', 'hours'],
      [8, 'bad_enum', 'mode'],
      [9, 'bad_id_number', 'id_number'],
      [10, 'missing_required', 'course'],
      [11, 'bad_date', 'start_date'],
      [12, 'missing_required', 'hours'],
      [13, 'duplicate_key', 'record_id'],
      [15, 'bad_enum', 'mode'],
      [16, 'hours_out_of_range', 'hours'],
    ]);
    expect(
      await h.query(
        'SELECT record_id, person_key, start_date::VARCHAR AS s, end_date::VARCHAR AS e, hours, mode, row_number FROM core.training_versions ORDER BY row_number',
      ),
    ).toEqual([
      { record_id: 'T1', person_key: key(ON_ROSTER), s: '2025-03-01', e: '2025-03-01', hours: 6, mode: '线下', row_number: 2 },
      { record_id: 'T3', person_key: key(OFF_ROSTER), s: '2025-03-01', e: '2025-03-02', hours: 48, mode: null, row_number: 4 },
      { record_id: 'T12', person_key: key(OFF_ROSTER), s: '2025-03-01', e: '2025-03-01', hours: 1.5, mode: '线下', row_number: 14 },
      { record_id: 'T15', person_key: key(ON_ROSTER), s: '2025-03-01', e: '2025-03-03', hours: 72, mode: null, row_number: 17 },
    ]);
    const rejects = Object.fromEntries((await rejectsOf(h, 'training_20250701.csv')).map((r) => [r.row_number, r]));
    expect(rejects[3]!.message).toBe('学时“30”超过培训天数（2025-03-01 至 2025-03-01，共 1 天）× 24 = 24 学时，请核对学时或起止日期');
    expect(rejects[9]!.message).toBe('身份证号“331121*******7854”不是 18 位（现为 17 位），请核对后重新填写');
    expect(JSON.parse(rejects[9]!.raw)).toMatchObject({ record_id: 'T8', id_number: '331121*******7854' });
    // county: the person's latest roster row (B1, 青田, in 2025-06-30); nobody's for the others
    expect([3, 16, 5, 9].map((row) => rejects[row]!.county_code)).toEqual(['331121', '331121', null, null]);
  });
});

describe('the latest version of a training record', () => {
  it('is the row of the later file; a rejected later row leaves the earlier version standing', async () => {
    await h.land('training', { fileName: 'training_20250101.csv' }, [trainingRow('V1', OFF_ROSTER), trainingRow('V2', OFF_ROSTER)]);
    await h.loadBatch();
    await h.land('training', { fileName: 'training_20250201.csv' }, [
      trainingRow('V1', OFF_ROSTER, { hours: '8' }),
      trainingRow('V2', OFF_ROSTER, { hours: '25' }), // hours_out_of_range: not a version
    ]);
    await h.loadBatch();
    await buildCore();
    expect(await h.query('SELECT record_id, hours, file_name FROM core.training_records ORDER BY record_id')).toEqual([
      { record_id: 'V1', hours: 8, file_name: 'training_20250201.csv' },
      { record_id: 'V2', hours: 6, file_name: 'training_20250101.csv' },
    ]);
  });
});
