// The data dictionary and the Excel downloads, over a warehouse built by the real pipeline and
// the real app on a port: every column of every table and view analysts can query is described
// in Chinese in its model's header (and so in the analyst file's comments and in
// GET /api/dictionary), only analysts reach the dictionary, and the xlsx downloads of a chart and
// of a console query read back (exceljs) equal to the CSV / JSON answers, every digit kept.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../pipelines/models/project.ts';
import { analystViews, DROPPED_COLUMNS, publishedMarts } from '../../pipelines/publish/analyst.ts';
import { openDatabase, queryRows } from '../../pipelines/warehouse/duckdb.ts';
import type { Dictionary } from '../../dashboards/queries/dictionary.ts';
import { toXlsx } from '../../server/http/xlsx.ts';
import { makeWorld, startWorldApp, type World, type WorldApp } from './world.ts';

const CHINESE = /[\u4e00-\u9fff]/;

let world: World;
let app: WorldApp;
let analyst: string;
let viewer: string;
let countyAnalyst: string;

beforeAll(async () => {
  world = await makeWorld();
  app = await startWorldApp(world);
  analyst = (await app.auth.users.add({ name: 'ana', role: 'analyst' })).token;
  viewer = (await app.auth.users.add({ name: 'vic', role: 'viewer' })).token;
  countyAnalyst = (await app.auth.users.add({ name: 'cai', role: 'analyst', county: '331102' })).token;
}, 300_000);

afterAll(async () => {
  await app?.close();
  await world?.cleanup();
});

