// A county-scoped user sees its county and the city totals, and nothing of another county, on
// every endpoint: a crawl of every page reachable by links from 总览 (chart CSV/SVG downloads
// and drill-down links included), the report and its PDF, /api/indicators as JSON, CSV and
// Arrow, /api/rejects, and direct tries at other counties' pages and units. No code, county
// name, office name or office code of another county may appear. And the console is refused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../pipelines/warehouse/duckdb.ts';
import { makeWorld, startWorldApp, type World, type WorldApp } from './world.ts';

const OWN = '331102'; // 莲都区
const MAX_URLS = 400;

let world: World;
let app: WorldApp;
let token: string;
let cityToken: string;
let forbidden: string[];
let ownOffice: string;
let otherOffice: string;
let OTHER: string;
let year: string;

beforeAll(async () => {
  world = await makeWorld();
  // What must never reach a 莲都 user: every code and name of the other counties and their offices.
  const db = await openDatabase(world.warehouseFile, { readOnly: true, threads: 1 });
  try {
    const counties = await queryRows<{ county_code: string; county_name: string; short_name: string }>(db.connection, 'SELECT * FROM core.counties');
    const offices = await queryRows<{ office_code: string; office_name: string; county_code: string }>(
      db.connection,
      'SELECT DISTINCT office_code, office_name, county_code FROM core.offices',
    );
    const own = [...counties.filter((c) => c.county_code === OWN).flatMap((c) => [c.county_name, c.short_name]), ...offices.filter((o) => o.county_code === OWN).flatMap((o) => [o.office_code, o.office_name])];
    const candidates = [
      ...counties.filter((c) => c.county_code !== OWN).flatMap((c) => [c.county_code, c.county_name, c.short_name]),
      ...offices.filter((o) => o.county_code !== OWN).flatMap((o) => [o.office_code, o.office_name]),
    ];
    // The catalog quotes the plan, which names pilot counties (缙云, 遂昌): that text is the same for
    // everyone, not another county's data.
    const catalogText = JSON.stringify(await queryRows(db.connection, 'SELECT * FROM mart.indicator_catalog'));
    // A string that is also part of something of the own county (a shared township name) proves nothing.
    forbidden = [...new Set(candidates)].filter((s) => s.length >= 2 && !own.some((o) => o.includes(s)) && !catalogText.includes(s));
    // Another county with data (the demo's tiny scale has two).
    OTHER = offices.find((o) => o.county_code !== OWN)!.county_code;
    ownOffice = offices.find((o) => o.county_code === OWN)!.office_code;
    otherOffice = offices.find((o) => o.county_code === OTHER)!.office_code;
    year = String((await queryRows<{ y: string }>(db.connection, 'SELECT max(period) AS y FROM mart.indicator_values'))[0]!.y);
  } finally {
    db.close();
  }
  app = await startWorldApp(world);
  token = (await app.auth.users.add({ name: 'lianduviewer', role: 'analyst', county: OWN })).token;
  cityToken = (await app.auth.users.add({ name: 'cityviewer', role: 'viewer', county: null })).token;
}, 300_000);

afterAll(async () => {
  await app?.close();
  await world?.cleanup();
});

interface Fetched {
  url: string;
  status: number;
  type: string;
  text: string;
}

