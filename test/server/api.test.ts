// The HTTP API of the real app on a real port, over a warehouse built by the real pipeline
// (demo `tiny` set + refresh CLI): health, /api/indicators as JSON, Arrow IPC and CSV (the
// Arrow and CSV answers read back equal the JSON one, which equals the warehouse), rejects,
// chart downloads, JSON errors without stack traces, security headers, county scope.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { createApp, type AppOptions } from '../../server/app.ts';
import { buildClientAssets } from '../../server/assets.ts';
import { buildTestWarehouse } from './fixture-warehouse.ts';
import { startTestApp, type TestApp } from './start-app.ts';

interface IndicatorRow {
  indicator_id: string;
  period: string;
  grain: string;
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  value: number;
  target: number | null;
  meets_target: boolean | null;
  as_of: string;
}

const CONTRACT_COLUMNS = ['indicator_id', 'period', 'grain', 'unit_code', 'unit_name', 'numerator', 'denominator', 'value', 'target', 'meets_target', 'as_of'];
const key = (r: IndicatorRow) => `${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`;
const byKey = (a: IndicatorRow, b: IndicatorRow) => key(a).localeCompare(key(b));

let dataDir: string;
let warehouseFile: string;
let app: TestApp;
let expected: IndicatorRow[];
let unitsCounty: Map<string, string | null>;
let latestRun: { run_id: string; status: string };
let rejected: { run_id: string; file_name: string; sheet: string | null; row_number: number; reason_code: string; message: string; county_code: string | null }[];
let maxAsOf: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-server-'));
  warehouseFile = await buildTestWarehouse(dataDir);
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  try {
    expected = await queryJson<IndicatorRow>(db.connection, 'SELECT * FROM mart.indicator_values');
    const units = await queryJson<{ period: string; grain: string; unit_code: string; county_code: string | null }>(db.connection, 'SELECT period, grain, unit_code, county_code FROM mart.units');
    unitsCounty = new Map(units.map((u) => [`${u.period}|${u.grain}|${u.unit_code}`, u.county_code]));
    [latestRun] = (await queryJson<{ run_id: string; status: string }>(db.connection, 'SELECT run_id, status FROM audit.runs ORDER BY started_at DESC LIMIT 1')) as [{ run_id: string; status: string }];
    rejected = await queryJson(db.connection, 'SELECT run_id, file_name, sheet, row_number::INTEGER AS row_number, reason_code, message, county_code FROM audit.rejected_rows WHERE run_id = $1', [latestRun.run_id]);
    maxAsOf = (await queryJson<{ d: string }>(db.connection, 'SELECT max(as_of)::VARCHAR AS d FROM mart.indicator_values'))[0]!.d;
  } finally {
    db.close();
  }
  app = await startTestApp({ warehouseFile });
}, 300_000);

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