const get = (path: string, token: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

async function analystColumns(): Promise<{ table_name: string; column_name: string; comment: string | null }[]> {
  const db = await openDatabase(world.analystFile, { readOnly: true, threads: 1 });
  try {
    return await queryRows(db.connection, "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'mart' ORDER BY table_name, column_index");
  } finally {
    db.close();
  }
}

async function analystRelations(): Promise<{ name: string; comment: string | null }[]> {
  const db = await openDatabase(world.analystFile, { readOnly: true, threads: 1 });
  try {
    return await queryRows(
      db.connection,
      "SELECT table_name AS name, comment FROM duckdb_tables() WHERE schema_name = 'mart' UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal ORDER BY name",
    );
  } finally {
    db.close();
  }
}

describe('the model headers document every published column in Chinese', () => {
  it('every column of every table and view of the analyst database has a Chinese description in its header, and its comment is that text', async () => {
    const models = new Map(publishedMarts(loadProject().models).map((m) => [m.name, m]));
    const views = new Map(analystViews().map((v) => [v.name, v]));
    const columns = await analystColumns();
    expect(columns.length).toBeGreaterThan(50);
    const undocumented: string[] = [];
    for (const column of columns) {
      const doc = models.get(column.table_name) ?? views.get(column.table_name);
      expect(doc, column.table_name).toBeDefined();
      const described = doc!.columns.find((c) => c.name === column.column_name)?.description;
      if (!described || !CHINESE.test(described)) undocumented.push(`${column.table_name}.${column.column_name}`);
      else expect(column.comment).toBe(described);
    }
    expect(undocumented).toEqual([]);
  });

  it('headers describe only columns that exist (or are dropped on publishing), and every relation in Chinese', async () => {
    const columns = await analystColumns();
    const present = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    const stale: string[] = [];
    for (const model of publishedMarts(loadProject().models)) {
      const dropped = new Set(DROPPED_COLUMNS[model.relation] ?? []);
      for (const c of model.columns) if (!present.has(`${model.name}.${c.name}`) && !dropped.has(c.name)) stale.push(`${model.name}.${c.name}`);
    }
    for (const view of analystViews()) for (const c of view.columns) if (!present.has(`${view.name}.${c.name}`)) stale.push(`${view.name}.${c.name}`);
    expect(stale).toEqual([]);
    const relations = await analystRelations();
    expect(relations.length).toBe(publishedMarts().length + analystViews().length);
    for (const r of relations) {
      expect(r.comment, r.name).toMatch(CHINESE);
      expect(r.comment, r.name).not.toMatch(/contract:|\.\.\/shared\/spec/);
    }
  });
});

describe('GET /api/dictionary', () => {
  it('lists every table and view with Chinese descriptions, types and example values, without dropped columns', async () => {
    const response = await get('/api/dictionary', analyst);
    expect(response.status).toBe(200);
    const dictionary = (await response.json()) as Dictionary;
    const relations = await analystRelations();
    expect(dictionary.relations.map((r) => r.name).sort()).toEqual(relations.map((r) => r.name).sort());
    const columns = await analystColumns();
    const listed = dictionary.relations.flatMap((r) => r.columns.map((c) => ({ table_name: r.name, column_name: c.name, comment: c.description })));
    // The same columns, in the same order, with the same descriptions as the analyst file.
    expect(listed.sort((a, b) => `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`))).toEqual(
      [...columns].sort((a, b) => `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`)),
    );
    const values = dictionary.relations.find((r) => r.name === 'indicator_values')!;
    expect(values.kind).toBe('table');
    expect(values.description).toMatch(CHINESE);
    const grain = values.columns.find((c) => c.name === 'grain')!;
    expect(grain.type).toBe('VARCHAR');
    expect(grain.examples.length).toBeGreaterThan(0);
    for (const e of grain.examples) expect(['office', 'cluster', 'county', 'city']).toContain(e);
    const value = values.columns.find((c) => c.name === 'value')!;
    expect(value.type).toBe('DOUBLE');
    // Examples are rounded for reading (at most 4 decimals).
    for (const e of value.examples) expect(e).toMatch(/^\d+(\.\d{1,4})?$/);
    const training = dictionary.relations.find((r) => r.name === 'training_person_year')!;
    expect(training.columns.map((c) => c.name)).not.toContain('person_key');
    expect(training.columns.map((c) => c.name)).toContain('person_code');
    expect(dictionary.relations.find((r) => r.name === 'indicator_overview')?.kind).toBe('view');
  });

  it('downloads as Excel and CSV, one row per column, equal to the JSON', async () => {
    const dictionary = (await (await get('/api/dictionary', analyst)).json()) as Dictionary;
    // Text that Excel would run as a formula is neutralised in both downloads (an example "-3" too).
    const neutral = (text: string | null) => (text && /^[=+\-@\t\r]/.test(text) ? `'${text}` : (text ?? ''));
    const expected = dictionary.relations.flatMap((r) => r.columns.map((c) => [`mart.${r.name}`, r.description, c.name, c.type, c.description, c.examples.join('；')].map(neutral)));
    const xlsx = await get('/api/dictionary?format=xlsx', analyst);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('data_dictionary.xlsx');
    const sheet = await readSheet(await xlsx.arrayBuffer());
    expect(sheet[0]).toEqual(['表或视图', '表说明', '列名', '类型', '说明', '示例值']);
    // Empty example lists are empty cells.
    expect(sheet.slice(1).map((row) => expected[0]!.map((_, j) => cellText(row[j])))).toEqual(expected);
    const csv = parseCsv((await (await get('/api/dictionary?format=csv', analyst)).text()).replace(/^\uFEFF/, ''));
    expect(csv.slice(1)).toEqual(expected);
    expect((await get('/api/dictionary?format=pdf', analyst)).status).toBe(400);
  });

  it('is for city-wide analysts only, like the console', async () => {
    expect((await get('/api/dictionary', viewer)).status).toBe(403);
    expect((await get('/api/dictionary', countyAnalyst)).status).toBe(403);
    expect((await get('/api/dictionary?format=xlsx', viewer)).status).toBe(403);
    expect((await get('/dictionary', viewer)).status).toBe(403);
    const page = await get('/dictionary', analyst);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('数据字典');
    expect(html).toContain('data-dictionary');
    // The year does not change the dictionary: no year filter on the page.
    expect(html).not.toContain('name="year"');
  });
});

