// The dashboards end to end in real Chromium (Debian's /usr/bin/chromium via playwright-core),
// over a warehouse built by the real pipeline (demo `tiny` set + refresh CLI):
// - every page loads with no console error, no failed request, one h1, charts with ARIA text,
//   nothing wider than the 1440 px window;
// - the numbers on 总览 and on a county page are the rows of mart.indicator_values;
// - a click on a county bar reaches the county page, a click on an office row the office page;
// - the report PDF has its four pages and the Chinese titles;
// - screenshots of the main pages at 1440×900 go to artifacts/screenshots/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIndicator } from '../../dashboards/format.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { REPORT_PAGES } from '../../dashboards/pages/report.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { buildTestWarehouse } from '../server/fixture-warehouse.ts';
import { startTestApp, type TestApp } from '../server/start-app.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots');

interface Row {
  indicator_id: string;
  period: string;
  grain: string;
  unit_code: string;
  unit_name: string;
  value: number;
  target: number | null;
}

let dataDir: string;
let app: TestApp;
let browser: Browser;
let rows: Row[];
let targeted: string[];
let year: string;
let county: { code: string; name: string };
let office: { code: string; name: string };
let cluster: string;

const rowKey = (r: { indicator_id: string; period: string; grain: string; unit_code: string }) => `${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-browser-'));
  const warehouseFile = await buildTestWarehouse(dataDir);
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  try {
    rows = await queryJson<Row>(db.connection, 'SELECT indicator_id, period, grain, unit_code, unit_name, value, target FROM mart.indicator_values');
    targeted = (await queryJson<{ indicator_id: string }>(db.connection, 'SELECT indicator_id FROM mart.indicator_catalog WHERE is_targeted ORDER BY display_order')).map((r) => r.indicator_id);
    year = rows.reduce((y, r) => (r.period > y ? r.period : y), '0000');
    // a county with a cluster whose key office has ordinary offices
    const [pick] = await queryJson<{ county_code: string; county_name: string; cluster_code: string; office_code: string; office_name: string }>(
      db.connection,
      `SELECT o.county_code, o.county_name, o.cluster_code, o.unit_code AS office_code, o.unit_name AS office_name
       FROM mart.units o WHERE o.period = $1 AND o.grain = 'office' AND o.tier = 'ordinary' AND o.cluster_code IS NOT NULL
       ORDER BY o.county_code, o.unit_code LIMIT 1`,
      [year],
    );
    if (!pick) throw new Error('the test warehouse has no clustered ordinary office');
    county = { code: pick.county_code, name: pick.county_name };
    office = { code: pick.office_code, name: pick.office_name };
    cluster = pick.cluster_code;
  } finally {
    db.close();
  }
  app = await startTestApp({ warehouseFile });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

interface Visit {
  page: Page;
  problems: string[];
  status: number | undefined;
}

/** Opens a page at 1440×900 and collects console errors, page errors and failed requests. */
async function visit(pathAndQuery: string): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(app.url + pathAndQuery, { waitUntil: 'networkidle' });
  return { page, problems, status: response?.status() };
}

interface Shown {
  indicator: string;
  period: string;
  grain: string;
  unit: string;
  value: string;
  text: string;
}

/** Every number on the page that names its row of mart.indicator_values. */
async function shownValues(page: Page): Promise<Shown[]> {
  return page.$$eval('[data-indicator][data-value]', (elements) =>
    elements.map((e) => {
      const d = (e as HTMLElement).dataset;
      return {
        indicator: d.indicator ?? '',
        period: d.period ?? '',
        grain: d.grain ?? '',
        unit: d.unit ?? '',
        value: d.value ?? '',
        text: e.querySelector('.value-text')?.textContent?.trim() ?? '',
      };
    }),
  );
}

function expectShownEqualWarehouse(shown: Shown[]): void {
  const byKey = new Map(rows.map((r) => [rowKey(r), r]));
  for (const s of shown) {
    const row = byKey.get(rowKey({ indicator_id: s.indicator, period: s.period, grain: s.grain, unit_code: s.unit }));
    expect(row, `${s.indicator} ${s.grain} ${s.unit}`).toBeDefined();
    expect(Number(s.value)).toBe(row!.value);
    expect(s.text).toBe(formatIndicator(row!.indicator_id, row!.value));
  }
}

describe('every page', () => {
  const pages = () => [
    '/',
    `/county/${county.code}`,
    `/cluster/${cluster}`,
    `/office/${office.code}`,
    '/training',
    `/training?county=${county.code}`,
    '/cases',
    `/cases?county=${county.code}&year=${year}`,
    '/quality',
    `/quality?county=${county.code}`,
    '/indicators',
    `/report?period=${year}`,
    `/report?period=${year}&county=${county.code}`,
  ];

  it('loads with no console error and no failed request, in Chinese, with one h1 and labelled charts', async () => {
    for (const url of pages()) {
      const { page, problems, status } = await visit(url);
      try {
        expect(status, url).toBe(200);
        expect(problems, url).toEqual([]);
        expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
        expect(await page.locator('h1').count(), url).toBe(1);
        // every chart's outer <svg> (legend symbols are aria-hidden decorations)
        const charts = await page.$$eval('.chart-plot > svg, .report-chart > svg', (svgs) =>
          svgs.map((s) => ({ label: s.getAttribute('aria-label'), description: s.getAttribute('aria-description') })),
        );
        for (const chart of charts) {
          expect(chart.label, url).toBeTruthy();
          expect(chart.description, url).toBeTruthy();
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${url} is wider than the window`).toBeLessThanOrEqual(0);
      } finally {
        await page.close();
      }
    }
  }, 300_000);
});

