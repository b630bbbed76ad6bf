// Which CSV files may skip clean_text (pipelines/read/clean-cells.ts, landing column cells_clean):
// the scanner on hand-made bytes, and, on real files (the conformance inbox, a generated demo
// set, hand-made messy ones), the promise staging relies on — in a file called clean,
// clean_text changes no cell.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFileName, CASES, LANDING_META_COLUMNS, type TableSpec } from '../../pipelines/contract/exports.ts';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { CleanCellScanner, type CellCheck } from '../../pipelines/read/clean-cells.ts';
import { landCsv } from '../../pipelines/read/csv.ts';
import { landingColumns, resetLandingTables } from '../../pipelines/read/landing.ts';
import { queryRows, quoteIdent, varcharList, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, tempDir, writeCsv } from '../helpers/export-files.ts';
import { META, openLandingDb } from '../helpers/landing-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The records the scanner calls dirty in `text` ('whole' for all), read whole and again one line per piece. */
function verdicts(text: string): [number[] | 'whole', number[] | 'whole'] {
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
  const dirty = (check: CellCheck) => (check.wholeFile ? 'whole' : check.dirtyRecords);
  return [dirty(whole.finish()), dirty(byLine.finish())];
}

describe('the scanner', () => {
  // text → the records (header = 1) that need clean_text
  const cases: Record<string, [string, number[] | 'whole']> = {
    'plain cells': ['a,b,c\n1,2,3\n', []],
    'quoted cells with spaces inside': ['"a","b c","x"\r\n"1","2","3"\r\n', []],
    'Chinese text': ['"案件编号","业务类型"\n"SFAJ1","人民调解"\n', []],
    'empty cells and escaped quotes': [',,\n"a""b",""\n', []],
    'no line feed at the end': ['a,b\nc,d', []],
    'CRLF line ends': ['a,b\r\nc,d\r\n', []],
    'a space at the start of a line': ['a,b\n x,y\nc,d\n', [2]],
    'a space before a comma': ['h\na ,b\n', [2]],
    'a space after a comma': ['h\nc\na, b\n', [3]],
    'a space at the end of a line': ['a,b \n', [1]],
    'a space before CRLF': ['h\r\na,b \r\n', [2]],
    'a space inside the quotes, at the start': ['h\n" a",b\n', [2]],
    'a space inside the quotes, at the end': ['h\n"a ",b\n', [2]],
    'a space at the end of the file': ['a,b\nc,d ', [2]],
    'a tab anywhere': ['h\na\tb,c\n', [2]],
    'a vertical tab': ['h\na,b\u000bc\n', [2]],
    'a CR on its own': ['h\na,b\rc,d\n', [2]],
    'a line feed inside quotes, the records after it numbered on': ['h\n"a\nb",c\nd,e\nf,g \n', [2, 4]],
    'an ideographic space': ['h\nx\n\u3000甲,乙\n', [3]],
    'a no-break space': ['h\n甲,乙\u00a0\n', [2]],
    'a zero-width space': ['h\na\u200b,b\n', [2]],
    'a byte order mark in a cell': ['h\na,\ufeffb\n', [2]],
    'a line separator': ['h\na\u2028b,c\n', [2]],
    'a full-width comma': ['h\n甲，乙,丙\n', [2]],
    'a full-width quote': ['h\na＂b,c\n', [2]],
    'a digit-comma symbol': ['h\na,\u{1F101}\n', [2]],
    'a presentation-form comma': ['h\na︐b,c\n', [2]],
    'several records': ['h\n a\nb\nc \nd\n\te\n', [2, 4, 6]],
    'an unclosed quote at the end': ['a,"b\n', 'whole'],
    'a quote inside an unquoted cell': ['h\nab"c,d\n', 'whole'],
    'a closing quote not followed by a boundary': ['h\n"ab"c,d\n', 'whole'],
  };
  for (const [what, [text, expected]] of Object.entries(cases)) {
    it(`finds ${what}: ${JSON.stringify(expected)}`, () => expect(verdicts(text)).toEqual([expected, expected]));
  }

  it('numbers the last record with a cell that is not empty, as DuckDB lands it', () => {
    const scan = (text: string) => {
      const scanner = new CleanCellScanner();
      scanner.scan(Buffer.from(text, 'utf8'));
      return scanner.finish().lastContentRecord;
    };
    expect([scan('h\na\nb\n'), scan('h\na\n,\n"",""\n'), scan('h\na\n"",x\n'), scan('h\n'), scan('h\na\n" ",\t\n')]).toEqual([3, 2, 3, 1, 2]);
  });
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
    const messy = (cell: string) => csvText([header, row, [...row.slice(0, 6), cell, ...row.slice(7)], row]);
    files.push(
      { file: writeCsv(dir, 'cases_20250101.csv', csvText([header, row, row])), table: CASES },
      { file: writeCsv(dir, 'cases_20250102.csv', messy(' 调解成功')), table: CASES },
      { file: writeCsv(dir, 'cases_20250103.csv', messy('调解成功\u3000')), table: CASES },
      { file: writeCsv(dir, 'cases_20250104.csv', messy('12，000')), table: CASES },
      { file: writeCsv(dir, 'cases_20250105.csv', messy('调解成功 '), 'gbk'), table: CASES },
      // a line feed inside a quoted cell (record 2 spans two lines), then a messy record 4
      { file: writeCsv(dir, 'cases_20250106.csv', `${csvText([header, [...row.slice(0, 6), '"调解\n成功"', ...row.slice(7)], row])}${csvText([[...row.slice(0, 6), ' x', ...row.slice(7)], row])}`), table: CASES },
      // a quote inside an unquoted cell: DuckDB's reading of it is not the scan's to guess
      { file: writeCsv(dir, 'cases_20250107.csv', `${csvText([header, row])}SFAJ002,S"X,人民调解,2025-01-02,,办理中,,,\r\n`), table: CASES },
      // the last record's only cell lies beyond the header: DuckDB lands it as empty, the scan
      // counts it, the numbers disagree at the end, and every row is cleaned
      { file: writeCsv(dir, 'cases_20250108.csv', `${csvText([header, row, [...row.slice(0, 6), ' x', ...row.slice(7)]])},,,,,,,,,extra\r\n`), table: CASES },
    );
  }, 120_000);
  afterAll(() => db?.close());

  it('knows the landing meta columns as the contract lists them (landing_meta)', async () => {
    const names = landingColumns(CASES);
    const rows = await queryRows<{ meta: boolean }>(db.connection, `SELECT landing_meta(unnest(${varcharList(names)})) AS meta`);
    expect(names.filter((_, i) => rows[i]!.meta)).toEqual(LANDING_META_COLUMNS.map((c) => c.name));
  });

  it('lands every file, and in the records called clean no cell changes under clean_text', async () => {
    const dirtyRowsByName: Record<string, number[]> = {};
    let cleanRows = 0;
    for (const [index, { file, table }] of files.entries()) {
      await resetLandingTables(db.connection);
      const fileId = `file-${index}`;
      await landCsv(db.connection, { file, table, meta: { ...META, fileId, fileName: path.basename(file) }, tmpDir: path.join(dir, 'tmp') });
      const landing = `staging.${quoteIdent(table.landingTable)}`;
      const rows = await queryRows<{ row_number: number; cells_clean: boolean | null }>(db.connection, `SELECT row_number, cells_clean FROM ${landing} ORDER BY row_number`);
      dirtyRowsByName[path.basename(file)] = rows.filter((r) => r.cells_clean !== true).map((r) => r.row_number);
      cleanRows += rows.filter((r) => r.cells_clean === true).length;
      // what staging reads (cleaned_cells) against clean_text of every landed cell
      const changed = table.columns.map((c) => `clean_text(raw.${quoteIdent(c.alias)}) IS DISTINCT FROM cleaned.${quoteIdent(c.alias)}`).join(' OR ');
      const [differing] = await queryRows<{ n: bigint }>(
        db.connection,
        `SELECT count(*) AS n FROM ${landing} AS raw JOIN cleaned_cells('${landing}') AS cleaned USING (file_id, row_number) WHERE ${changed}`,
      );
      expect([path.basename(file), differing!.n]).toEqual([path.basename(file), 0n]);
    }
    // the test means something only if both kinds were met
    expect(cleanRows).toBeGreaterThan(0);
    expect(Object.values(dirtyRowsByName).flat().length).toBeGreaterThan(0);
    const handMade = ['0101', '0102', '0103', '0104', '0105', '0106', '0107', '0108'].map((d) => dirtyRowsByName[`cases_2025${d}.csv`]);
    expect(handMade).toEqual([[], [3], [3], [3], [3], [2, 4], [2, 3], [2, 3]]);
  }, 120_000);
});
