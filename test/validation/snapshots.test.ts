// Office snapshots through the real load-phase models: every reason code of the 司法所 and 人员
// tables on the exact row that breaks it, the first reason in exports.md's order when a row
// breaks two, duplicate_key judged after the other rules, unknown_office against the offices
// that loaded in the same snapshot, and a re-exported snapshot replacing the earlier one.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_SECRET, idWithCheckDigit, office, openHarness, reasonsOf, rejectsOf, staff, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(() => h.close());

const key = (id: string) => createHmac('sha256', TEST_SECRET).update(id).digest('hex');
const ID = {
  a: idWithCheckDigit('33110219800101011'),
  b: idWithCheckDigit('33110219800101022'),
  c: idWithCheckDigit('33110219800101033'),
  d: idWithCheckDigit('33110219800101044'),
  e: idWithCheckDigit('33110219800101055'),
  f: idWithCheckDigit('33110219800101066'),
  g: idWithCheckDigit('33110219800101077'),
  h: idWithCheckDigit('33110219800101088'),
  i: idWithCheckDigit('33110219800101099'),
  j: idWithCheckDigit('33110219800101100'),
  k: idWithCheckDigit('33110219800101111'),
  m: idWithCheckDigit('33110219800101122'),
};
// hand-worked in macros.test.ts: the check character of 11010519491231002 is X
const ID_X = '11010519491231002X';

/** The 司法所 rows of offices_20250630.csv, row 2 onwards. */
const OFFICE_ROWS = [
  /* 2 */ office('SFS001', {
    tier: '重点司法所',
    county: '莲都',
    township: '紫金街道',
    plaques: '行政复议联络点、智慧矫正分中心 其他牌子',
    smart_office: '√',
    terminals: '3',
    large_villages: '5',
    large_villages_with_terminal: '5',
    director_attends_joint_meeting: 'Y',
    director_attends_governance_meeting: 'n',
    director_in_leadership: '是',
  }),
  /* 3 */ office('SFS002', { county: '景宁', tier: '普通 所', cluster_key_office: 'sfs001' }),
  /* 4 */ office('SFS003', { tier: '重点', cluster_key_office: 'SFS001' }),
  /* 5 */ office('SFS004', { office_name: null, terminals: '-1' }), // missing_required before bad_number
  /* 6 */ office('SFS005', { terminals: '-1' }),
  /* 7 */ office('SFS006', { terminals: '15.5' }),
  /* 8 */ office('SFS007', { large_villages: '3', large_villages_with_terminal: '5' }),
  /* 9 */ office('SFS008', { large_villages_with_terminal: '2' }), // large_villages empty: read as 0
  /* 10 */ office('SFS009', { tier: '中心所', county: '婺城区' }), // bad_enum before unknown_county
  /* 11 */ office('SFS010', { smart_office: '有' }),
  /* 12 */ office('SFS011', { county: '婺城区' }),
  /* 13 */ office('SFS012', { county: '330102', terminals: 'x' }), // bad_number before unknown_county
  /* 14 */ office('sfs013 ', { terminals: '1' }), // an earlier row of SFS013 that passes: duplicate_key
  /* 15 */ office('SFS013', { county: '丽水开发区' }), // fails on its own: unknown_county, not duplicate
  /* 16 */ office('SFS013', { terminals: '2' }), // the last passing row of SFS013: loads
  /* 17 */ office('SFS014', { county: '331181', terminals: '15.0' }),
  /* 18 */ office('SFS015', { director_in_leadership: '不详' }),
  /* 19 */ office('SFS016', { county: '青田', terminals: '1,000', large_villages: '1.2万' }),
  /* 20 */ office(null as unknown as string, { office_name: null }), // missing office_code first
];

