// Every page on a phone (390×844) and on a desk (1440×900), in real Chromium over the real app
// (auth and console wired as `npm start` does) and the fixed-date fixture warehouse:
// - the page never scrolls sideways (document scrollWidth ≤ window width);
// - no table header cell narrower than two characters;
// - no two chart labels overlap (bounding boxes of the SVG texts);
// - axe-core finds no serious or critical WCAG 2.1 A/AA violation;
// - screenshots of every page at both sizes go to artifacts/screenshots/.
// - what a person reads or hears (text, aria-labels, titles) is Chinese: no ASCII word outside
//   an allow-list of codes, units and names; the same for API error bodies and error pages.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhDisplay } from '../../dashboards/i18n/zh-display.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { startRealApp, type RealApp } from '../access/real-app.ts';
import { makeWorld, type World } from '../access/world.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;

type Who = 'admin' | 'analyst' | 'countyViewer' | 'viewer' | 'nobody';

interface PageCase {
  name: string;
  path: string;
  who: Who;
  status: number;
}

let world: World;
let app: RealApp;
let browser: Browser;
const tokens: Partial<Record<Who, string>> = {};
const contexts = new Map<string, BrowserContext>();
let cases: PageCase[] = [];

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  const db = await openDatabase(world.warehouseFile, { readOnly: true, threads: 1 });
  let pick: { county_code: string; cluster_code: string; office_code: string; period: string } | undefined;
  try {
    [pick] = await queryJson<{ county_code: string; cluster_code: string; office_code: string; period: string }>(
      db.connection,
      `SELECT county_code, cluster_code, unit_code AS office_code, period FROM mart.units
       WHERE grain = 'office' AND tier = 'ordinary' AND cluster_code IS NOT NULL
       ORDER BY period DESC, county_code, unit_code LIMIT 1`,
    );
  } finally {
    db.close();
  }
  if (!pick) throw new Error('the fixture has no clustered ordinary office');
  app = await startRealApp(world, { timeoutMs: 30_000 });
  tokens.admin = (await app.auth.users.add({ name: 'lead', role: 'admin' })).token;
  tokens.analyst = (await app.auth.users.add({ name: 'ana', role: 'analyst' })).token;
  tokens.viewer = (await app.auth.users.add({ name: 'vic', role: 'viewer' })).token;
  tokens.countyViewer = (await app.auth.users.add({ name: 'cvi', role: 'viewer', county: pick.county_code })).token;
  const year = pick.period;
  cases = [
    { name: 'overview', path: '/', who: 'admin', status: 200 },
    { name: 'overview-county-viewer', path: '/', who: 'countyViewer', status: 200 },
    { name: 'county', path: `/county/${pick.county_code}`, who: 'admin', status: 200 },
    { name: 'cluster', path: `/cluster/${pick.cluster_code}`, who: 'admin', status: 200 },
    { name: 'office', path: `/office/${pick.office_code}`, who: 'admin', status: 200 },
    { name: 'training', path: '/training', who: 'admin', status: 200 },
    { name: 'training-county', path: `/training?county=${pick.county_code}`, who: 'admin', status: 200 },
    { name: 'cases', path: '/cases', who: 'admin', status: 200 },
    { name: 'quality', path: '/quality', who: 'admin', status: 200 },
    { name: 'validate', path: '/validate', who: 'admin', status: 200 },
    { name: 'indicators', path: '/indicators', who: 'admin', status: 200 },
    { name: 'report', path: `/report?period=${year}`, who: 'admin', status: 200 },
    { name: 'console', path: '/console', who: 'analyst', status: 200 },
    { name: 'dictionary', path: '/dictionary', who: 'analyst', status: 200 },
    { name: 'login', path: '/login', who: 'nobody', status: 200 },
    { name: 'error-404', path: '/no-such-page', who: 'admin', status: 404 },
    { name: 'error-403', path: '/console', who: 'viewer', status: 403 },
  ];
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await app?.close();
  await world?.cleanup();
});

/** One browser context per user and window size (signed in by API token, as a header). */
async function contextFor(who: Who, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const key = `${who}-${viewport.width}`;
  let context = contexts.get(key);
  if (!context) {
    const token = tokens[who];
    // bypassCSP: axe-core is injected as an inline script, which the pages' CSP forbids
    context = await browser.newContext({ viewport, locale: 'zh-CN', bypassCSP: true, ...(token ? { extraHTTPHeaders: { Authorization: `Bearer ${token}` } } : {}) });
    contexts.set(key, context);
  }
  return context;
}

