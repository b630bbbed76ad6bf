// The analysts' console in real Chromium at a desk (1440×900) and on a phone (390×844): no
// sideways scroll of the page, the data dictionary beside the editor and as its own page,
// completion of table and column names by typing, rounded results, a quick chart of a category
// and a measure, export buttons on screen that download, saved queries and `?q=` links.
// Screenshots go to artifacts/console/.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { makeWorld, startWorldApp, type World, type WorldApp } from './world.ts';

const POLL = { timeout: 30_000, interval: 100 };
const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/console');
const SIZES = [
  { name: 'desk', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let world: World;
let app: WorldApp;
let browser: Browser;
let password: string;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  app = await startWorldApp(world);
  await app.auth.users.add({ name: 'ana', role: 'analyst' });
  // A chosen password: a one-time password is good for one sign-in only (accounts-browser.test.ts).
  password = 'Lishui-Query-2026';
  await app.auth.users.changePassword('ana', password);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--no-first-run', '--disable-component-update', '--disable-sync'] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await world?.cleanup();
});

async function signedIn(size: (typeof SIZES)[number], target: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${app.url}${target}`);
  await page.getByLabel('用户名').fill('ana');
  await page.getByLabel('密码或 API 令牌').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === new URL(target, app.url).pathname);
  return { context, page, problems };
}

const pageWidth = (page: Page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, inner } = await pageWidth(page);
  expect(scroll).toBeLessThanOrEqual(inner);
}

/** The file an export button downloads; fails at once with the page's message when the server refuses. */
async function download(page: Page, button: string): Promise<Buffer> {
  const waiting = page.waitForEvent('download', { timeout: 30_000 });
  const refused = page
    .locator('#console-status.error')
    .waitFor({ timeout: 30_000 })
    .then(async () => {
      throw new Error(`export ${button} refused: ${await page.locator('#console-status').textContent()}`);
    });
  // The loser of the race must not surface as an unhandled rejection.
  refused.catch(() => undefined);
  waiting.catch(() => undefined);
  await page.locator('.export-group').getByRole('button', { name: button, exact: true }).click();
  const file = await Promise.race([waiting, refused]);
  return readFileSync(await file.path());
}

describe.each(SIZES)('the console at $width×$height', (size) => {
  it('completes names, rounds, charts a category and a measure, exports and shares without sideways scroll', async () => {
    const { context, page, problems } = await signedIn(size, '/console');
    await expect.poll(async () => page.locator('#console-schema-list details').count(), POLL).toBeGreaterThanOrEqual(12);
    await expectNoSidewaysScroll(page);
    // The year has nothing to do with the console: no year picker.
    expect(await page.locator('select[name="year"]').count()).toBe(0);

    // Completion: a table after "mart.", then a column of that table.
    const editor = page.getByLabel('SQL 语句');
    await editor.fill('');
    await editor.focus();
    // By keyboard: ↓ moves, Enter takes, Esc closes the list without touching the text.
    await page.keyboard.type('SELECT * FROM mart.indic');
    await expect.poll(async () => page.locator('#console-completion').isVisible(), POLL).toBe(true);
    // In name order: indicator_catalog, indicator_overview (a view), indicator_values.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#console-completion [aria-selected=true]').getAttribute('data-value')).toBe('indicator_values');
    expect(await editor.getAttribute('aria-activedescendant')).toBe('console-completion-2');
    await page.keyboard.press('Enter');
    expect(await editor.inputValue()).toBe('SELECT * FROM mart.indicator_values');
    await page.keyboard.type(' WHERE gr');
    await expect.poll(async () => page.locator('#console-completion').isVisible(), POLL).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#console-completion').isVisible()).toBe(false);
    expect(await editor.inputValue()).toBe('SELECT * FROM mart.indicator_values WHERE gr');
    await editor.fill('');
    await editor.focus();
    await page.keyboard.type('SELECT unit_name, value, numerator FROM mart.indic');
    const list = page.locator('#console-completion');
    await expect.poll(async () => list.isVisible(), POLL).toBe(true);
    const offered = await list.locator('[role=option]').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.value));
    expect(offered).toEqual(expect.arrayContaining(['indicator_catalog', 'indicator_values']));
    expect(await editor.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('option', { name: /^indicator_values/ }).click();
    expect(await editor.inputValue()).toBe('SELECT unit_name, value, numerator FROM mart.indicator_values');
    await page.keyboard.type(" WHERE indicator_id = 'reform_index' AND gra");
    await expect.poll(async () => list.locator('[role=option]').first().getAttribute('data-value'), POLL).toBe('grain');
    await page.keyboard.press('Tab');
    await page.keyboard.type(" = 'county' ORDER BY value DESC");
    expect(await editor.inputValue()).toBe("SELECT unit_name, value, numerator FROM mart.indicator_values WHERE indicator_id = 'reform_index' AND grain = 'county' ORDER BY value DESC");
    await expectNoSidewaysScroll(page);

    const cityQuery = await editor.inputValue();
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => page.locator('#console-results tbody tr').count(), POLL).toBeGreaterThan(1);
    // Rounded for reading, the full value in the cell's title.
    const cells = await page.locator('#console-results tbody td:nth-child(2)').evaluateAll((tds) => tds.map((td) => ({ text: td.textContent ?? '', title: (td as HTMLElement).title })));
    for (const cell of cells) expect(cell.text).toMatch(/^\d+(\.\d{1,4})?$/);
    expect(cells.some((c) => c.title.length > c.text.length)).toBe(true);
    // The quick chart: counties by value, never as_of or numerator on an axis by default.
    expect(await page.locator('#console-chart-x').inputValue()).toBe('unit_name');
    expect(await page.locator('#console-chart-y').inputValue()).toBe('value');
    expect(await page.locator('#console-chart svg').count()).toBeGreaterThan(0);
    await page.locator('#console-chart-y').selectOption('numerator');
    await expect.poll(async () => page.locator('#console-chart').textContent(), POLL).not.toContain('已自动选择');
    await expectNoSidewaysScroll(page);

    // Every export button on screen (inside the viewport's width) and downloading.
    const inner = size.width;
    for (const name of ['CSV', 'Excel', 'Parquet', 'Arrow']) {
      const button = page.locator('.export-group').getByRole('button', { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      expect(await button.isVisible()).toBe(true);
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(inner);
      expect(box.height).toBeGreaterThanOrEqual(24);
    }
    const csv = (await download(page, 'CSV')).toString('utf8');
    expect(csv).toMatch(/^\uFEFFunit_name,value,numerator\r\n/);
    // Full precision in the export: more digits than the table shows.
    expect(csv).toMatch(/\d\.\d{5,}/);
    expect((await download(page, 'Parquet')).subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect((await download(page, 'Arrow')).length).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(ARTIFACTS, `console-${size.name}.png`), fullPage: true });

    // Nothing to measure: the chart asks instead of guessing.
    await editor.fill('SELECT unit_code, unit_name FROM mart.units ORDER BY unit_code');
    await page.getByRole('button', { name: '执行' }).click();
    await expect.poll(async () => page.locator('#console-chart').textContent(), POLL).toContain('请选择作图用的分类列和数值列');
    expect(await page.locator('#console-chart svg').count()).toBe(0);
    await editor.fill(cityQuery);

    // Saved in this browser, and shared by link.
    await page.locator('#console-saved summary').click();
    await page.getByLabel('名称').fill('各县改革指数');
    await page.getByRole('button', { name: '保存查询' }).click();
    await expect.poll(async () => page.locator('#console-saved-list li .saved-name').allTextContents(), POLL).toEqual(['各县改革指数']);
    await page.getByRole('button', { name: '复制分享链接' }).click();
    await expect.poll(async () => new URL(page.url()).searchParams.get('q'), POLL).toBeTruthy();
    const shared = new URL(page.url());
    // Saved queries stay in this browser: another tab sees them.
    const other = await context.newPage();
    await other.goto(`${app.url}/console`);
    await other.locator('#console-saved summary').click();
    await expect.poll(async () => other.locator('#console-saved-list li .saved-name').allTextContents(), POLL).toEqual(['各县改革指数']);
    // The link, opened by a colleague who is not signed in yet: sign in, then the query runs.
    const colleague = await signedIn(size, `${shared.pathname}${shared.search}`);
    expect(new URL(colleague.page.url()).searchParams.get('q')).toBe(shared.searchParams.get('q'));
    await expect.poll(async () => colleague.page.locator('#console-results tbody tr').count(), POLL).toBeGreaterThan(1);
    expect(await colleague.page.getByLabel('SQL 语句').inputValue()).toBe(await editor.inputValue());
    await expectNoSidewaysScroll(colleague.page);
    expect(colleague.problems).toEqual([]);
    await colleague.context.close();

    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('downloads the result as Excel, equal to the JSON rows', async () => {
    const { context, page } = await signedIn(size, '/console');
    const editor = page.getByLabel('SQL 语句');
    await editor.fill("SELECT unit_name, value FROM mart.indicator_values WHERE grain = 'county' AND indicator_id = 'reform_index' ORDER BY unit_code, period");
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/sql') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '执行' }).click();
    const json = (await (await answer).json()) as { rows: { unit_name: string; value: number }[] };
    const bytes = await download(page, 'Excel');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['unit_name', 'value']);
    expect(rows.slice(1)).toEqual(json.rows.map((r) => [r.unit_name, r.value]));
    await context.close();
  }, 120_000);

  it('shows the data dictionary page, filterable, without sideways scroll', async () => {
    const { context, page, problems } = await signedIn(size, '/dictionary');
    await expect.poll(async () => page.locator('[data-dictionary] details').count(), POLL).toBeGreaterThanOrEqual(12);
    await expectNoSidewaysScroll(page);
    const values = page.locator('#dict-indicator_values');
    expect(await values.locator('.dictionary-description').textContent()).toMatch(/[\u4e00-\u9fff]/);
    const rows = await values.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0])).toContain('grain');
    const grain = rows.find((r) => r[0] === 'grain')!;
    expect(grain[1]).toBe('VARCHAR');
    expect(grain[2]).toMatch(/口径/);
    expect(grain[3]).toMatch(/office|cluster|county|city/);
    // No cell squeezed to a character or two per line (narrower than two characters and wrapped).
    const narrow = await page.locator('[data-dictionary] td, [data-dictionary] th').evaluateAll((cells) =>
      cells
        .filter((c) => (c as HTMLElement).offsetParent !== null && (c.textContent ?? '').length >= 2)
        .filter((c) => {
          const box = c.getBoundingClientRect();
          const size = parseFloat(getComputedStyle(c).fontSize);
          return box.width < 2 * size && box.height > 2.5 * size;
        })
        .map((c) => c.textContent),
    );
    expect(narrow).toEqual([]);
    await page.getByLabel('筛选表或列').fill('培训');
    await expect.poll(async () => page.locator('[data-dictionary] details:not([hidden])').count(), POLL).toBeLessThan(12);
    expect(await page.locator('#dict-training_person_year').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, `dictionary-${size.name}.png`), fullPage: false });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
