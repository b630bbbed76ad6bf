// What the console says to the analyst, over HTTP against the console's workers: a generated
// battery of hostile statements (every forbidden function and system table spelled in CTEs,
// subqueries, lateral joins, lambdas, quoting, case and unicode variants) all refused while
// their allowed look-alikes run; DuckDB's errors in Chinese with a 您是否想找 hint; formula
// cells neutralised in CSV and xlsx; standalone PIVOT and the other read-only statements; the
// text, JSON-byte and queue limits; and the after-query hook the audit log will use.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleQueryEvent } from '../../server/console/router.ts';
import { addUser, fingerprints, makeWorld, postSql, startServer, type TestServer, type World } from '../access/world.ts';

let world: World;
let server: TestServer;
let token: string;
let before: Record<string, string>;
const events: ConsoleQueryEvent[] = [];

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  server = await startServer(world, {
    timeoutMs: 3_000,
    console: { consoleWorkers: 1, consoleQueueLength: 1, consoleQueueWaitMs: 600, consoleJsonByteCap: 4_000, consoleExportByteCap: 2_000_000, consoleMaxSqlChars: 20_000 },
    onQuery: (event) => events.push(event),
  });
  token = await addUser(server, 'ana', 'analyst');
  // The worker is started by the first query (the queue wait here is shorter than a start).
  for (let started = false; !started; ) started = (await postSql(server, token, 'SELECT 1 AS warm')).status === 200;
  before = fingerprints(world);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

async function ask(sql: string, format?: string): Promise<{ status: number; code?: string; message?: string; rows?: Record<string, unknown>[]; truncated?: boolean; truncatedBy?: string | null }> {
  const response = await postSql(server, token, sql, format ? { format } : {});
  const body = (await response.json()) as { error?: { code: string; message: string }; rows?: Record<string, unknown>[]; truncated?: boolean; truncatedBy?: string | null };
  return { status: response.status, code: body.error?.code, message: body.error?.message, rows: body.rows, truncated: body.truncated, truncatedBy: body.truncatedBy };
}

/** Relations that must never be read, unqualified (a CTE may try to borrow these names). */
const SYSTEM_RELATIONS = ['pg_settings', 'duckdb_databases', 'duckdb_settings', 'duckdb_tables', 'duckdb_columns', 'sqlite_master', 'pragma_database_list', 'duckdb_views', 'pg_class', 'pg_namespace', 'duckdb_functions', 'tables'];
/** Relations named with a schema. */
const QUALIFIED = ['information_schema.tables', 'information_schema.columns', 'pg_catalog.pg_settings', 'main.duckdb_databases', 'system.main.duckdb_settings', 'temp.main.x'];
/** Table-function calls that reach files, settings or unseen SQL. */
const TABLE_CALLS = [
  "read_csv('/etc/passwd')",
  "read_text('/etc/passwd')",
  "read_blob('/etc/hostname')",
  "read_json_auto('/etc/passwd')",
  "glob('/etc/*')",
  "query('SELECT * FROM duckdb_settings()')",
  "query_table('mart.units')",
  "parquet_scan('/tmp/x.parquet')",
  "sniff_csv('/etc/passwd')",
  'duckdb_settings()',
  'pragma_database_list()',
  'duckdb_databases()',
];
/** Scalar calls that reveal settings, paths or the environment. */
const SCALAR_CALLS = ["current_setting('memory_limit')", "getenv('HOME')", 'current_database()', "json_execute_serialized_sql(json_serialize_sql('SELECT 1'))"];

function spellings(call: string): string[] {
  const name = call.slice(0, call.indexOf('('));
  const args = call.slice(call.indexOf('('));
  return [call, `${name.toUpperCase()}${args}`, `"${name}"${args}`, `${name} /* gap */ ${args}`];
}