async function get(url: string, bearer: string, accept?: string): Promise<Fetched> {
  const response = await fetch(new URL(url, app.url), { headers: { authorization: `Bearer ${bearer}`, ...(accept ? { accept } : {}) }, redirect: 'manual' });
  const type = response.headers.get('content-type') ?? '';
  const bytes = Buffer.from(await response.arrayBuffer());
  let text: string;
  if (type.includes('apache.arrow')) {
    text = JSON.stringify(tableFromIPC(bytes).toArray(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  } else if (type.includes('pdf')) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scope-pdf-'));
    const file = path.join(dir, 'r.pdf');
    writeFileSync(file, bytes);
    text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } else {
    text = bytes.toString('utf8');
  }
  return { url, status: response.status, type, text: `${text}\n${response.headers.get('location') ?? ''}` };
}

function linksOf(page: Fetched): string[] {
  if (!page.type.includes('html')) return [];
  const found: string[] = [];
  for (const match of page.text.matchAll(/href="([^"#]+)"/g)) {
    const href = match[1]!.replaceAll('&amp;', '&');
    if (!href.startsWith('/') || href.startsWith('//') || href.startsWith('/assets/') || href === '/logout') continue;
    found.push(href);
  }
  return found;
}

function leaks(page: Fetched): string[] {
  return forbidden.filter((s) => page.text.includes(s));
}

describe('a county-scoped user', () => {
  it('gets nothing of another county from any page, download or API', async () => {
    const seeds = [
      '/',
      `/?year=${year}`,
      `/report?period=${year}`,
      `/report?period=${year}&county=${OTHER}`,
      `/county/${OTHER}`,
      `/county/${OWN}`,
      `/office/${otherOffice}`,
      `/office/${ownOffice}`,
      `/cluster/${otherOffice}`,
      `/training?county=${OTHER}`,
      `/cases?county=${OTHER}`,
      `/quality?county=${OTHER}`,
      `/indicators`,
      `/?county=${OTHER}`,
      '/api/indicators',
      '/api/indicators?format=csv',
      `/api/indicators?unit=${OTHER}`,
      `/api/indicators?unit=${otherOffice}`,
      `/api/indicators?grain=office&period=${year}`,
      `/api/indicators?grain=county`,
      '/api/rejects',
      '/api/rejects?format=csv',
      '/api/health',
    ];
    const queue = [...seeds];
    const seen = new Set<string>();
    const fetched: Fetched[] = [];
    while (queue.length > 0 && seen.size < MAX_URLS) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const page = await get(url, token);
      fetched.push(page);
      for (const link of linksOf(page)) if (!seen.has(link)) queue.push(link);
    }
    fetched.push(await get('/api/indicators', token, 'application/vnd.apache.arrow.stream'));
    fetched.push(await get(`/api/indicators?unit=${OTHER}`, token, 'application/vnd.apache.arrow.stream'));
    fetched.push(await get('/api/rejects', token, 'application/vnd.apache.arrow.stream'));
    if (existsSync('/usr/bin/chromium')) {
      fetched.push(await get(`/report.pdf?period=${year}`, token));
      fetched.push(await get(`/report.pdf?period=${year}&county=${OTHER}`, token));
    }

    if (process.env.SCOPE_CRAWL_LOG) console.log(fetched.map((f) => `${f.status} ${f.type.split(";")[0]} ${f.url}`).join("\n"));
    const leaked = fetched.map((f) => ({ url: f.url, status: f.status, leaks: leaks(f) })).filter((f) => f.leaks.length > 0);
    expect(leaked).toEqual([]);
    // Not vacuous: pages were reached and the own county and the city are there.
    expect(fetched.filter((f) => f.status === 200 && f.type.includes('html')).length).toBeGreaterThanOrEqual(3);
    const indicators = fetched.find((f) => f.url === '/api/indicators' && f.type.includes('json'))!;
    expect(indicators.text).toContain(`"unit_code":"${OWN}"`);
    expect(indicators.text).toContain('"unit_code":"3311"');
    // … and the same crawl as a city-wide user does show other counties (the check can fail).
    const city = await get('/api/indicators', cityToken);
    expect(leaks(city).length).toBeGreaterThan(0);
  }, 600_000);

  it('is refused the console and /api/sql', async () => {
    expect((await get('/console', token)).status).toBe(403);
    const sql = await fetch(`${app.url}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT * FROM mart.indicator_values' }),
    });
    expect(sql.status).toBe(403);
    const body = (await sql.json()) as { error: { code: string } };
    expect(body.error.code).toBe('city_wide_only');
    expect((await get('/api/sql/schema', token)).status).toBe(403);
  });
});