async function open(c: PageCase, viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
  const page = await (await contextFor(c.who, viewport)).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const response = await page.goto(app.url + c.path, { waitUntil: 'networkidle' });
  expect(response?.status(), `${c.name}: HTTP status`).toBe(c.status);
  // the charts are redrawn at the container's width once the script has run
  await page.waitForFunction(() => document.readyState === 'complete');
  return { page, problems };
}

interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Chart labels whose boxes overlap by more than a sliver (both drawn, neither empty). */
async function overlappingLabels(page: Page): Promise<string[]> {
  const boxes: Box[][] = await page.$$eval('.chart-plot > svg, .report-chart > svg', (svgs) =>
    svgs.map((svg) =>
      [...svg.querySelectorAll('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '' && !t.closest('[aria-label="tip"], [aria-label="提示"]'))
        .map((t) => {
          const r = t.getBoundingClientRect();
          return { text: (t.textContent ?? '').trim(), x: r.x, y: r.y, width: r.width, height: r.height };
        })
        .filter((b) => b.width > 0 && b.height > 0),
    ),
  );
  const found: string[] = [];
  for (const chart of boxes) {
    for (let i = 0; i < chart.length; i++) {
      for (let j = i + 1; j < chart.length; j++) {
        const a = chart[i]!;
        const b = chart[j]!;
        const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        // glyph boxes include line spacing: a couple of pixels of touching is not an overlap
        if (w > 2 && h > 3) found.push(`"${a.text}" × "${b.text}"`);
      }
    }
  }
  return found;
}

/** Header cells narrower than two characters of their own font. */
async function narrowHeaders(page: Page): Promise<string[]> {
  return page.$$eval('th', (cells) =>
    cells
      .filter((th) => th.getBoundingClientRect().width > 0)
      .filter((th) => {
        const style = getComputedStyle(th);
        const inner = th.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return inner < 2 * parseFloat(style.fontSize) - 0.5;
      })
      .map((th) => `${(th.textContent ?? '').trim()} (${Math.round(th.getBoundingClientRect().width)} px)`),
  );
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// ── Chinese where a person reads or hears it

/** ASCII words a Chinese page may show: formats, units, codes and product names. */
const ALLOWED = new Set([
  'SQL', 'CSV', 'SVG', 'PNG', 'PDF', 'API', 'JSON', 'Parquet', 'Arrow', 'xlsx', 'XLSX', 'Excel',
  'Ctrl', 'Enter', 'Mac', 'Esc', 'Tab', 'SELECT', 'WITH', 'mart', 'cron',
  // the reform index's formula in the indicator catalog: min(指标值/目标值, 1)
  'min',
]);

/**
 * The data dictionary (console, /dictionary) describes columns whose stored values are codes,
 * each followed by its Chinese meaning ("tier：key 重点所、ordinary 普通所"): those codes are what
 * an analyst types in SQL.
 */
const DATA_CODES = new Set(['office', 'offices', 'cluster', 'county', 'city', 'key', 'ordinary', 'cases', 'training', 'units', 'post', 'plaque', 'role']);

/** API error messages may name a query parameter and its allowed values: those are literal codes. */
const API_CODES = new Set(['year', 'period', 'county', 'grain', 'office', 'cluster', 'city', 'indicator', 'unit', 'run', 'format', 'json', 'csv', 'svg', 'chart', 'limit']);

/** Words of two or more ASCII letters; codes (331102, SF331102001, run-2, training_compliance) pass. */
function englishWords(text: string, allowed: Set<string> = ALLOWED): string[] {
  return [...text.matchAll(/(?<![A-Za-z0-9_.-])[A-Za-z][A-Za-z]+(?![A-Za-z0-9_-])/g)].map((m) => m[0]).filter((w) => !allowed.has(w));
}

/** What a person reads or hears: text, title, aria-label/description, alt and placeholder. */
async function readableText(page: Page): Promise<string> {
  return page.evaluate(() => {
    // code (indicator ids, SQL, column names and types, example values) is shown as code on
    // purpose: <code>, <pre>, the editor, and anything marked translate="no" (HTML's own marker
    // for content that is not to be translated)
    // (a <noscript>'s content is raw text to a browser that runs script: not shown)
    const skip = (e: Element) => e.closest('code, pre, textarea, script, style, noscript, [translate="no"]') !== null;
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || skip(parent)) continue;
      out.push(node.textContent ?? '');
    }
    for (const e of document.querySelectorAll('[aria-label], [title], [alt], [placeholder], [aria-description]')) {
      if (skip(e)) continue;
      for (const name of ['aria-label', 'title', 'alt', 'placeholder', 'aria-description']) out.push(e.getAttribute(name) ?? '');
    }
    return out.join('\n');
  });
}

describe.each(VIEWPORTS)('every page at $width×$height', (viewport) => {
  it('fits the window, keeps headers readable, labels apart, passes axe, reads in Chinese; screenshots', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const { page, problems } = await open(c, viewport);
      try {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${c.name}: the page scrolls sideways by ${overflow} px`);
        for (const h of await narrowHeaders(page)) failures.push(`${c.name}: narrow header ${h}`);
        for (const o of await overlappingLabels(page)) failures.push(`${c.name}: chart labels overlap ${o}`);
        for (const v of await axeViolations(page)) failures.push(`${c.name}: axe ${v}`);
        const allowed = c.name === 'console' || c.name === 'dictionary' ? new Set([...ALLOWED, ...DATA_CODES]) : ALLOWED;
        for (const word of new Set(englishWords(await readableText(page), allowed))) failures.push(`${c.name}: an English word "${word}"`);
        for (const p of problems) failures.push(`${c.name}: ${p}`);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${c.name}-${viewport.width}x${viewport.height}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('/indicators', () => {
  it("shows the chosen year's city values, so its year picker changes the page", async () => {
    const periods = async (year: string) => {
      const response = await fetch(`${app.url}/indicators?year=${year}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
      expect(response.status).toBe(200);
      return new Set([...(await response.text()).matchAll(/data-period="(\d{4})"/g)].map((m) => m[1]));
    };
    const latest = cases.find((c) => c.name === 'report')!.path.replace(/\D+/g, '');
    const earlier = String(Number(latest) - 1);
    expect(await periods(latest)).toEqual(new Set([latest]));
    expect(await periods(earlier)).toEqual(new Set([earlier]));
  });
});

