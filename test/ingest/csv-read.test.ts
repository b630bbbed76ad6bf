// Reading CSV exports: encodings, NFKC, header matching, and the row numbers of exports.md
// (record number with the header as row 1), checked on what lands in DuckDB.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CASES, STAFF } from '../../pipelines/contract/exports.ts';
import { FileRejection } from '../../pipelines/contract/file-rejections.ts';
import { landCsv } from '../../pipelines/read/csv.ts';
import { prepareCsv } from '../../pipelines/read/encoding.ts';
import { readFirstRecord } from '../../pipelines/read/first-record.ts';
import type { Database } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, encodeText, tempDir, writeCsv, type CsvEncoding } from '../helpers/export-files.ts';
import { landed, META, openLandingDb } from '../helpers/landing-db.ts';

const CASE_HEADER = ['案件编号', '司法所编码', '业务类型', '受理日期', '办结日期', '状态', '结果', '涉及金额（元）', '当事人数'];

let db: Database;
let dir: string;
let tmp: string;
beforeEach(async () => {
  db = await openLandingDb();
  dir = tempDir();
  tmp = path.join(dir, 'tmp');
});
afterEach(() => db.close());

async function land(file: string, table = CASES) {
  return landCsv(db.connection, { file, table, meta: { ...META, fileName: path.basename(file) }, tmpDir: tmp });
}

async function rejectionOf(promise: Promise<unknown>): Promise<FileRejection> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileRejection) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('encodings', () => {
  const rows = [CASE_HEADER, ['SFAJ001', 'SFS331102001', '人民调解', '2024年8月22日', '', '办理中', '调解 成功', '"12,000.50"', '3']];

  for (const encoding of ['utf-8', 'utf-8-bom', 'gbk', 'gb18030'] as CsvEncoding[]) {
    it(`reads ${encoding} without mangling 中文`, async () => {
      const file = writeCsv(dir, 'cases_20250630.csv', csvText(rows), encoding);
      const result = await land(file);
      expect(result.encoding).toBe(encoding === 'gbk' ? 'gb18030' : encoding);
      expect(result.rowsRead).toBe(1);
      expect(await landed(db, 'land_cases', 'row_number, case_id, business_line, received_date, closed_date, outcome, amount')).toEqual([
        { row_number: 2, case_id: 'SFAJ001', business_line: '人民调解', received_date: '2024年8月22日', closed_date: null, outcome: '调解 成功', amount: '12,000.50' },
      ]);
    });
  }

  it('hands a UTF-8 file already in NFKC form to DuckDB as it is, and copies the others', async () => {
    const clean = writeCsv(dir, 'clean.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态', 'amount'], ['A', 'S', '人民调解', '2024-01-01', '办理中', '"1,000"']]));
    const prepared = await prepareCsv(clean, { tmpDir: tmp });
    expect(prepared).toMatchObject({ path: clean, transcoded: false, encoding: 'utf-8' });
    // with a BOM too: DuckDB reads it in place (the BOM sits in the header record, which is not landed)
    const cleanBom = writeCsv(dir, 'clean-bom.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A', 'S', '人民调解', '2024-01-01', '办理中']]), 'utf-8-bom');
    expect(await prepareCsv(cleanBom, { tmpDir: tmp })).toMatchObject({ path: cleanBom, transcoded: false, encoding: 'utf-8-bom' });
    await land(cleanBom);
    expect(await landed(db, 'land_cases', 'row_number, case_id, status')).toEqual([{ row_number: 2, case_id: 'A', status: '办理中' }]);
    const wide = writeCsv(dir, 'wide.csv', csvText([CASE_HEADER, ['ＳＦＡＪ００１', 'SFS1', '人民调解', '2024-08-22', '', '办理中', '', '', '']]));
    const copy = await prepareCsv(wide, { tmpDir: tmp });
    expect(copy.transcoded).toBe(true);
    expect(copy.path.startsWith(tmp)).toBe(true);
    expect(readFileSync(copy.path, 'utf8')).toContain('SFAJ001,SFS1');
    await copy.cleanup();
    expect(existsSync(copy.path)).toBe(false);
  });

  it('NFKC-normalises every cell but keeps the full-width comma and quote inside cells', async () => {
    const file = writeCsv(
      dir,
      'cases.csv',
      csvText([CASE_HEADER, ['ＳＦＡＪ００１', '\u3000SFS331102001', '人民调解', '２０２４／８／２２', '', '办理中', '达成协议，已履行＂完毕＂', '１２万', '３']]),
      'gbk',
    );
    await land(file);
    expect(await landed(db, 'land_cases', 'case_id, office_code, received_date, outcome, amount, parties')).toEqual([
      { case_id: 'SFAJ001', office_code: ' SFS331102001', received_date: '2024/8/22', outcome: '达成协议，已履行＂完毕＂', amount: '12万', parties: '3' },
    ]);
  });

  it('keeps characters outside GBK (four-byte GB18030) intact', async () => {
    const file = writeCsv(dir, 'staff.csv', csvText([['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'], ['330102197611305871', '吉𠮷', 'SFS1', '所长', '2020-01-01']]), 'gb18030');
    await land(file, STAFF);
    expect(await landed(db, 'land_staff', 'name')).toEqual([{ name: '吉𠮷' }]);
  });

  it('rejects a file that is neither UTF-8 nor GB18030, and a BOM over bytes that are not UTF-8', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, Buffer.concat([encodeText(csvText([CASE_HEADER]), 'utf-8'), Buffer.from([0xff, 0xfe, 0x41, 0x0a])]));
    const error = await rejectionOf(land(bad));
    expect(error.reasonCode).toBe('bad_encoding');
    expect(error.message).toMatch(/UTF-8.*GBK/);
    const bomGbk = path.join(dir, 'bomgbk.csv');
    writeFileSync(bomGbk, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeText(csvText([CASE_HEADER]), 'gbk')]));
    expect((await rejectionOf(land(bomGbk))).reasonCode).toBe('bad_encoding');
    const utf16 = path.join(dir, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csvText([CASE_HEADER]), 'utf16le')]));
    expect((await rejectionOf(land(utf16))).message).toContain('UTF-16');
    // nothing is left behind in the tmp folder
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });

  it('gives the same bytes whatever the read size (pieces cut at line feeds)', async () => {
    const text = csvText([CASE_HEADER, ...Array.from({ length: 50 }, (_, i) => [`ＡＪ${i}`, '"多行\n\n备注"', '人民调解', '2024-01-01', '', '', '', '', ''])], '\n') + '\n\n';
    const file = writeCsv(dir, 'pieces.csv', text, 'gbk');
    const whole = await prepareCsv(file, { tmpDir: tmp });
    const small = await prepareCsv(file, { tmpDir: tmp, chunkBytes: 7 });
    expect(readFileSync(small.path)).toEqual(readFileSync(whole.path));
    expect(readFileSync(whole.path, 'utf8')).toContain('AJ49,"多行\n\n备注"');
    expect(readFileSync(whole.path, 'utf8').endsWith('\n,\n')).toBe(true);
  });
});

