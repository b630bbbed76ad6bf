// GET /api/rejects through the real refresh and the real app (token auth): county attribution
// and who sees what (a 缙云 clerk all her county's rows, 莲都 none of them, admins the rows of no
// county, names only for the row's county and admins), paging with the total, the Chinese CSV,
// and the status of rows across runs — `corrected` by a later file of the same kind that loads
// the key, the rest `open` — kept by `--rebuild`.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zh } from '../../dashboards/i18n/zh.ts';
import { clerkWorld, JINYUN, LIANDU, ROUND_1, ROUND_2, startClerkApp, type ClerkApp, type ClerkWorld } from './world.ts';

interface ApiRow {
  file_name: string;
  row_number: number;
  county_code: string | null;
  county_name: string;
  reason_code: string;
  reason: string;
  column: string;
  raw: Record<string, string | null>;
  status: string;
  corrected_by: string | null;
}
interface ApiAnswer {
  total: number;
  page: number;
  pages: number;
  unattributed: { open: number; corrected: number };
  rows: ApiRow[];
}

let world: ClerkWorld;
let app: ClerkApp;

beforeAll(async () => {
  world = await clerkWorld();
  await world.refresh(ROUND_1);
  app = await startClerkApp(world.config);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

async function rejects(token: string, query = ''): Promise<ApiAnswer> {
  const response = await app.get(token, `/api/rejects${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as ApiAnswer;
}

const where = (rows: ApiRow[]) => rows.map((r) => `${r.file_name}:${r.row_number}`).sort();

describe('who sees which rejected rows', () => {
  it('gives the 缙云 clerk every row of her county, the unknown office SFS331122099 too', async () => {
    const answer = await rejects(app.tokens.jinyun);
    expect(where(answer.rows)).toEqual(['cases_20261205.csv:2', 'cases_20261205.csv:3', 'cases_20261205.csv:4', 'staff_20261130.csv:3']);
    expect(answer.rows.every((r) => r.county_code === JINYUN && r.county_name === '缙云县')).toBe(true);
    expect(answer.rows.find((r) => r.row_number === 4 && r.file_name.startsWith('cases'))!.reason_code).toBe('unknown_office');
    // the rows of no county: counted for her, not shown
    expect(answer.unattributed).toEqual({ open: 2, corrected: 0 });
    // her staff row with the bad ID number shows the (masked) name and never the ID
    const staffRow = answer.rows.find((r) => r.file_name === 'staff_20261130.csv')!;
    expect(staffRow.reason_code).toBe('bad_id_number');
    expect(staffRow.raw.name).toBe('李*');
    expect(staffRow.raw.id_number).toMatch(/^331122\*+0010$/);
  });

  it('gives the 莲都 clerk none of 缙云 rows and refuses 缙云 and the unattributed rows', async () => {
    const answer = await rejects(app.tokens.liandu);
    expect(where(answer.rows)).toEqual(['cases_20261205.csv:5']);
    expect((await app.get(app.tokens.liandu, `/api/rejects?county=${JINYUN}`)).status).toBe(404);
    expect((await app.get(app.tokens.liandu, '/api/rejects?county=unattributed')).status).toBe(404);
    const csv = await (await app.get(app.tokens.liandu, '/api/rejects?format=csv&status=all')).text();
    expect(csv).not.toContain('JY-');
    expect(csv).not.toContain('缙云');
  });

  it('shows admins the unattributed rows, and names only to admins and the row county', async () => {
    const none = await rejects(app.tokens.admin, '?county=unattributed');
    expect(where(none.rows)).toEqual(['offices_20261130.csv:5', 'offices_20261130.csv:6']);
    expect(none.rows.every((r) => r.county_code === null && r.county_name === '未能归属县（市、区）')).toBe(true);
    const all = await rejects(app.tokens.admin);
    expect(all.total).toBe(7);
    expect(all.rows.find((r) => r.file_name.startsWith('staff'))!.raw.name).toBe('李*');
    // a city viewer sees the row, not the name
    const city = await rejects(app.tokens.city);
    const staffRow = city.rows.find((r) => r.file_name.startsWith('staff'))!;
    expect(staffRow).toBeDefined();
    expect(staffRow.raw).not.toHaveProperty('name');
    expect(JSON.stringify(city)).not.toContain('李');
  });
});

describe('数据质量 for an admin', () => {
  it('counts open rows per county and reason, the unattributed ones too', async () => {
    const response = await app.get(app.tokens.admin, '/quality');
    expect(response.status).toBe(200);
    const page = await response.text();
    // headers carry <wbr> word breaks for narrow screens: read the words without them
    const table = page.slice(page.indexOf('id="open-by-county"'), page.indexOf('</table>', page.indexOf('id="open-by-county"'))).replaceAll('<wbr>', '');
    expect(table).toContain('未能归属县（市、区）');
    expect(table).toContain(zh.reasons.unknown_county!);
    // 缙云: 4 open rows; 莲都: 1; none: 2; total 7
    const rowOf = (name: string) => table.slice(table.indexOf(name), table.indexOf('</tr>', table.indexOf(name)));
    expect(rowOf('缙云县').match(/data-sort="(\d+)"/g)!.at(-1)).toBe('data-sort="4"');
    expect(rowOf('莲都区').match(/data-sort="(\d+)"/g)!.at(-1)).toBe('data-sort="1"');
    expect(rowOf('未能归属县（市、区）').match(/data-sort="(\d+)"/g)!.at(-1)).toBe('data-sort="2"');
  });
});

describe('paging and the CSV', () => {
  it('pages with the total, newest file first then row number, no row lost or repeated', async () => {
    const seen: string[] = [];
    const first = await rejects(app.tokens.admin, '?page_size=3');
    expect(first).toMatchObject({ total: 7, page: 1, pages: 3 });
    for (let page = 1; page <= first.pages; page++) {
      seen.push(...(await rejects(app.tokens.admin, `?page_size=3&page=${page}`)).rows.map((r) => `${r.file_name}:${r.row_number}`));
    }
    expect(seen).toEqual([
      'cases_20261205.csv:2', 'cases_20261205.csv:3', 'cases_20261205.csv:4', 'cases_20261205.csv:5',
      // the snapshot's two files share its date: offices before staff in loading order is not promised, so by name
      ...seen.slice(4),
    ]);
    expect(seen.slice(4).sort()).toEqual(['offices_20261130.csv:5', 'offices_20261130.csv:6', 'staff_20261130.csv:3']);
    expect(new Set(seen).size).toBe(7);
    const past = await rejects(app.tokens.admin, '?page_size=3&page=9');
    expect(past.rows).toEqual([]);
    expect(past.total).toBe(7);
    expect((await app.get(app.tokens.admin, '/api/rejects?page_size=5000')).status).toBe(400);
    expect((await app.get(app.tokens.admin, '/api/rejects?status=maybe')).status).toBe(400);
  });

  it('filters by reason and file', async () => {
    expect(where((await rejects(app.tokens.admin, '?reason=bad_date')).rows)).toEqual(['cases_20261205.csv:2']);
    expect(where((await rejects(app.tokens.admin, '?file=offices_20261130.csv')).rows)).toEqual(['offices_20261130.csv:5', 'offices_20261130.csv:6']);
    expect((await rejects(app.tokens.admin, '?month=2026-11')).total).toBe(3);
  });

  it('downloads UTF-8 CSV with BOM, Chinese column names and Chinese reasons', async () => {
    const response = await app.get(app.tokens.jinyun, '/api/rejects?format=csv');
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the BOM itself
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).toBe('文件名,工作表,行号（Excel）,数据类型,导出日期,县（市、区）,原因,问题列,说明,原始数据（身份证号已脱敏）,状态,更正文件,最近读取批次');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('日期无法识别');
    expect(lines[1]).toContain('受理日期');
    expect(lines.join('\n')).not.toMatch(/bad_date|unknown_office/);
  });

  it('downloads the same rows as an Excel workbook', async () => {
    const response = await app.get(app.tokens.jinyun, '/api/rejects?format=xlsx');
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('文件名');
    expect(sheet.rowCount).toBe(5);
    const reasons = [2, 3, 4, 5].map((r) => String(sheet.getRow(r).getCell(7).value));
    expect(reasons).toContain('日期无法识别');
  });
});

describe('status across runs', () => {
  const statuses = async () =>
    Object.fromEntries((await rejects(app.tokens.admin, '?status=all&page_size=1000')).rows.map((r) => [`${r.file_name}:${r.row_number}`, [r.status, r.corrected_by]]));

  it('marks rows corrected by the later file that loads their key, keeps the rest open, and a rebuild agrees', async () => {
    await world.refresh(ROUND_2);
    await app.warehouse.reload();
    const after = await statuses();
    expect(after).toEqual({
      'cases_20261205.csv:2': ['corrected', 'cases_20261210.csv'],
      'cases_20261205.csv:3': ['open', null], // the later file rejects JY-002 again
      'cases_20261205.csv:4': ['corrected', 'cases_20261210.csv'],
      'cases_20261205.csv:5': ['open', null],
      'cases_20261210.csv:4': ['open', null],
      'offices_20261130.csv:5': ['open', null],
      'offices_20261130.csv:6': ['open', null],
      'staff_20261130.csv:3': ['corrected', 'staff_20261208.csv'], // same name and office, a valid ID now
    });
    // the default list is the open rows
    expect((await rejects(app.tokens.jinyun)).rows.map((r) => `${r.file_name}:${r.row_number}`).sort()).toEqual(['cases_20261205.csv:3', 'cases_20261210.csv:4']);
    expect(where((await rejects(app.tokens.jinyun, '?status=corrected')).rows)).toEqual(['cases_20261205.csv:2', 'cases_20261205.csv:4', 'staff_20261130.csv:3']);

    await world.refresh({}, { rebuild: true });
    await app.warehouse.reload();
    expect(await statuses()).toEqual(after);

    // a later run that loads nothing still lists every earlier run's rows
    await world.refresh({});
    await app.warehouse.reload();
    expect(await statuses()).toEqual(after);
  }, 180_000);
});
