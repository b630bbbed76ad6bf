// POST /api/validate (预检) against the real refresh: for each fixture (CSV in UTF-8 with BOM and
// in GBK, a training CSV, a case workbook, an office workbook with both sheets), the reasons and
// row numbers it answers are the ones a refresh of that file then records in
// audit.rejected_rows; nothing under DATA_DIR changes while checking; an unknown name is refused
// with the accepted names; a file over the size limit is refused.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, day, encodeText, tempDir, writeWorkbook } from '../helpers/export-files.ts';
import { idWithCheckDigit } from '../validation/harness.ts';
import { clerkWorld, PERSON_OK, ROUND_1, startClerkApp, type ClerkApp, type ClerkWorld } from './world.ts';

let world: ClerkWorld;
let app: ClerkApp;
let fixtures: string;

beforeAll(async () => {
  world = await clerkWorld();
  await world.refresh(ROUND_1);
  app = await startClerkApp(world.config);
  fixtures = tempDir('clerk-fixtures-');
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const CASE_HEADER = ['案件编号', '司法所编码', '业务类型', '受理日期', '状态', '办结日期', '结果', '涉及金额（元）', '当事人数'];

/** Each fixture: its file name and how to write it into `dir`. */
const FIXTURES: { name: string; write: (dir: string) => Promise<string> | string }[] = [
  {
    name: 'cases_20261215.csv',
    write: (dir) => write(dir, 'cases_20261215.csv', encodeText(csvText([
      CASE_HEADER,
      ['C1', 'SFS331122001', '人民调解', '2026-12-01', '办理中', '', '', '', ''],
      ['', 'SFS331122001', '人民调解', '2026-12-01', '办理中', '', '', '', ''],
      ['C3', 'SFS331122001', '人民调解', '2026-12-01', '已办结', '', '', '', ''],
      ['C4', 'SFS331122001', '人民调解', '2026-12-01', '已办结', '2026-12-03', '部分成功', '', ''],
      ['C5', 'SFS331122001', '法律援助', '2026-02-30', '办理中', '', '', '', ''],
      ['C6', 'SFS331122001', '普法宣传', '2026-12-05', '已办结', '2026-12-01', '', '', ''],
      ['C7', 'SFS331122001', '普法宣传', '2026-12-05', '办理中', '', '', '-5', ''],
      ['C8', 'SFS331122777', '普法宣传', '2026-12-05', '办理中', '', '', '', '1.5'],
      ['C9', 'SFS331122777', '普法宣传', '2026-12-05', '办理中', '', '', '', ''],
      ['C1', 'SFS331102001', '普法宣传', '2026-12-06', '办理中', '', '', '1.2万', '3'],
    ]), 'utf-8-bom')),
  },
  {
    name: 'cases_20261216.csv',
    write: (dir) => write(dir, 'cases_20261216.csv', encodeText(csvText([
      CASE_HEADER,
      ['G1', 'SFS331102001', '社区矫正', '2026年12月1日', '办理中', '', '', '', ''],
      ['G2', 'SFS331102001', '社区 矫正', '2026.12.40', '办理中', '', '', '', ''],
      ['G3', 'SFS331102001', '社区矫正', '2026/12/1', '已撤回', '', '', '两千', ''],
    ]), 'gbk')),
  },
  {
    name: 'training_20261217.csv',
    write: (dir) => write(dir, 'training_20261217.csv', encodeText(csvText([
      ['培训记录编号', '身份证号', '培训名称', '开始日期', '结束日期', '学时', '培训形式'],
      ['T1', PERSON_OK, '民法典', '2026-12-01', '2026-12-02', '16', '线下'],
      ['T2', '33112219800101001X', '民法典', '2026-12-01', '2026-12-01', '6', '线下'],
      ['T3', PERSON_OK, '民法典', '2026-12-01', '2026-12-01', '30', '线上'],
      ['T4', PERSON_OK, '民法典', '2026-12-03', '2026-12-01', '6', '函授'],
      ['T5', PERSON_OK, '', '2026-12-01', '2026-12-01', '6', ''],
    ]), 'utf-8')),
  },
  {
    name: 'cases_20261218.xlsx',
    write: (dir) => writeWorkbook(dir, 'cases_20261218.xlsx', [{
      name: 'Sheet1',
      rows: [
        CASE_HEADER,
        ['X1', 'SFS331122002', '人民调解', day('2026-12-02'), '办理中'],
        ['X2', 'SFS331122002', '人民调解', 'not a date', '办理中'],
        [],
        ['X4', 'SFS331122002', '人民调解', day('2026-12-02'), '已办结', day('2026-12-01'), '调解成功'],
      ],
    }]),
  },
  {
    name: 'offices_20261220.xlsx',
    write: (dir) => writeWorkbook(dir, 'offices_20261220.xlsx', [
      {
        name: '司法所',
        rows: [
          ['司法所编码', '司法所名称', '所属县（市、区）', '类型', '公共法律服务自助终端数'],
          ['SFS331122001', '五云司法所', '缙云', '重点', 3],
          ['SFS331122002', '壶镇司法所', '缙云县', '一般', 1],
          ['SFS331102001', '白云司法所', '杭州', '重点', 2],
          ['SFS331102002', '岩泉司法所', '莲都区', '普通', -1],
        ],
      },
      {
        name: '人员',
        rows: [
          ['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期', '离岗日期'],
          [PERSON_OK, '王小明', 'SFS331122001', '所长', day('2020-01-01')],
          [idWithCheckDigit('33112219900101003'), '赵一', 'SFS331122002', '所长', day('2020-01-01')],
          ['12345', '钱二', 'SFS331122001', '工作人员', day('2020-01-01')],
          [idWithCheckDigit('33112219900101004'), '孙三', 'SFS331122001', '书记', day('2020-01-01')],
          [idWithCheckDigit('33112219900101005'), '李四', 'SFS331122001', '工作人员', day('2021-01-01'), day('2020-01-01')],
        ],
      },
    ]),
  },
];

function write(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Every file under DATA_DIR with its size and modification time. */
/** Every file under DATA_DIR but the sign-in bookkeeping (a token's last use, the audit log), which any request writes. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .filter((e) => !(e.name === 'token-usage.json' && e.parentPath === dir) && path.relative(dir, e.parentPath).split(path.sep)[0] !== 'audit')
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const s = statSync(file);
      return `${path.relative(dir, file)} ${s.size} ${s.mtimeMs}`;
    })
    .sort();
}

async function validate(file: string, name = path.basename(file), token = app.tokens.jinyun): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), name);
  return fetch(`${app.url}/api/validate`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
}

type Verdict = [string | null, number, string, string];

async function refreshedVerdicts(name: string): Promise<Verdict[]> {
  const db = await openDatabase(world.config.warehouseFile, { readOnly: true, threads: 1 });
  try {
    const rows = await queryJson<{ sheet: string | null; row_number: number; reason_code: string; column_name: string }>(
      db.connection,
      `SELECT sheet, row_number, reason_code, column_name FROM audit.rejected_rows WHERE file_name = $name ORDER BY sheet NULLS FIRST, row_number`,
      { name },
    );
    return rows.map((r) => [r.sheet, Number(r.row_number), r.reason_code, r.column_name]);
  } finally {
    db.close();
  }
}

describe('POST /api/validate', () => {
  it('answers for each fixture what a refresh of it then records, changing nothing under DATA_DIR', async () => {
    for (const fixture of FIXTURES) {
      const file = await fixture.write(fixtures);
      const before = listing(world.dataDir);
      const response = await validate(file);
      const body = (await response.json()) as {
        file_name: string;
        rows_read: number;
        rows_ok: number;
        rejected_by_reason: Record<string, number>;
        rows: { sheet: string | null; row_number: number; reason_code: string; column_name: string; reason: string; message: string }[];
      };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(listing(world.dataDir), fixture.name).toEqual(before);
      expect(body.file_name).toBe(fixture.name);
      const answered: Verdict[] = body.rows.map((r) => [r.sheet, r.row_number, r.reason_code, r.column_name]);
      expect(answered.length, fixture.name).toBeGreaterThan(0);
      expect(body.rows.every((r) => r.reason.length > 0 && !/[a-z_]{5,}/.test(r.reason) && r.message.length > 0)).toBe(true);

      const result = await world.refresh({ [fixture.name]: readFileSync(file) });
      const report = result.files.find((f) => f.name === fixture.name)!;
      expect(await refreshedVerdicts(fixture.name), fixture.name).toEqual(answered);
      expect(body.rejected_by_reason).toEqual(report.rejectedByReason);
      expect([body.rows_read, body.rows_ok]).toEqual([report.rowsRead, report.rowsLoaded]);
    }
  }, 300_000);

  it('refuses an unknown file name with the accepted names, in Chinese', async () => {
    const file = write(fixtures, 'notes.csv', Buffer.from('a,b\r\n1,2\r\n'));
    const response = await validate(file, '案件导出.csv');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unknown_file');
    expect(body.error.message).toContain('案件导出.csv');
    expect(body.error.message).toContain('cases_日期.csv');
    expect(body.error.message).toContain('offices_日期.xlsx');
  });

  it('refuses a request without the file field, and a lone half of a CSV snapshot as the refresh would', async () => {
    const empty = await fetch(`${app.url}/api/validate`, { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${app.tokens.city}` } });
    expect(empty.status).toBe(400);
    const lone = await validate(write(fixtures, 'staff_20261221.csv', Buffer.from(ROUND_1['staff_20261130.csv']!, 'utf8')));
    expect(lone.status).toBe(200);
    const body = (await lone.json()) as { file_rejected: { reason_code: string; message: string } | null };
    expect(body.file_rejected?.reason_code).toBe('incomplete_snapshot');
    expect(body.file_rejected?.message).toContain('offices_20261221.csv');
  });
});

describe('POST /api/validate limits', () => {
  it('refuses a file over the size limit', async () => {
    const small = await startClerkApp(world.config, { validateMaxBytes: 1024 });
    try {
      const big = write(fixtures, 'cases_20261230.csv', Buffer.alloc(64 * 1024, 'a'));
      const form = new FormData();
      form.append('file', new Blob([readFileSync(big)]), 'cases_20261230.csv');
      const response = await fetch(`${small.url}/api/validate`, { method: 'POST', body: form, headers: { authorization: `Bearer ${small.tokens.jinyun}` } });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('大小上限');
    } finally {
      await small.close();
    }
  });
});