async function getJson(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(app.url + pathAndQuery, init);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe('GET /api/health', () => {
  it('reports the as-of date and the last published run', async () => {
    const { status, body } = await getJson('/api/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.warehouse.as_of).toBe(maxAsOf);
    expect(body.warehouse.last_run).toMatchObject({ run_id: latestRun.run_id, status: latestRun.status });
  });
});

describe('GET /api/indicators', () => {
  it('returns every row of mart.indicator_values as JSON, unchanged', async () => {
    const { status, body, headers } = await getJson('/api/indicators');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(expected.length).toBeGreaterThan(50);
    expect([...body.rows].sort(byKey)).toEqual([...expected].sort(byKey));
    expect(Object.keys(body.rows[0])).toEqual(CONTRACT_COLUMNS);
  });

  it('filters by indicator, period, grain and unit', async () => {
    const sample = expected.find((r) => r.grain === 'office')!;
    const query = `indicator=${sample.indicator_id}&period=${sample.period}&grain=office&unit=${sample.unit_code}`;
    const { body } = await getJson(`/api/indicators?${query}`);
    expect(body.rows).toEqual([sample]);
    const counties = await getJson(`/api/indicators?indicator=training_compliance&grain=county`);
    expect([...counties.body.rows].sort(byKey)).toEqual(expected.filter((r) => r.indicator_id === 'training_compliance' && r.grain === 'county').sort(byKey));
  });

  it('answers Arrow IPC that reads back equal to the JSON answer', async () => {
    const json = (await getJson('/api/indicators?grain=county')).body.rows as IndicatorRow[];
    const response = await fetch(`${app.url}/api/indicators?grain=county`, { headers: { Accept: 'application/vnd.apache.arrow.stream' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(CONTRACT_COLUMNS);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Utf8', 'Utf8', 'Utf8', 'Utf8', 'Float64', 'Float64', 'Float64', 'Float64', 'Bool', 'Date32<DAY>']);
    const rows = table.toArray().map((row) => {
      const r = row.toJSON() as Record<string, unknown>;
      // Date32<DAY> reads back as epoch milliseconds of the calendar date
      return { ...r, as_of: new Date(r.as_of as number).toISOString().slice(0, 10) };
    });
    expect(rows).toEqual(json);
    expect(json.length).toBeGreaterThan(0);
  });

  it('answers CSV (UTF-8 with BOM) whose rows equal the JSON answer', async () => {
    const json = (await getJson('/api/indicators?grain=county')).body.rows as IndicatorRow[];
    const response = await fetch(`${app.url}/api/indicators?grain=county&format=csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, ...lines] = text.trimEnd().split('\r\n');
    expect(header).toBe(CONTRACT_COLUMNS.join(','));
    expect(lines).toHaveLength(json.length);
    const parsed = lines.map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(CONTRACT_COLUMNS.map((c, i) => [c, cells[i]]));
    });
    for (const [i, row] of json.entries()) {
      const cells = parsed[i]!;
      expect(cells.unit_name).toBe(row.unit_name); // Chinese intact
      expect(Number(cells.value)).toBe(row.value); // full precision
      expect(Number(cells.numerator)).toBe(row.numerator);
      expect(cells.meets_target).toBe(row.meets_target === null ? '' : String(row.meets_target));
      expect(cells.as_of).toBe(row.as_of);
    }
  });

  it('refuses malformed parameters with a Chinese JSON error and no stack trace', async () => {
    for (const query of ['grain=galaxy', 'period=20x5', 'format=xml', 'unit=%3Cscript%3E', 'indicator=a&indicator=b']) {
      const { status, body } = await getJson(`/api/indicators?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('bad_parameter');
      expect(body.error.message).toMatch(/参数/);
      expect(JSON.stringify(body)).not.toMatch(/\.ts:|at \w+ \(|node_modules/);
    }
  });
});

describe('errors and headers', () => {
  it('answers unknown API paths with a JSON 404 and unknown units with a Chinese page', async () => {
    const api = await getJson('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/未找到/) } });
    const page = await fetch(`${app.url}/county/999999`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toMatch(/不存在|无权/);
    const year = await fetch(`${app.url}/?year=1999`, { headers: { Accept: 'text/html' } });
    expect(year.status).toBe(404);
    expect(await year.text()).toContain('1999 年没有数据');
  });

  it('sets security headers and hides the framework', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('GET /api/rejects', () => {
  it("lists a run's rejected rows (status all), each with its county, reason and message", async () => {
    const query = `?run=${encodeURIComponent(latestRun.run_id)}&status=all&page_size=1000`;
    const { status, body } = await getJson(`/api/rejects${query}`);
    expect(status).toBe(200);
    expect(rejected.length).toBeGreaterThan(0);
    expect(body.total).toBe(rejected.length);
    const pick = (r: { file_name: string; sheet: string | null; row_number: number; reason_code: string; message: string; county_code: string | null }) =>
      `${r.file_name}|${r.sheet}|${String(r.row_number).padStart(9)}|${r.reason_code}|${r.message}|${r.county_code}`;
    expect(body.rows.map(pick).sort()).toEqual(rejected.map(pick).sort());
    expect((await getJson('/api/rejects?run=no-such-run')).body.rows).toEqual([]);
  });
});

describe('chart downloads', () => {
  it("serves a page chart's data as CSV and its picture as SVG", async () => {
    const csv = await fetch(`${app.url}/?chart=ranking&format=csv`);
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const counties = expected.filter((r) => r.indicator_id === 'reform_index' && r.grain === 'county' && r.period === maxYear());
    for (const c of counties) expect(text).toContain(c.unit_name);
    const svg = await fetch(`${app.url}/?chart=ranking&format=svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const markup = await svg.text();
    expect(markup).toMatch(/^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(markup).toContain('各县（市、区）综合改革指数排名');
    expect((await fetch(`${app.url}/?chart=nope&format=csv`)).status).toBe(404);
  });
});

function maxYear(): string {
  return expected.reduce((y, r) => (r.period > y ? r.period : y), '0000');
}

describe('county scope (the seam for authentication)', () => {
  let scoped: TestApp;
  let county: string;
  beforeAll(async () => {
    county = expected.find((r) => r.grain === 'county')!.unit_code;
    const asCountyViewer: RequestHandler = (req, _res, next) => {
      req.scope = { role: 'viewer', countyCode: county };
      next();
    };
    scoped = await startTestApp({ warehouseFile, authenticate: asCountyViewer });
  });
  afterAll(async () => scoped?.close());

  it('gives a county user its units and the city rows, nothing else', async () => {
    const rows = (await (await fetch(`${scoped.url}/api/indicators`)).json()).rows as IndicatorRow[];
    const allowed = expected.filter((r) => r.grain === 'city' || unitsCounty.get(`${r.period}|${r.grain}|${r.unit_code}`) === county);
    expect(allowed.length).toBeLessThan(expected.length);
    expect([...rows].sort(byKey)).toEqual([...allowed].sort(byKey));
    const rejects = (await (await fetch(`${scoped.url}/api/rejects?status=all&page_size=1000&run=${encodeURIComponent(latestRun.run_id)}`)).json()).rows as { county_code: string | null }[];
    expect(rejects.every((r) => r.county_code === county)).toBe(true);
    expect(rejects).toHaveLength(rejected.filter((r) => r.county_code === county).length);
  });

  it("refuses another county's page", async () => {
    const other = expected.find((r) => r.grain === 'county' && r.unit_code !== county)?.unit_code;
    expect(other, 'the test warehouse has a second county').toBeDefined();
    expect((await fetch(`${scoped.url}/county/${other}`)).status).toBe(404);
    expect((await fetch(`${scoped.url}/training?county=${other}`)).status).toBe(404);
    expect((await fetch(`${scoped.url}/county/${county}`)).status).toBe(200);
  });
});

describe('createApp', () => {
  it('refuses to make an app without an authenticate step (fail closed: no default reader)', async () => {
    const options = { warehouse: app.warehouse, assets: await buildClientAssets() } as unknown as AppOptions;
    expect(() => createApp(options)).toThrow(/authenticate step is required/);
  });
});

describe('without a warehouse', () => {
  it('says so: health 503 unavailable, API and pages 503 with a Chinese message', async () => {
    const empty = await startTestApp({ warehouseFile: path.join(dataDir, 'no-such.duckdb') });
    try {
      const health = await fetch(`${empty.url}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable', warehouse: { as_of: null, last_run: null } });
      const api = await fetch(`${empty.url}/api/indicators`);
      expect(api.status).toBe(503);
      expect((await api.json()).error.code).toBe('warehouse_unavailable');
      const page = await fetch(`${empty.url}/`, { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('数据仓库尚未就绪');
    } finally {
      await empty.close();
    }
  });
});

describe('prepared answers of /api/indicators', () => {
  /** One raw request (no automatic decompression), so the bytes on the wire can be checked. */
  function raw(pathAndQuery: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      http
        .get(`${app.url}${pathAndQuery}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  }

  it('sends the same bytes gzipped to a client that accepts it, with one strong ETag, and 304 to a client that has them', async () => {
    const query = '/api/indicators?grain=county';
    const plain = await raw(query, { 'Accept-Encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const rows = (JSON.parse(plain.body.toString('utf8')) as { rows: IndicatorRow[] }).rows;
    expect(rows.sort(byKey)).toEqual(expected.filter((r) => r.grain === 'county').sort(byKey));

    const zipped = await raw(query, { 'Accept-Encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);

    const again = await raw(query, { 'Accept-Encoding': 'gzip', 'If-None-Match': plain.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // another format or another filter is another answer
    const csv = await raw(`${query}&format=csv`, { 'If-None-Match': plain.headers.etag! });
    expect(csv.status).toBe(200);
    expect(csv.headers.etag).not.toBe(plain.headers.etag);
    const city = await raw('/api/indicators?grain=city', { 'If-None-Match': plain.headers.etag! });
    expect(city.status).toBe(200);
  });
});
