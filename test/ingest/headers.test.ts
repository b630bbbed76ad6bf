import { describe, expect, it } from 'vitest';
import { CASES, OFFICES } from '../../pipelines/contract/exports.ts';
import { FileRejection } from '../../pipelines/contract/file-rejections.ts';
import { matchHeaders } from '../../pipelines/read/headers.ts';

const positions = (cells: (string | null)[]) => Object.fromEntries(matchHeaders(CASES, cells, { row: 1 }).positions);

function rejection(run: () => unknown): FileRejection {
  try {
    run();
  } catch (error) {
    if (error instanceof FileRejection) return error;
    throw error;
  }
  throw new Error('expected a FileRejection');
}

describe('header matching', () => {
  it('matches Chinese headers in any order and ignores unknown ones', () => {
    expect(positions(['序号', '状态', '案件编号', '承办人', '受理日期', '业务类型', '司法所编码'])).toEqual({
      status: 1,
      case_id: 2,
      received_date: 4,
      business_line: 5,
      office_code: 6,
    });
  });

  it('takes aliases in any letter case, mixed with Chinese headers', () => {
    expect(positions(['CASE_ID', 'Office_Code', '业务类型', 'received_date', 'Status', 'amount'])).toEqual({
      case_id: 0,
      office_code: 1,
      business_line: 2,
      received_date: 3,
      status: 4,
      amount: 5,
    });
  });

  it('matches after NFKC and with all white space removed (full-width brackets, ideographic spaces)', () => {
    const result = matchHeaders(OFFICES, ['司法所编  码 ', '司法 所名称', '所属县(市、区)', '类\u3000型', '较大村（社区  ）数', '所属片区　重点所编码'], { row: 1 });
    expect(Object.fromEntries(result.positions)).toEqual({
      office_code: 0,
      office_name: 1,
      county: 2,
      tier: 3,
      large_villages: 4,
      cluster_key_office: 5,
    });
    // full-width Latin letters of an alias
    expect(positions(['ｃａｓｅ＿ｉｄ', '司法所编码', '业务类型', '受理日期', '状态']).case_id).toBe(0);
  });

  it('rejects a file that lacks a required column, naming it in Chinese', () => {
    const error = rejection(() => matchHeaders(CASES, ['案件编号', '司法所编码', '业务类型', '状态', '办结日期'], { row: 1 }));
    expect(error.reasonCode).toBe('missing_column');
    expect(error.message).toContain('“受理日期”');
    expect(error.message).not.toContain('办结日期”');
  });

  it('rejects a file where two headers name the same column (Chinese and alias alike)', () => {
    const error = rejection(() => matchHeaders(CASES, ['案件编号', 'case_id', '司法所编码', '业务类型', '受理日期', '状态'], { row: 1 }));
    expect(error.reasonCode).toBe('duplicate_column');
    expect(error.message).toContain('“案件编号”与“case_id”');
    expect(rejection(() => matchHeaders(CASES, ['案件编号', '司法所编码', '业务类型', '受理日期', '状态', '状 态'], { row: 1 })).reasonCode).toBe(
      'duplicate_column',
    );
  });

  it('accepts a file without optional columns', () => {
    expect(positions(['案件编号', '司法所编码', '业务类型', '受理日期', '状态'])).toEqual({
      case_id: 0,
      office_code: 1,
      business_line: 2,
      received_date: 3,
      status: 4,
    });
  });

  it('says so when the header row is empty', () => {
    const error = rejection(() => matchHeaders(CASES, ['', ' ', null], { row: 1 }));
    expect(error.reasonCode).toBe('missing_column');
    expect(error.message).toContain('找不到表头');
  });
});