describe('row numbers and empty rows', () => {
  it('numbers records, not lines: a quoted cell may span lines', async () => {
    const text = [
      '案件编号,司法所编码,业务类型,受理日期,状态,结果',
      'A1,S1,人民调解,2024-01-01,办理中,"第一行',
      '第二行"',
      'A2,S1,人民调解,2024-01-02,办理中,"说""引号"""',
      'A3,S1,人民调解,2024-01-03,办理中,"空行',
      '',
      '之后"',
      'A4,S1,人民调解,2024-01-04,办理中,',
    ].join('\n');
    const file = writeCsv(dir, 'multi.csv', text);
    expect((await prepareCsv(file, { tmpDir: tmp })).transcoded).toBe(false);
    await land(file);
    expect(await landed(db, 'land_cases', 'row_number, case_id, outcome')).toEqual([
      { row_number: 2, case_id: 'A1', outcome: '第一行\n第二行' },
      { row_number: 3, case_id: 'A2', outcome: '说"引号"' },
      { row_number: 4, case_id: 'A3', outcome: '空行\n\n之后' },
      { row_number: 5, case_id: 'A4', outcome: null },
    ]);
  });

  it('counts empty lines and rows of empty cells but does not land them', async () => {
    const text = [
      '案件编号,司法所编码,业务类型,受理日期,状态',
      'A1,S1,人民调解,2024-01-01,办理中',
      '',
      ',,,,',
      ' , ,\u3000, ,',
      'A2,S1,人民调解,2024-01-02,办理中',
      '',
      '',
    ].join('\r\n');
    for (const encoding of ['utf-8', 'gbk'] as CsvEncoding[]) {
      await db.connection.run('DELETE FROM staging.land_cases');
      const file = writeCsv(dir, `blank-${encoding}.csv`, text, encoding);
      const result = await land(file);
      expect(result.rowsRead).toBe(2);
      expect(await landed(db, 'land_cases', 'row_number, case_id')).toEqual([
        { row_number: 2, case_id: 'A1' },
        { row_number: 6, case_id: 'A2' },
      ]);
    }
  });

  it('pads short rows with NULL and ignores cells beyond the header', async () => {
    const text = ['案件编号,司法所编码,业务类型,受理日期,状态', 'A1,S1', 'A2,S1,人民调解,2024-01-02,办理中,多余,更多', 'A3,S1,人民调解,2024-01-03,已办结'].join('\n');
    const file = writeCsv(dir, 'ragged.csv', text);
    await land(file);
    expect(await landed(db, 'land_cases', 'row_number, case_id, business_line, status')).toEqual([
      { row_number: 2, case_id: 'A1', business_line: null, status: null },
      { row_number: 3, case_id: 'A2', business_line: '人民调解', status: '办理中' },
      { row_number: 4, case_id: 'A3', business_line: '人民调解', status: '已办结' },
    ]);
  });

  it('lands the meta columns, NULL for absent optional columns, and a header-only file as no rows', async () => {
    const file = writeCsv(dir, 'cases_20250630.csv', csvText([['状态', '受理日期', '业务类型', '司法所编码', 'CASE_ID'], ['已办结', '2025-01-01', '社区矫正', 'S9', 'Z9']]));
    await land(file);
    expect(await landed(db, 'land_cases')).toEqual([
      {
        file_id: META.fileId, file_name: 'cases_20250630.csv', sheet: null, row_number: 2, export_date: '2025-06-30', load_seq: '7', cells_clean: true,
        case_id: 'Z9', office_code: 'S9', business_line: '社区矫正', received_date: '2025-01-01', closed_date: null, status: '已办结',
        outcome: null, amount: null, parties: null,
      },
    ]);
    const headerOnly = writeCsv(dir, 'header.csv', csvText([CASE_HEADER]));
    expect((await land(headerOnly)).rowsRead).toBe(0);
  });
});