function generatedBattery(): string[] {
  const out: string[] = [];
  for (const r of [...SYSTEM_RELATIONS, ...QUALIFIED]) {
    const quoted = r.split('.').map((p) => `"${p}"`).join('.');
    out.push(
      `SELECT * FROM ${r}`,
      `SELECT * FROM ${quoted}`,
      `SELECT * FROM ${r.toUpperCase()}`,
      `WITH x AS (SELECT * FROM ${r}) SELECT * FROM x`,
      `SELECT * FROM (SELECT * FROM ${r}) s`,
      `SELECT (SELECT count(*) FROM ${r}) AS n`,
      `SELECT * FROM mart.units u, LATERAL (SELECT * FROM ${r}) l`,
      `SELECT * FROM mart.units WHERE EXISTS (SELECT 1 FROM ${r})`,
      `SELECT list_transform([1], x -> (SELECT count(*) FROM ${r})) AS l`,
      `DESCRIBE SELECT * FROM ${r}`,
      `WITH a AS (SELECT 1 AS one), b AS (SELECT * FROM ${r}) SELECT * FROM a, b`,
    );
    if (!r.includes('.')) {
      out.push(
        // A CTE borrowing the system name, in every scope.
        `WITH ${r} AS (SELECT * FROM ${r}) SELECT * FROM ${r}`,
        `WITH ${r} AS (SELECT 1 AS one) SELECT * FROM ${r}`,
        `SELECT * FROM (WITH ${r} AS (SELECT 1) SELECT 1), ${r}`,
        `WITH a AS (WITH ${r} AS (SELECT 1) SELECT 1) SELECT * FROM ${r}`,
        `SELECT * FROM mart.units WHERE unit_code IN (WITH ${quoted_(r)} AS (SELECT 1) SELECT 1) AND EXISTS (SELECT * FROM ${r})`,
      );
    }
  }
  for (const call of TABLE_CALLS) {
    for (const spelled of spellings(call)) {
      out.push(`SELECT * FROM ${spelled}`, `WITH x AS (SELECT * FROM ${spelled}) SELECT * FROM x`);
    }
    out.push(
      `SELECT * FROM (SELECT * FROM ${call}) s`,
      `SELECT * FROM mart.units u, LATERAL (SELECT * FROM ${call}) l`,
      `SELECT (SELECT count(*) FROM ${call}) AS n`,
      `SELECT * FROM mart.units JOIN ${call} ON true`,
      `SELECT * FROM main.${call}`,
    );
  }
  for (const call of SCALAR_CALLS) {
    for (const spelled of spellings(call)) out.push(`SELECT ${spelled} AS v`);
    out.push(
      `SELECT list_transform([1, 2], x -> ${call}) AS v`,
      `SELECT [${call} FOR x IN [1]] AS v`,
      `WITH c AS (SELECT ${call} AS v) SELECT * FROM c`,
      `SELECT * FROM mart.units WHERE unit_code = ${call}`,
      `SELECT CASE WHEN true THEN ${call} END AS v`,
      `SELECT first(${call}) OVER () AS v FROM mart.units`,
      `SELECT main.${call} AS v`,
      `SELECT system.main.${call} AS v`,
      `SELECT (SELECT ${call}) AS v`,
    );
  }
  return out;
}

function quoted_(name: string): string {
  return `"${name}"`;
}