/** RFC 4180 rows of a CSV text (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

async function readSheet(bytes: ArrayBuffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  expect(workbook.worksheets).toHaveLength(1);
  const sheet = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    // values[0] is unused: exceljs numbers columns from 1.
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

const cellText = (value: unknown) => (value === null || value === undefined ? '' : String(value));

describe('Excel downloads', () => {
  it("a chart's data as xlsx reads back equal to its CSV, with the same Chinese headers", async () => {
    const page = await (await get('/', analyst)).text();
    // The figure's own links: the xlsx one beside the CSV one.
    const csvLink = /href="([^"]*chart=ranking[^"]*format=csv)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    const xlsxLink = /href="([^"]*chart=ranking[^"]*format=xlsx)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(csvLink).toBeDefined();
    expect(xlsxLink).toBe(csvLink!.replace('format=csv', 'format=xlsx'));
    expect(page).toContain('下载数据 Excel');
    const csv = parseCsv((await (await get(csvLink!, analyst)).text()).replace(/^\uFEFF/, ''));
    const response = await get(xlsxLink!, analyst);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    expect(response.headers.get('content-disposition')).toContain('ranking.xlsx');
    const sheet = await readSheet(await response.arrayBuffer());
    expect(sheet[0]).toEqual(csv[0]);
    expect(csv[0]!.some((h) => CHINESE.test(h))).toBe(true);
    expect(sheet.length).toBe(csv.length);
    expect(sheet.length).toBeGreaterThan(2);
    let numbers = 0;
    for (const [i, row] of sheet.entries()) {
      const expected = csv[i]!;
      expect(row.length).toBeLessThanOrEqual(expected.length);
      expected.forEach((text, j) => {
        const value = row[j];
        if (typeof value === 'number') {
          numbers++;
          expect(value).toBe(Number(text)); // every digit of the CSV kept
        } else expect(cellText(value)).toBe(text);
      });
    }
    expect(numbers).toBeGreaterThan(0);
    expect((await get(xlsxLink!.replace('chart=ranking', 'chart=nope'), analyst)).status).toBe(404);
  });

  it('neutralises formula-leading text as the CSV does and keeps full precision', async () => {
    const bytes = await toXlsx(
      [
        { key: 'name', label: '名称' },
        { key: 'value', label: '值' },
        { key: 'tags', label: '标签' },
      ],
      [
        { name: '=HYPERLINK("http://x")', value: 0.6216216216216216, tags: ['a', 'b'] },
        { name: '-1+2', value: null, tags: null },
        { name: '莲都区', value: 12, tags: [] },
      ],
      '测试/图表:1',
    );
    const sheet = await readSheet(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(sheet[0]).toEqual(['名称', '值', '标签']);
    expect(sheet[1]).toEqual(["'=HYPERLINK(\"http://x\")", 0.6216216216216216, 'a、b']);
    expect(sheet[2]![0]).toBe("'-1+2");
    expect(sheet[3]![0]).toBe('莲都区');
    expect(sheet[3]![1]).toBe(12);
  });

  // POST /api/sql?format=xlsx is the console engine's (h-console's part of issue 15): this test
  // reads its answer back against the JSON answer of the same query.
  it('a console query as xlsx reads back equal to its JSON rows', async () => {
    const sql = "SELECT unit_name, indicator_id, value, numerator, meets_target FROM mart.indicator_values WHERE grain = 'county' ORDER BY unit_code, indicator_id, period";
    const post = (format: string) =>
      fetch(`${app.url}/api/sql${format ? `?format=${format}` : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      });
    const json = (await (await post('')).json()) as { columns: { name: string }[]; rows: Record<string, unknown>[] };
    expect(json.rows.length).toBeGreaterThan(5);
    const response = await post('xlsx');
    expect(response.status).toBe(200);
    const sheet = await readSheet(await response.arrayBuffer());
    expect(sheet[0]).toEqual(json.columns.map((c) => c.name));
    expect(sheet.length - 1).toBe(json.rows.length);
    for (const [i, row] of json.rows.entries()) {
      json.columns.forEach((c, j) => {
        const expected = row[c.name];
        const got = sheet[i + 1]![j];
        if (expected === null) expect(got ?? null).toBeNull();
        else expect(got).toEqual(expected);
      });
    }
  });
});