describe('files that cannot be read', () => {
  it('rejects a missing required column, a doubled column and an empty file, in Chinese', async () => {
    const missing = writeCsv(dir, 'missing.csv', csvText([['案件编号', '司法所编码', '业务类型', '状态'], ['A', 'S', '人民调解', '办理中']]));
    const error = await rejectionOf(land(missing));
    expect([error.reasonCode, error.message.includes('“受理日期”')]).toEqual(['missing_column', true]);
    const doubled = writeCsv(dir, 'doubled.csv', csvText([[...CASE_HEADER, 'STATUS'], ['A']]));
    expect((await rejectionOf(land(doubled))).reasonCode).toBe('duplicate_column');
    const empty = writeCsv(dir, 'empty.csv', '');
    expect((await rejectionOf(land(empty))).message).toContain('找不到表头');
    expect(await landed(db, 'land_cases')).toEqual([]);
  });
});

describe('the header record', () => {
  // readFirstRecord reads 64 KB first, and up to 1 MB only when the record does not end in it.
  it('is the same record whether it ends in the first 64 KB or beyond it', async () => {
    const long = '长'.repeat(30_000); // 90,000 bytes: the record ends after the first read
    const file = writeCsv(dir, 'long.csv', `${CASE_HEADER.join(',')},"${long}\n""x"""\r\nA,B\n`);
    expect(await readFirstRecord(file)).toEqual([...CASE_HEADER, `${long}\n"x"`]);
    const crOnly = writeCsv(dir, 'cr.csv', `${CASE_HEADER.join(',')}\r${'x'.repeat(70_000)}`);
    expect(await readFirstRecord(crOnly)).toEqual(CASE_HEADER);
    const noBreak = writeCsv(dir, 'nobreak.csv', CASE_HEADER.join(','), 'utf-8-bom');
    expect(await readFirstRecord(noBreak)).toEqual(CASE_HEADER);
  });

  it('is rejected when it does not end within 1 MB', async () => {
    const huge = writeCsv(dir, 'huge.csv', `${CASE_HEADER.join(',')},"${'x'.repeat(1024 * 1024)}"\nA\n`);
    const error = await rejectionOf(readFirstRecord(huge));
    expect([error.reasonCode, error.message.includes('表头超过 1 MB')]).toEqual(['unreadable_file', true]);
  });
});