describe('总览', () => {
  it('shows the rows of mart.indicator_values: a tile per targeted indicator, the county matrix, the index', async () => {
    const { page } = await visit('/');
    try {
      const shown = await shownValues(page);
      expectShownEqualWarehouse(shown);
      const tiles = await page.$$eval('.tile[data-indicator]', (t) => t.map((e) => (e as HTMLElement).dataset.indicator));
      expect(tiles).toEqual(targeted.filter((id) => rows.some((r) => r.indicator_id === id && r.grain === 'city' && r.period === year)));
      const countyCells = shown.filter((s) => s.grain === 'county').map((s) => `${s.indicator}|${s.unit}`).sort();
      const expectedCells = rows
        .filter((r) => r.grain === 'county' && r.period === year && (targeted.includes(r.indicator_id) || r.indicator_id === 'reform_index'))
        .map((r) => `${r.indicator_id}|${r.unit_code}`)
        .sort();
      expect(countyCells).toEqual(expectedCells);
      expect(shown.some((s) => s.grain === 'city' && s.indicator === 'reform_index')).toBe(true);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png') });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'overview-full.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('leads from a county bar to that county page', async () => {
    const { page } = await visit('/');
    try {
      // Plot links bars with xlink:href in the browser, plain href on the server: match either
      const bar = page.locator(`xpath=//*[@id="chart-ranking"]//*[local-name()="a"][@*[local-name()="href" and contains(., "/county/${county.code}?")]]`).first();
      // Plot's tip, drawn (and made sticky on pointerdown) under the pointer, must not take the click
      await bar.hover();
      // (Plot's "tip" group is renamed 提示 for screen readers by dashboards/charts/aria.ts)
      const tip = page.locator('#chart-ranking g[aria-label="提示"]');
      await tip.first().waitFor({ state: 'attached' });
      expect(await tip.first().evaluate((g) => getComputedStyle(g).pointerEvents)).toBe('none');
      await bar.click();
      await page.waitForURL(`**/county/${county.code}**`);
      expect(await page.locator('h1').textContent()).toBe(county.name);
    } finally {
      await page.close();
    }
  });

  it("downloads a chart as PNG, drawn in the browser from the chart's SVG", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    try {
      await page.goto(`${app.url}/`, { waitUntil: 'networkidle' });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download-png="ranking"]')]);
      expect(download.suggestedFilename()).toBe('ranking.png');
      const file = path.join(dataDir, 'ranking.png');
      await download.saveAs(file);
      const bytes = readFileSync(file);
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(bytes.readUInt32BE(16)).toBeGreaterThan(600); // width in pixels (drawn at 2×)
    } finally {
      await page.close();
    }
  });

  it('starts keyboard navigation at the skip link', async () => {
    const { page } = await visit('/');
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(zh.app.skipToContent);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    } finally {
      await page.close();
    }
  });
});