describe('the generated battery', () => {
  it('refuses every one of at least 200 hostile spellings, naming no data, changing no file', async () => {
    const battery = generatedBattery();
    expect(battery.length).toBeGreaterThanOrEqual(200);
    const wrong: string[] = [];
    for (const sql of battery) {
      const answer = await ask(sql);
      if (answer.status !== 400 || answer.code !== 'refused' || answer.rows || !/^已拒绝：/.test(answer.message ?? '')) {
        wrong.push(`${sql} → ${answer.status} ${answer.code} ${answer.message}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(fingerprints(world)).toEqual(before);
  }, 180_000);

  it('unicode look-alikes and escapes never run a forbidden function (DuckDB knows no such name)', async () => {
    const lookalikes = [
      "SELECT * FROM ｒｅａｄ_ｃｓｖ('/etc/passwd')",
      "SELECT * FROM rеad_csv('/etc/passwd')", // Cyrillic е
      "SELECT * FROM read\u200b_csv('/etc/passwd')",
      "SELECT current\u00adsetting('memory_limit')",
      'SELECT * FROM U&"\\0072ead_csv"(\'/etc/passwd\')',
      'SELECT * FROM pg_ѕettings', // Cyrillic ѕ
    ];
    for (const sql of lookalikes) {
      const answer = await ask(sql);
      expect(answer.status, sql).toBe(400);
      expect(answer.rows, sql).toBeUndefined();
      expect(answer.message, sql).not.toMatch(/Error:/);
    }
  });

  it('runs the allowed look-alikes', async () => {
    const allowed = [
      'WITH settings AS (SELECT 1 AS x) SELECT * FROM settings',
      "SELECT 'read_csv(''/etc/passwd'')' AS text",
      'SELECT 1 AS pg_settings',
      'SELECT duckdb_databases.grain FROM mart.units AS duckdb_databases LIMIT 1',
      'WITH u AS (SELECT * FROM mart.units) SELECT count(*) AS n FROM u, (SELECT 1) AS pg_x',
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT * FROM t',
      'SELECT list_transform([1, 2], x -> x + 1) AS l',
      'WITH a AS (SELECT 1 AS v), b AS (SELECT v + 1 AS w FROM a) SELECT * FROM b',
      'SELECT * FROM mart.units u, LATERAL (SELECT u.unit_code AS c) l LIMIT 1',
      'WITH units AS (SELECT * FROM mart.units) SELECT count(*) AS n FROM units',
    ];
    for (const sql of allowed) {
      const answer = await ask(sql);
      expect(answer.status, `${sql}: ${answer.message}`).toBe(200);
    }
  });
});

describe('errors in Chinese', () => {
  it('a mistyped table is not found (not forbidden), with a suggestion from the analyst schema', async () => {
    for (const sql of ['SELECT * FROM mart.indicator_valeus', 'SELECT * FROM indicator_valeus']) {
      const answer = await ask(sql);
      expect(answer.status).toBe(400);
      expect(answer.code).toBe('unknown_table');
      expect(answer.message).toMatch(/^表 .*indicator_valeus 不存在。您是否想找 mart\.indicator_values？$/);
    }
  });

  it('unknown columns, syntax, types and functions', async () => {
    const cases: [string, RegExp][] = [
      ['SELECT valeu FROM mart.indicator_values', /^列 valeu 不存在。您是否想找 value？/],
      ['SELECT grain,, unit_code FROM mart.units', /^SQL 语法错误：在“,”附近（第 1 行第 14 列）$/],
      ['SELECT 1 AS a,\n  2 AS b FORM mart.units', /^SQL 语法错误：在“FORM”附近（第 2 行第 10 列）$/],
      ['SELECT 1 +', /^SQL 语法错误：语句不完整/],
      ["SELECT 'abc'::INTEGER AS n", /^类型转换错误：无法把文本 'abc' 转换为 INT/],
      ['SELECT no_such_fn(1)', /^函数 no_such_fn\(\) 不存在/],
      ["SELECT * FROM mart.units WHERE grain = 1 + 'x'", /类型|函数参数/],
      ['SELECT grain, count(*) FROM mart.units', /分组错误/],
    ];
    for (const [sql, pattern] of cases) {
      const answer = await ask(sql);
      expect(answer.status, sql).toBe(400);
      expect(answer.message, sql).toMatch(pattern);
      expect(answer.message, sql).not.toMatch(/Binder Error|Parser Error|Conversion Error|Catalog Error/);
    }
  });
});

describe('exports', () => {
  const FORMULAS = `SELECT '=HYPERLINK("http://evil.example","x")' AS a, '@SUM(A1:A9)' AS b, '-2+3+cmd|'' /C calc''!A0' AS c, '+1' AS d, chr(9) || '=1' AS e, -2 AS n, 'plain' AS p`;

  it('CSV neutralises formula-leading text, not numbers', async () => {
    const response = await postSql(server, token, FORMULAS, { format: 'csv' });
    const lines = (await response.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('a,b,c,d,e,n,p');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")",'@SUM(A1:A9),'-2+3+cmd|' /C calc'!A0,'+1,'\t=1,-2,plain`);
  });

  it('xlsx is a workbook with the same neutralised cells and typed numbers', async () => {
    const response = await postSql(server, token, FORMULAS, { format: 'xlsx' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'a', 'b', 'c', 'd', 'e', 'n', 'p']);
    expect(sheet.getRow(2).values).toEqual([undefined, `'=HYPERLINK("http://evil.example","x")`, "'@SUM(A1:A9)", "'-2+3+cmd|' /C calc'!A0", "'+1", "'\t=1", -2, 'plain']);
    expect(sheet.getCell('A2').formula).toBeUndefined();
  });

  it('a larger xlsx streams whole (its zip is sent as it is made)', async () => {
    const response = await postSql(server, token, "SELECT range AS i, 'r' || range AS s FROM range(20000)", { format: 'xlsx' });
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(20_001);
    expect(sheet.getRow(20_001).values).toEqual([undefined, 19_999, 'r19999']);
  }, 30_000);
});

describe('read-only statements', () => {
  it('standalone PIVOT with its values, DESCRIBE, SUMMARIZE, SHOW TABLES, VALUES, FROM-first, UNPIVOT', async () => {
    const reads = [
      "PIVOT mart.units ON grain IN ('city', 'county') USING count(*)",
      "SELECT * FROM (PIVOT mart.units ON grain IN ('city', 'county') USING count(*))",
      'UNPIVOT (SELECT 1 AS a, 2 AS b) ON a, b INTO NAME k VALUE v',
      'DESCRIBE mart.units',
      'SUMMARIZE SELECT * FROM mart.units',
      'SHOW TABLES',
      'VALUES (1, 2)',
      'FROM mart.units LIMIT 1',
    ];
    for (const sql of reads) {
      const answer = await ask(sql);
      expect(answer.status, `${sql}: ${answer.message}`).toBe(200);
      expect(answer.rows!.length, sql).toBeGreaterThan(0);
    }
    const pivot = await ask("PIVOT mart.units ON grain IN ('city', 'county') USING count(*)");
    expect(Object.keys(pivot.rows![0]!)).toEqual(expect.arrayContaining(['city', 'county']));
    const withoutValues = await ask('PIVOT mart.units ON grain USING count(*)');
    expect(withoutValues.code).toBe('refused');
    expect(withoutValues.message).toMatch(/IN \(/);
  });
});

describe('limits', () => {
  it('cuts JSON at its byte cap and says so', async () => {
    const answer = await ask("SELECT range AS i, repeat('x', 100) AS pad FROM range(1000)");
    expect(answer.status).toBe(200);
    expect(answer.truncated).toBe(true);
    expect(answer.truncatedBy).toBe('bytes');
    expect(answer.rows!.length).toBeGreaterThan(10);
    expect(JSON.stringify(answer.rows).length).toBeLessThanOrEqual(4_000);
  });

  it('runs long but ordinary statements: a 150-term sum, 20 nested subqueries, 40 UNION ALL terms', async () => {
    for (const sql of [
      `SELECT ${Array.from({ length: 150 }, (_, i) => i).join(' + ')} AS s`,
      `${'SELECT * FROM ('.repeat(20)}SELECT 1 AS one${')'.repeat(20)}`,
      Array.from({ length: 40 }, (_, i) => `SELECT ${i} AS i`).join(' UNION ALL '),
    ]) {
      const answer = await ask(sql);
      expect(answer.status, `${sql.slice(0, 60)}: ${answer.message}`).toBe(200);
    }
  });

  it('cuts CSV and Arrow at the export byte cap, and refuses a Parquet file over it', async () => {
    const big = 'SELECT i, md5(i::VARCHAR) AS h FROM range(200000) t(i)';
    const csv = await postSql(server, token, big, { format: 'csv' });
    const text = await csv.text();
    expect(csv.status).toBe(200);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2_000_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_900_000);
    expect(text.endsWith('\r\n')).toBe(true);
    const arrow = await postSql(server, token, big, { format: 'arrow' });
    expect((await arrow.arrayBuffer()).byteLength).toBeLessThanOrEqual(2_000_000);
    const parquet = await postSql(server, token, big, { format: 'parquet' });
    expect(parquet.status).toBe(413);
    expect(((await parquet.json()) as { error: { code: string; message: string } }).error.message).toMatch(/^结果超过导出大小上限/);
  }, 60_000);

  it('refuses text over the length limit before any work', async () => {
    const answer = await ask(`SELECT 1 AS a -- ${'x'.repeat(20_000)}`);
    expect(answer.status).toBe(413);
    expect(answer.code).toBe('too_long');
  });

  it('answers 503 with Retry-After when the queue is full or the wait too long', async () => {
    const long = postSql(server, token, 'SELECT count(*) AS n FROM range(4000000000) t(i) WHERE hash(i) % 7 = 0');
    await new Promise((r) => setTimeout(r, 200));
    const [waited, full] = await Promise.all([postSql(server, token, 'SELECT 1 AS a'), new Promise((r) => setTimeout(r, 100)).then(() => postSql(server, token, 'SELECT 2 AS b'))]);
    for (const response of [waited, full]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^控制台繁忙/);
    }
    expect((await long).status).toBe(408);
    expect((await ask('SELECT 3 AS c')).status).toBe(200);
  }, 30_000);

  it('tells the after-query hook who ran what and how it ended', () => {
    const refused = events.find((e) => e.sql === 'SELECT * FROM pg_settings');
    expect(refused).toMatchObject({ user: 'ana', format: 'json', outcome: 'refused', status: 400, rows: 0 });
    const csv = events.find((e) => e.format === 'csv');
    expect(csv).toMatchObject({ user: 'ana', outcome: 'ok', status: 200, rows: 1 });
    expect(csv!.bytes).toBeGreaterThan(50);
    expect(events.some((e) => e.outcome === 'timeout' && e.status === 408)).toBe(true);
  });
});