/** The 人员 rows of staff_20250630.csv, row 2 onwards. */
const STAFF_ROWS = [
  /* 2 */ staff(ID.a, 'SFS001', {
    role: '所长',
    staffing_type: '政法 专编',
    posts: '合法性审查岗、法律服务岗',
    legal_background: '是',
    legal_qualification: 'Y',
    enforcement_certificate: 'false',
    public_lawyer: '×',
    start_date: '2021年3月1日',
  }),
  /* 3 */ staff(ID.b, 'SFS002', { start_date: '2023/2/29' }),
  /* 4 */ staff(ID.c, 'SFS005'), // SFS005 was rejected (bad_number): not loaded
  /* 5 */ staff(ID.d, 'SFS999'),
  /* 6 */ staff(ID.e, 'SFS003', { role: '主任' }),
  /* 7 */ staff(ID.f, 'SFS003', { end_date: '2019-12-31' }), // start 2020-01-01
  /* 8 */ staff('110105194912310021', 'SFS003'), // wrong check digit (X expected)
  /* 9 */ staff('11010519491231002', 'SFS003'), // 17 characters
  /* 10 */ staff(ID.g, 'SFS003', { name: null, role: '主任' }), // missing_required before bad_enum
  /* 11 */ staff(ID.h, 'SFS003', { start_date: null }),
  /* 12 */ staff(ID.i, 'sfs013'), // codes compare in upper case: SFS013 loaded (row 16)
  /* 13 */ staff('11010519491231002x', 'SFS014'), // lower-case x: the same person as row 14
  /* 14 */ staff(ID_X, 'SFS016', { role: '副所长' }), // last passing row of that person: loads
  /* 15 */ staff(ID_X, 'SFS016', { end_date: '待定' }), // fails on its own: bad_date
  /* 16 */ staff(ID.j, 'SFS003', { legal_background: '不详', start_date: '2024-13-01' }), // bad_date before bad_enum
  /* 17 */ staff(ID.k, 'SFS003', { staffing_type: '合同工' }),
  /* 18 */ staff('110105194912310021', 'SFS999'), // bad_id_number before unknown_office
  /* 19 */ staff(ID.m, 'SFS999', { end_date: '2019-01-01' }), // unknown_office before date_order
];

async function loadSnapshot(): Promise<void> {
  await h.land('offices', { fileName: 'offices_20250630.csv' }, OFFICE_ROWS);
  await h.land('staff', { fileName: 'staff_20250630.csv' }, STAFF_ROWS);
  await h.loadBatch('run-1');
}

