// The SQL macros of sql/macros, one form at a time: every date, yes/no, number, list and enum
// form of exports.md, county names, ID numbers. Each expected value is written out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, openHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(() => h.close());

/** Runs `expression` (over `s`) for each input and pairs inputs with results. */
async function table<T>(expression: string, cases: [string | null, T][]): Promise<void> {
  const got = await evaluate<T>(h, expression, cases.map(([input]) => input));
  expect(cases.map(([input], i) => [input, got[i]])).toEqual(cases);
}

describe('clean_text', () => {
  it('trims white space, turns empty into NULL and translates the CSV-protected characters', async () => {
    await table('clean_text(s)', [
      ['  SFS001  ', 'SFS001'],
      ['\t调解成功\r\n', '调解成功'],
      ['\u3000莲都区\u00a0', '莲都区'],
      ['\ufeffSFS001', 'SFS001'],
      ['王 小明', '王 小明'],
      ['', null],
      ['   ', null],
      [null, null],
      ['12\uff0c000', '12,000'], // ，
      ['1\ufe50200', '1,200'], // ﹐
      ['\uff02引号\uff02', '"引号"'], // ＂
      ['\u{1F102}5', '1,5'], // 🄂 is "1,"
      [' a\ufe10b ', 'a,b'], // ︐
    ]);
  });
});

describe('parse_date', () => {
  it('reads every form of exports.md, with or without leading zeros, a time dropped', async () => {
    await table('parse_date(s)::VARCHAR', [
      ['2024-08-22', '2024-08-22'],
      ['2024/8/22', '2024-08-22'],
      ['2024.8.22', '2024-08-22'],
      ['2024年8月22日', '2024-08-22'],
      ['20240822', '2024-08-22'],
      ['2024-8-2', '2024-08-02'],
      ['2024/08/02', '2024-08-02'],
      ['2024.08.2', '2024-08-02'],
      ['2024年08月02日', '2024-08-02'],
      ['2025-11-30 23:10:05', '2025-11-30'],
      ['2024/8/22 9:05', '2024-08-22'],
      ['2024-08-22T10:00:00', '2024-08-22'],
      ['2024-08-22 00:00:00.000', '2024-08-22'],
      ['2024年8月22日 10:00', '2024-08-22'],
      ['2024-02-29', '2024-02-29'], // a leap day
      [null, null],
    ]);
  });

  it('refuses impossible dates and anything that is not one of the forms', async () => {
    await table('parse_date(s)', [
      ['2023-02-29', null], // 2023 is not a leap year
      ['2024-02-30', null],
      ['2024-09-31', null],
      ['2024/6/31', null],
      ['2024-13-05', null],
      ['2024-00-10', null],
      ['2025年3月', null],
      ['2024年8月22', null],
      ['2024-08', null],
      ['45000', null], // an Excel serial number is a date only in a workbook
      ['2024822', null], // a bare number is a date only as 8 digits
      ['20241345', null],
      ['2024-8/22', null], // one separator throughout
      ['2024-08-22 foo', null],
      ['待定', null],
      ['0202-01-01', null], // outside 1900–2100
      ['22/08/2024', null],
    ]);
  });
});

describe('parse_bool', () => {
  it('reads the yes/no words in any letter case', async () => {
    await table('parse_bool(s)', [
      ['是', true],
      ['Y', true],
      ['y', true],
      ['yes', true],
      ['YES', true],
      ['True', true],
      ['1', true],
      ['√', true],
      ['✓', true],
      ['否', false],
      ['N', false],
      ['no', false],
      ['FALSE', false],
      ['0', false],
      ['×', false],
      ['✗', false],
      [null, null],
      ['有', null],
      ['不详', null],
      ['2', null],
    ]);
  });
});

