// Which CSV files may skip clean_text (pipelines/read/clean-cells.ts, landing column cells_clean):
// the scanner on hand-made bytes, and, on real files (the conformance inbox, a generated demo
// set, hand-made messy ones), the promise staging relies on — in a file called clean,
// clean_text changes no cell.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFileName, CASES, type TableSpec } from '../../pipelines/contract/exports.ts';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { CleanCellScanner } from '../../pipelines/read/clean-cells.ts';
import { landCsv } from '../../pipelines/read/csv.ts';
import { resetLandingTables } from '../../pipelines/read/landing.ts';
import { queryRows, quoteIdent, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, tempDir, writeCsv } from '../helpers/export-files.ts';
import { META, openLandingDb } from '../helpers/landing-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The scanner's verdict on `text`, read whole and again one line per piece (as files are read). */
function verdicts(text: string): [boolean, boolean] {
  const bytes = Buffer.from(text, 'utf8');
  const whole = new CleanCellScanner();
  whole.scan(bytes);
  const byLine = new CleanCellScanner();
  let start = 0;
  for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, start)) {
    byLine.scan(bytes.subarray(start, lf + 1));
    start = lf + 1;
  }
  byLine.scan(bytes.subarray(start));
  return [whole.finish(), byLine.finish()];
}

describe('the scanner', () => {
  const clean: Record<string, string> = {
    'plain cells': 'a,b,c\n1,2,3\n',
    'quoted cells with spaces inside': '"a","b c","x"\r\n"1","2","3"\r\n',
    'Chinese text': '"案件编号","业务类型"\n"SFAJ1","人民调解"\n',
    'empty cells and escaped quotes': ',,\n"a""b",""\n',
    'no line feed at the end': 'a,b\nc,d',
    'CRLF line ends': 'a,b\r\nc,d\r\n',
  };
  for (const [what, text] of Object.entries(clean)) {
    it(`calls ${what} clean`, () => expect(verdicts(text)).toEqual([true, true]));
  }

  const dirty: Record<string, string> = {
    'a space at the start of a line': 'a,b\n x,y\n',
    'a space before a comma': 'a ,b\n',
    'a space after a comma': 'a, b\n',
    'a space at the end of a line': 'a,b \n',
    'a space before CRLF': 'a,b \r\n',
    'a space inside the quotes, at the start': '" a",b\n',
    'a space inside the quotes, at the end': '"a ",b\n',
    'a space at the end of the file': 'a,b\nc,d ',
    'a tab anywhere': 'a\tb,c\n',
    'a vertical tab': 'a,b\u000bc\n',
    'a CR on its own': 'a,b\rc,d\n',
    'a line feed inside quotes': '"a\nb",c\n',
    'an unclosed quote at the end': 'a,"b\n',
    'an ideographic space': '\u3000甲,乙\n',
    'a no-break space': '甲,乙\u00a0\n',
    'a zero-width space': 'a\u200b,b\n',
    'a byte order mark in a cell': 'a,\ufeffb\n',
    'a line separator': 'a\u2028b,c\n',
    'a full-width comma': '甲，乙,丙\n',
    'a full-width quote': 'a＂b,c\n',
    'a digit-comma symbol': 'a,\u{1F101}\n',
    'a presentation-form comma': 'a︐b,c\n',
  };
  for (const [what, text] of Object.entries(dirty)) {
    it(`calls a file with ${what} dirty`, () => expect(verdicts(text)).toEqual([false, false]));
  }
});

describe('files called clean need no clean_text', () => {
  let db: Database;
  let dir: string;
  const files: { file: string; table: TableSpec }[] = [];

  beforeAll(async () => {
    db = await openLandingDb();
    // clean_text and cleaned_cells, exactly as staging has them
    await db.connection.run(readFileSync(path.join(ROOT, 'sql/macros/text.sql'), 'utf8'));
    dir = tempDir('clean-cells-');
    const inbox = path.join(ROOT, 'test/fixtures/conformance/inbox');
    const demo = path.join(dir, 'demo');
    await generateDemoExports({ outDir: demo, scale: 'tiny', seed: 5, endDate: '2025-03-31' });
    for (const folder of [inbox, demo]) {
      for (const name of readdirSync(folder).sort()) {
        const classified = classifyFileName(name);
        if (classified?.format === 'csv') files.push({ file: path.join(folder, name), table: classified.tables[0]! });
      }
    }
    const header = ['案件编号', '司法所编码', '业务类型', '受理日期', '办结日期', '状态', '结果', '涉及金额（元）', '当事人数'];
    const row = ['SFAJ001', 'SFS331102001', '人民调解', '2025-01-02', '', '办理中', '', '12', '3'];
    const messy = (cell: string) => csvText([header, row, [...row.slice(0, 6), cell, ...row.slice(7)]]);
    files.push(
      { file: writeCsv(dir, 'cases_20250101.csv', csvText([header, row, row])), table: CASES },
      { file: writeCsv(dir, 'cases_20250102.csv', messy(' 调解成功')), table: CASES },
      { file: writeCsv(dir, 'cases_20250103.csv', messy('调解成功\u3000')), table: CASES },
      { file: writeCsv(dir, 'cases_20250104.csv', messy('12，000')), table: CASES },
      { file: writeCsv(dir, 'cases_20250105.csv', messy('调解成功 '), 'gbk'), table: CASES },
    );
  }, 120_000);
  afterAll(() => db?.close());

  it('lands every file, and in the ones called clean no cell changes under clean_text', async () => {
    const verdictByName: Record<string, boolean> = {};
    for (const [index, { file, table }] of files.entries()) {
      await resetLandingTables(db.connection);
      const fileId = `file-${index}`;
      await landCsv(db.connection, { file, table, meta: { ...META, fileId, fileName: path.basename(file) }, tmpDir: path.join(dir, 'tmp') });
      const landing = `staging.${quoteIdent(table.landingTable)}`;
      const [flag] = await queryRows<{ clean: boolean | null; n: bigint }>(db.connection, `SELECT bool_and(cells_clean) AS clean, count(*) AS n FROM ${landing}`);
      if (flag!.n === 0n) continue;
      verdictByName[path.basename(file)] = flag!.clean === true;
      // what staging reads (cleaned_cells) against clean_text of every landed cell
      const changed = table.columns.map((c) => `clean_text(raw.${quoteIdent(c.alias)}) IS DISTINCT FROM cleaned.${quoteIdent(c.alias)}`).join(' OR ');
      const [differing] = await queryRows<{ n: bigint }>(
        db.connection,
        `SELECT count(*) AS n FROM ${landing} AS raw JOIN cleaned_cells('${landing}') AS cleaned USING (file_id, row_number) WHERE ${changed}`,
      );
      expect([path.basename(file), differing!.n]).toEqual([path.basename(file), 0n]);
    }
    // the test means something only if both kinds were met
    const verdicts = Object.values(verdictByName);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(0);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(0);
    expect([verdictByName['cases_20250101.csv'], verdictByName['cases_20250102.csv'], verdictByName['cases_20250103.csv'], verdictByName['cases_20250104.csv'], verdictByName['cases_20250105.csv']]).toEqual([
      true, false, false, false, false,
    ]);
  }, 120_000);
});