describe('on a phone', () => {
  it('folds the navigation into a menu that opens', async () => {
    const page = await (await contextFor('admin', VIEWPORTS[0])).newPage();
    try {
      await page.goto(`${app.url}/`, { waitUntil: 'networkidle' });
      const link = page.locator('.main-nav a[href^="/training"]');
      expect(await link.isVisible()).toBe(false);
      await page.locator('.nav-menu > summary').click();
      expect(await link.isVisible()).toBe(true);
      expect(await page.locator('.logout-button').isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('keeps the unit column in view when a table scrolls sideways', async () => {
    const page = await (await contextFor('admin', VIEWPORTS[0])).newPage();
    try {
      await page.goto(`${app.url}/`, { waitUntil: 'networkidle' });
      const wrap = page.locator('#county-matrix').locator('xpath=..');
      const before = await page.locator('#county-matrix tbody th').first().boundingBox();
      await wrap.evaluate((e) => (e.scrollLeft = 400));
      const after = await page.locator('#county-matrix tbody th').first().boundingBox();
      expect(after?.x).toBe(before?.x);
    } finally {
      await page.close();
    }
  });
});

describe('Chinese everywhere', () => {
  it('on error pages: a viewer opening /console and an unknown path get the styled Chinese page with a way back', async () => {
    for (const [url, who, status] of [['/console', 'viewer', 403], ['/no-such-page', 'admin', 404]] as const) {
      const response = await fetch(app.url + url, { headers: { authorization: `Bearer ${tokens[who]}`, accept: 'text/html' } });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await response.text();
      expect(body).toContain(`<h1>${zhDisplay.errors.titles[status]}</h1>`);
      expect(body).toMatch(/<link rel="stylesheet" href="[^"]+styles[^"]*\.css/);
      expect(body).toMatch(/<a [^>]*href="\/"/);
      expect(englishWords(body.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/g, ' '))).toEqual([]);
    }
  });

  it('in API error bodies', async () => {
    const asked: [string, Who, RequestInit?][] = [
      ['/api/indicators?grain=street', 'admin'],
      ['/api/no-such-thing', 'admin'],
      ['/api/indicators', 'nobody'],
      ['/api/sql', 'viewer', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
      ['/api/runs', 'analyst'],
      ['/api/indicators', 'nobody', { headers: { authorization: 'Bearer not-a-real-token-0000000000' } }],
    ];
    const found: string[] = [];
    for (const [url, who, init] of asked) {
      const headers = new Headers(init?.headers);
      if (tokens[who] && !headers.has('authorization')) headers.set('authorization', `Bearer ${tokens[who]}`);
      const response = await fetch(app.url + url, { ...init, headers });
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.message, url).toMatch(/[\u4e00-\u9fff]/);
      for (const word of englishWords(body.error.message, new Set([...ALLOWED, ...API_CODES]))) found.push(`${url}: ${word}`);
    }
    expect(found).toEqual([]);
  });
});