describe('司法所 rows', () => {
  it('reject each bad row with the first reason of the contract that applies', async () => {
    await loadSnapshot();
    expect(await reasonsOf(h, 'offices_20250630.csv')).toEqual([
      [5, 'missing_required', 'office_name'],
      [6, 'bad_number', 'terminals'],
      [7, 'bad_number', 'terminals'],
      [8, 'bad_number', 'large_villages_with_terminal'],
      [9, 'bad_number', 'large_villages_with_terminal'],
      [10, 'bad_enum', 'tier'],
      [11, 'bad_enum', 'smart_office'],
      [12, 'unknown_county', 'county'],
      [13, 'bad_number', 'terminals'],
      [14, 'duplicate_key', 'office_code'],
      [15, 'unknown_county', 'county'],
      [18, 'bad_enum', 'director_in_leadership'],
      [20, 'missing_required', 'office_code'],
    ]);
  });

  it('load the others typed: codes upper case, tier, cluster, plaques, flags, numbers', async () => {
    await loadSnapshot();
    const offices = await h.query(
      `SELECT office_code, county_code, township, tier, cluster_key_office, plaques, smart_office, terminals, large_villages,
              large_villages_with_terminal, director_attends_joint_meeting, director_attends_governance_meeting,
              director_in_leadership, row_number
       FROM core.offices WHERE snapshot_date = DATE '2025-06-30' ORDER BY office_code`,
    );
    const blank = {
      township: null,
      plaques: null,
      smart_office: null,
      terminals: null,
      large_villages: null,
      large_villages_with_terminal: null,
      director_attends_joint_meeting: null,
      director_attends_governance_meeting: null,
      director_in_leadership: null,
    };
    expect(offices).toEqual([
      {
        ...blank,
        office_code: 'SFS001',
        county_code: '331102',
        township: '紫金街道',
        tier: 'key',
        cluster_key_office: null,
        plaques: ['行政复议联络点', '智慧矫正分中心', '其他牌子'],
        smart_office: true,
        terminals: 3,
        large_villages: 5,
        large_villages_with_terminal: 5,
        director_attends_joint_meeting: true,
        director_attends_governance_meeting: false,
        director_in_leadership: true,
        row_number: 2,
      },
      // 普通 所 is 普通所 with the space removed; cluster_key_office upper-cased
      { ...blank, office_code: 'SFS002', county_code: '331127', tier: 'ordinary', cluster_key_office: 'SFS001', row_number: 3 },
      // a key office's cluster_key_office is ignored
      { ...blank, office_code: 'SFS003', county_code: '331102', tier: 'key', cluster_key_office: null, row_number: 4 },
      { ...blank, office_code: 'SFS013', county_code: '331102', tier: 'ordinary', cluster_key_office: null, terminals: 2, row_number: 16 },
      { ...blank, office_code: 'SFS014', county_code: '331181', tier: 'ordinary', cluster_key_office: null, terminals: 15, row_number: 17 },
      {
        ...blank,
        office_code: 'SFS016',
        county_code: '331121',
        tier: 'ordinary',
        cluster_key_office: null,
        terminals: 1000,
        large_villages: 12000,
        row_number: 19,
      },
    ]);
    expect(await h.query('SELECT snapshot_date::VARCHAR AS d, file_names, run_id FROM core.office_snapshots')).toEqual([
      { d: '2025-06-30', file_names: ['offices_20250630.csv', 'staff_20250630.csv'], run_id: 'run-1' },
    ]);
  });

  it('give messages a clerk can act on, the row as raw JSON and the county the row names', async () => {
    await loadSnapshot();
    const rejects = Object.fromEntries((await rejectsOf(h, 'offices_20250630.csv')).map((r) => [r.row_number, r]));
    expect(rejects[5]!.message).toBe('“司法所名称”为空；此列必填，请补填后重新报送');
    expect(rejects[6]!.message).toBe('公共法律服务自助终端数“-1”不能为负数，请填写 0 或正数');
    expect(rejects[7]!.message).toBe('公共法律服务自助终端数“15.5”不是整数，请填写整数，如 12');
    expect(rejects[8]!.message).toBe('已配备终端的较大村（社区）数“5”超过较大村（社区）数“3”，请核对这两个数');
    expect(rejects[9]!.message).toBe('已配备终端的较大村（社区）数“2”超过较大村（社区）数（为空，按 0 计），请核对这两个数');
    expect(rejects[11]!.message).toBe('智慧司法所“有”不是有效的是/否值，请填写“是”或“否”（也可写 Y/N、√/×）');
    expect(rejects[12]!.message).toBe(
      '所属县（市、区）“婺城区”不是丽水市的 9 个县（市、区）之一，请填写县（市、区）名称或 6 位代码，如“莲都区”“莲都”或“331102”',
    );
    expect(rejects[14]!.message).toBe(
      '司法所编码“sfs013”在本文件中重复出现，以最后一次出现的第 16 行为准，本行未加载；如两行都应保留，请更正其中一行的司法所编码',
    );
    expect(JSON.parse(rejects[13]!.raw)).toEqual({
      office_code: 'SFS012',
      office_name: 'SFS012司法所',
      county: '330102',
      township: null,
      tier: '普通',
      cluster_key_office: null,
      plaques: null,
      smart_office: null,
      terminals: 'x',
      large_villages: null,
      large_villages_with_terminal: null,
      director_attends_joint_meeting: null,
      director_attends_governance_meeting: null,
      director_in_leadership: null,
    });
    expect([5, 12, 13, 14].map((row) => rejects[row]!.county_code)).toEqual(['331102', null, null, '331102']);
    expect(rejects[5]!.run_id).toBe('run-1');
    expect(rejects[5]!.sheet).toBeNull();
  });
});