describe('县（市、区）', () => {
  it("shows the county's rows of mart.indicator_values, every one of them", async () => {
    const { page } = await visit(`/county/${county.code}`);
    try {
      const shown = await shownValues(page);
      expectShownEqualWarehouse(shown);
      const countyShown = new Set(shown.filter((s) => s.grain === 'county' && s.unit === county.code).map((s) => s.indicator));
      const countyRows = rows.filter((r) => r.grain === 'county' && r.unit_code === county.code && r.period === year).map((r) => r.indicator_id);
      expect([...countyShown].sort()).toEqual([...countyRows].sort());
      await page.screenshot({ path: path.join(SCREENSHOTS, 'county.png') });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'county-full.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('leads from an office row to the office page, and sorts its table by keyboard', async () => {
    const { page } = await visit(`/county/${county.code}`);
    try {
      const header = page.locator('#offices thead th').nth(3);
      await header.locator('button').focus();
      await page.keyboard.press('Enter');
      expect(await header.getAttribute('aria-sort')).toBe('ascending');
      // a click on the row (not on its link) opens the office
      await page.locator(`#offices tr[data-href*="/office/${office.code}"] td`).nth(1).click();
      await page.waitForURL(`**/office/${office.code}**`);
      expect(await page.locator('h1').textContent()).toBe(office.name);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'office.png') });
    } finally {
      await page.close();
    }
  });
});

describe('screenshots', () => {
  it('of the other main pages at 1440×900', async () => {
    const shots: [string, string][] = [
      ['cluster', `/cluster/${cluster}`],
      ['training', '/training'],
      ['cases', '/cases'],
      ['quality', '/quality'],
      ['indicators', '/indicators'],
      ['report', `/report?period=${year}`],
    ];
    for (const [name, url] of shots) {
      const { page, problems } = await visit(url);
      try {
        expect(problems).toEqual([]);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-full.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }
  }, 300_000);
});

describe('report PDF', () => {
  async function pdf(query: string): Promise<{ pages: number; text: string }> {
    const response = await fetch(`${app.url}/report.pdf?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(dataDir, `report-${query.replace(/\W+/g, '-')}.pdf`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    return { pages, text };
  }

  it('prints the city report on its A4 pages with the Chinese titles and page numbers', async () => {
    const { pages, text } = await pdf(`period=${year}`);
    expect(pages).toBe(REPORT_PAGES);
    for (const title of [zh.report.title, zh.report.summaryHeading, zh.report.rankingHeading, zh.report.detailHeading, zh.report.workHeading]) {
      expect(text).toContain(title);
    }
    // page numbers from the @page margin boxes (pdftotext drops the spaces around the digits)
    const compact = text.replace(/\s+/g, '');
    for (let n = 1; n <= REPORT_PAGES; n++) expect(compact).toContain(`第${n}页/共${REPORT_PAGES}页`);
  });

  it("prints a county's report", async () => {
    const { pages, text } = await pdf(`period=${year}&county=${county.code}`);
    expect(pages).toBe(REPORT_PAGES);
    expect(text).toContain(zh.report.countyTitle(county.name));
    expect(text).toContain(zh.report.officesHeading);
    expect(text).toContain(office.name);
  });
});