describe('parse_number and number_message', () => {
  it('reads thousands separators and 万, and refuses what is not a number', async () => {
    await table('parse_number(s)::DOUBLE', [
      ['12,000.50', 12000.5],
      ['1.2万', 12000],
      ['3万', 30000],
      ['1.23456万', 12345.6],
      ['0', 0],
      ['15.0', 15],
      ['-2,000', -2000],
      ['.5', 0.5],
      ['1,234,567', 1234567],
      ['1,2', null], // not groups of three
      ['12,0000', null],
      ['约8', null],
      ['两人', null],
      ['1e3', null],
      ['万', null],
      ['8 小时', null],
      [null, null],
    ]);
  });

  it('says what is wrong: not a number, negative, or a fraction in an integer column', async () => {
    const message = (whole: boolean) => `number_message('当事人数', s, parse_number(s), ${whole})`;
    await table(message(true), [
      ['15.0', null],
      ['1.5万', null], // 15000
      [null, null],
      ['15.5', '当事人数“15.5”不是整数，请填写整数，如 12'],
      ['-1', '当事人数“-1”不能为负数，请填写 0 或正数'],
      ['两人', '当事人数“两人”不是有效的数字，请填写阿拉伯数字，如 12、12,000.50 或 1.2万'],
      ['99999999999', '当事人数“99999999999”过大，请核对'],
    ]);
    await table(message(false), [['15.5', null]]);
  });
});

describe('enums and lists', () => {
  it('matches enumerated values with all white space removed', async () => {
    await table(`enum_value(s, ['调解成功', '调解不成功'])`, [
      ['调解成功', '调解成功'],
      ['调解 成功', '调解成功'],
      [' 调解\t不 成功', '调解不成功'],
      ['部分成功', null],
      [null, null],
    ]);
    await table('office_tier(s)', [
      ['重点', 'key'],
      ['重点所', 'key'],
      ['重点 司法所', 'key'],
      ['普通', 'ordinary'],
      ['普通所', 'ordinary'],
      ['普通司法所', 'ordinary'],
      ['中心所', null],
    ]);
  });

  it('splits lists on 、 , ， ; ； / and white space', async () => {
    await table('split_list(s)', [
      ['行政复议联络点、智慧矫正分中心', ['行政复议联络点', '智慧矫正分中心']],
      ['a,b，c;d；e/f g', ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
      ['a 、 , b', ['a', 'b']],
      ['合法性审查岗', ['合法性审查岗']],
      [null, null],
    ]);
  });
});

describe('counties', () => {
  it('resolves the 9 counties by full name, name without suffix, 景宁 and code', async () => {
    await table('(SELECT county_code FROM county_aliases() WHERE alias = strip_spaces(s))', [
      ['莲都区', '331102'],
      ['莲都', '331102'],
      ['331102', '331102'],
      ['莲 都 区', '331102'],
      ['青田县', '331121'],
      ['青田', '331121'],
      ['缙云', '331122'],
      ['遂昌县', '331123'],
      ['松阳', '331124'],
      ['云和县', '331125'],
      ['庆元', '331126'],
      ['景宁畲族自治县', '331127'],
      ['景宁', '331127'],
      ['331127', '331127'],
      ['龙泉市', '331181'],
      ['龙泉', '331181'],
      ['婺城区', null],
      ['丽水开发区', null],
      ['330102', null],
      ['丽水市', null],
    ]);
    expect(await h.query('SELECT county_code, county_name, short_name FROM core.counties ORDER BY county_code')).toHaveLength(9);
  });
});

describe('ID numbers', () => {
  it('checks the GB 11643 check digit', async () => {
    // 330102199001011234: Σ digit × weight = 21+27+0+5+0+8+2+9+54+0+0+9+0+5+8+8+6 = 162; 162 mod 11 = 8 → '4'
    // 11010519491231002X: Σ = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
    await table('valid_id_number(s)', [
      ['330102199001011234', true],
      ['11010519491231002X', true],
      ['330102199001011235', false],
      ['110105194912310021', false],
      ['11010519491231002', false], // 17 characters
      ['1101051949123100211', false], // 19
      ['331126710529222', false], // a 15-digit first-generation number
      ['A1010519491231002X', false],
      ['11010519491231002x', false], // callers upper-case first; staging does
      [null, false],
    ]);
  });

  it('masks all but the first 6 and last 4 characters', async () => {
    await table('mask_id(s)', [
      ['330102199001011234', '330102********1234'],
      ['33112119900507854', '331121*******7854'],
      ['331126710529222', '331126*****9222'],
      ['ABC', '***'],
      [null, null],
    ]);
    await table('scrub_id_numbers(s)', [
      ['身份证330102199001011234错填', '身份证330102********1234错填'], // masked as mask_id masks (test/harden/id-mask.test.ts has every form)
      ['SFAJ2024000235', 'SFAJ2024000235'],
      ['12,000.50', '12,000.50'],
    ]);
  });
});