describe('人员 rows', () => {
  it('reject each bad row with the first reason that applies; unknown_office against the offices that loaded', async () => {
    await loadSnapshot();
    expect(await reasonsOf(h, 'staff_20250630.csv')).toEqual([
      [3, 'bad_date', 'start_date'],
      [4, 'unknown_office', 'office_code'],
      [5, 'unknown_office', 'office_code'],
      [6, 'bad_enum', 'role'],
      [7, 'date_order', 'end_date'],
      [8, 'bad_id_number', 'id_number'],
      [9, 'bad_id_number', 'id_number'],
      [10, 'missing_required', 'name'],
      [11, 'missing_required', 'start_date'],
      [13, 'duplicate_key', 'id_number'],
      [15, 'bad_date', 'end_date'],
      [16, 'bad_date', 'start_date'],
      [17, 'bad_enum', 'staffing_type'],
      [18, 'bad_id_number', 'id_number'],
      [19, 'unknown_office', 'office_code'],
    ]);
  });

  it('load the others keyed by HMAC, typed, with the ID masked', async () => {
    await loadSnapshot();
    expect(
      await h.query(
        `SELECT person_key, id_masked, name, office_code, role, staffing_type, posts, legal_background, legal_qualification,
                enforcement_certificate, public_lawyer, start_date::VARCHAR AS start_date, end_date, row_number
         FROM core.staff ORDER BY row_number`,
      ),
    ).toEqual([
      {
        person_key: key(ID.a),
        id_masked: `${ID.a.slice(0, 6)}********${ID.a.slice(14)}`,
        name: '王小明',
        office_code: 'SFS001',
        role: '所长',
        staffing_type: '政法专编',
        posts: ['合法性审查岗', '法律服务岗'],
        legal_background: true,
        legal_qualification: true,
        enforcement_certificate: false,
        public_lawyer: false,
        start_date: '2021-03-01',
        end_date: null,
        row_number: 2,
      },
      expect.objectContaining({ person_key: key(ID.i), office_code: 'SFS013', role: '工作人员', start_date: '2020-01-01', row_number: 12 }),
      expect.objectContaining({ person_key: key(ID_X), id_masked: '110105********002X', office_code: 'SFS016', role: '副所长', row_number: 14 }),
    ]);
  });

  it('mask ID numbers and names in raw and messages, and scope rejects to the office county', async () => {
    await loadSnapshot();
    const rejects = Object.fromEntries((await rejectsOf(h, 'staff_20250630.csv')).map((r) => [r.row_number, r]));
    expect(JSON.parse(rejects[13]!.raw)).toMatchObject({ id_number: '110105********002x', name: '王*', office_code: 'SFS014' });
    expect(rejects[13]!.message).toBe(
      '身份证号“110105********002X”在本文件中重复出现，以最后一次出现的第 14 行为准，本行未加载；如两行都应保留，请更正其中一行的身份证号',
    );
    expect(rejects[8]!.message).toBe('身份证号“110105********0021”的校验位不正确（或含有数字和末位 X 以外的字符），请核对后重新填写');
    expect(rejects[9]!.message).toBe('身份证号“110105*******1002”不是 18 位（现为 17 位），请核对后重新填写');
    expect(rejects[3]!.message).toBe('到岗日期“2023/2/29”不是有效日期，请按 2024-08-22 格式填写（也可写 2024/8/22、2024年8月22日 或 20240822）');
    expect(rejects[7]!.message).toBe('离岗日期 2019-12-31 早于到岗日期 2020-01-01，请核对这两个日期');
    expect(rejects[5]!.message).toBe(
      '所属司法所编码“SFS999”不在本快照（2025-06-30）已加载的司法所中，请核对编码；如该司法所本身被拒收，请先修正司法所表中的那一行',
    );
    // row 3: SFS002 is in 景宁; row 4: SFS005 was rejected but its row names 莲都区; row 5: no such office
    expect([3, 4, 5].map((row) => rejects[row]!.county_code)).toEqual(['331127', '331102', null]);
    const everything = JSON.stringify(await h.query('SELECT * FROM audit.rejected_rows'));
    for (const id of [...Object.values(ID), ID_X, '110105194912310021', '11010519491231002']) expect(everything).not.toContain(id);
    expect(everything).not.toContain('王小明');
  });

  it('pass the staging and core data tests', async () => {
    await loadSnapshot();
    await h.land('offices', { fileName: 'offices_20250630.csv' }, OFFICE_ROWS);
    await h.land('staff', { fileName: 'staff_20250630.csv' }, STAFF_ROWS);
    await h.connection.run("SET VARIABLE run_id = 'run-2'");
    const { runModels, runDataTests } = await import('../../pipelines/models/runner.ts');
    const staging = { ...h.project, models: h.project.models.filter((m) => m.schema === 'staging') };
    await runModels(h.connection, staging, { phase: 'load' });
    const stagingResults = await h.stagingTests();
    expect(stagingResults.length).toBeGreaterThan(20);
    expect(stagingResults.filter((r) => r.status !== 'pass')).toEqual([]);
    const core = { ...h.project, models: h.project.models.filter((m) => m.schema === 'core' || m.schema === 'audit'), singularTests: [] };
    await runModels(h.connection, core, { phase: 'build' }); // core.cases, core.training_records
    const coreResults = await runDataTests(h.connection, core, { phase: 'build' });
    expect(coreResults.length).toBeGreaterThan(30);
    expect(coreResults.filter((r) => r.status !== 'pass')).toEqual([]);
  });
});

