// The console in real Chromium: log in through the form, run a query with Ctrl+Enter, see the
// table, the chart and the schema; a refused statement shows its message; Cancel interrupts a
// long query; the CSV export downloads. No console error, no failed request, no CSP violation.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { makeWorld, startWorldApp, type World, type WorldApp } from './world.ts';

// Polls wait generously: the machine may be busy with other tests (no speed is asserted here).
const POLL = { timeout: 30_000, interval: 100 };
const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/access');

let world: World;
let app: WorldApp;
let browser: Browser;
let password: string;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  app = await startWorldApp(world, { console: { timeoutMs: 30_000 } });
  await app.auth.users.add({ name: 'ana', role: 'analyst' });
  // A chosen password (the one-time password's first sign-in is accounts-browser.test.ts).
  password = 'Console-Passw0rd';
  await app.auth.users.changePassword('ana', password);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--no-first-run', '--disable-component-update', '--disable-sync'] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await world?.cleanup();
});

describe('the SQL console page', () => {
  it('logs in, runs, refuses, cancels and exports', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The refused (400) and cancelled (409) queries are answers the page expects and shows.
      const expected = m.location().url.endsWith('/api/sql') && /status of (400|409)/.test(m.text());
      if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('requestfailed', (r) => {
      // the cancelled query's own request is aborted on purpose
      if (!r.url().endsWith('/api/sql')) problems.push(`request: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });

    await page.goto(`${app.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('用户名').fill('ana');
    await page.getByLabel('密码或 API 令牌').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.url}/console`);
    await expect.poll(async () => page.locator('#console-schema-list details').count(), POLL).toBeGreaterThan(5);
    // The limits (GET /api/sql/schema) and the dictionary (GET /api/dictionary) load independently.
    await expect.poll(async () => page.locator('#console-intro').textContent(), POLL).toMatch(/10,000 行/);

    const editor = page.getByLabel('SQL 语句');
    await editor.fill("SELECT unit_name, value FROM mart.indicator_values WHERE grain = 'county' AND indicator_id = 'reform_index' ORDER BY value DESC");
    await editor.press('Control+Enter');
    await expect.poll(async () => page.locator('#console-results tbody tr').count(), POLL).toBeGreaterThan(1);
    expect(await page.locator('#console-status').textContent()).toMatch(/^共 \d+ 行/);
    expect(await page.locator('#console-chart svg').count()).toBeGreaterThan(0);
    // Two years per county: dots, not stacked bars.
    expect(await page.locator('#console-chart').textContent()).toContain('点图');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console.png'), fullPage: false });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV' }).click();
    const file = await (await download).path();
    expect(readFileSync(file, 'utf8')).toMatch(/^\uFEFFunit_name,value\r\n/);

    await editor.fill('DROP TABLE mart.units');
    await page.getByRole('button', { name: '执行' }).click();
    await expect.poll(async () => page.locator('#console-status').textContent(), POLL).toMatch(/已拒绝/);
    expect(await page.locator('#console-status').getAttribute('class')).toContain('error');

    await editor.fill('SELECT sum(hash(a.range * b.range)) FROM range(1000000) AS a, range(1000000) AS b');
    await editor.press('Control+Enter');
    await expect.poll(async () => page.getByRole('button', { name: '取消' }).isEnabled(), POLL).toBe(true);
    await page.getByRole('button', { name: '取消' }).click();
    await expect.poll(async () => page.locator('#console-status').textContent(), POLL).toMatch(/查询已取消/);
    await expect.poll(async () => page.getByRole('button', { name: '执行' }).isEnabled(), POLL).toBe(true);

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