describe('a re-exported snapshot', () => {
  it('replaces the offices and staff of its date, and leaves other dates alone', async () => {
    await h.land('offices', { fileName: 'offices_20241231.csv' }, [office('SFS001'), office('SFS002')]);
    await h.land('staff', { fileName: 'staff_20241231.csv' }, [staff(ID.a, 'SFS001'), staff(ID.b, 'SFS002')]);
    await h.loadBatch('run-1');
    await h.land('offices', { fileName: 'offices_20250630.csv' }, [office('SFS001'), office('SFS002'), office('SFS003')]);
    await h.land('staff', { fileName: 'staff_20250630.csv' }, [staff(ID.a, 'SFS001'), staff(ID.c, 'SFS003')]);
    await h.loadBatch('run-1');
    // the 2025-06-30 snapshot again, as a workbook: SFS002 gone, SFS004 new, ID.c moved
    await h.land('offices', { fileName: 'offices_20250630.xlsx', sheet: '司法所' }, [office('SFS001'), office('SFS003'), office('SFS004')]);
    await h.land('staff', { fileName: 'offices_20250630.xlsx', sheet: '人员' }, [staff(ID.c, 'SFS004')]);
    await h.loadBatch('run-2');
    expect(
      await h.query(
        "SELECT snapshot_date::VARCHAR AS d, list(office_code ORDER BY office_code) AS offices, any_value(file_name) AS file FROM core.offices GROUP BY 1 ORDER BY 1",
      ),
    ).toEqual([
      { d: '2024-12-31', offices: ['SFS001', 'SFS002'], file: 'offices_20241231.csv' },
      { d: '2025-06-30', offices: ['SFS001', 'SFS003', 'SFS004'], file: 'offices_20250630.xlsx' },
    ]);
    expect(await h.query('SELECT snapshot_date::VARCHAR AS d, person_key, office_code, sheet FROM core.staff ORDER BY d, office_code')).toEqual([
      { d: '2024-12-31', person_key: key(ID.a), office_code: 'SFS001', sheet: null },
      { d: '2024-12-31', person_key: key(ID.b), office_code: 'SFS002', sheet: null },
      { d: '2025-06-30', person_key: key(ID.c), office_code: 'SFS004', sheet: '人员' },
    ]);
    expect(await h.query('SELECT snapshot_date::VARCHAR AS d, file_names, run_id FROM core.office_snapshots ORDER BY d')).toEqual([
      { d: '2024-12-31', file_names: ['offices_20241231.csv', 'staff_20241231.csv'], run_id: 'run-1' },
      { d: '2025-06-30', file_names: ['offices_20250630.xlsx'], run_id: 'run-2' },
    ]);
  });
});
