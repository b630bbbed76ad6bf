// 数据质量 and 预检 in real Chromium as the 缙云 clerk (a county viewer, bearer token), at
// 1440×900 and 390×844: her open rows grouped by what to fix in Chinese (no raw reason codes),
// each with file, row number, masked values and message; paging past the first page (a file of
// 112 bad rows of hers: none lost); no page-level horizontal scroll; 预检 of a dropped file
// lists the rows it would reject. Screenshots go to artifacts/screenshots/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zh } from '../../dashboards/i18n/zh.ts';
import { PAGE_SIZE } from '../../dashboards/pages/quality-clerk.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { csvText, tempDir } from '../helpers/export-files.ts';
import { clerkWorld, ROUND_1, startClerkApp, type ClerkApp } from './world.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots');
const VIEWPORTS = [
  { name: '1440', width: 1440, height: 900 },
  { name: '390', width: 390, height: 844 },
] as const;
const MANY = 112;

let app: ClerkApp;
let browser: Browser;
let fixture: string;

beforeAll(async () => {
  const world = await clerkWorld();
  // 112 rows of 缙云 with a bad date in one file, beside the three of ROUND_1
  const many = csvText([
    ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'],
    ...Array.from({ length: MANY }, (_, i) => [`JYM-${i + 1}`, 'SFS331122002', '普法宣传', `2026-11-${31 + (i % 3)}`, '办理中']),
  ]);
  await world.refresh({ ...ROUND_1, 'cases_20261207.csv': many });
  app = await startClerkApp(world.config, { today: () => new Date('2026-12-20T04:00:00Z') });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = tempDir('clerk-browser-');
  fixture = path.join(dir, 'cases_20261219.csv');
  writeFileSync(fixture, csvText([
    ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'],
    ['P1', 'SFS331122001', '人民调解', '2026-12-01', '办理中'],
    ['P2', 'SFS331122001', '人民调解', '2026-12-32', '办理中'],
    ['P3', 'SFS331122001', '法律援助', '2026-12-01', '办理中'],
  ]));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function clerkPage(viewport: (typeof VIEWPORTS)[number]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${app.tokens.jinyun}` });
  return page;
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.each(VIEWPORTS)('as the 缙云 clerk at $width px', (viewport) => {
  it('数据质量 shows her open rows grouped by what to fix, pages through all of them', async () => {
    const page = await clerkPage(viewport);
    try {
      const response = await page.goto(`${app.url}/quality`);
      expect(response?.status()).toBe(200);
      const shown = page.locator('.clerk-shown');
      const total = 3 + 1 + MANY; // three case rows, the staff row, 112 bad dates
      expect(Number(await shown.getAttribute('data-total'))).toBe(total);
      await expect.poll(() => page.locator('#clerk .reject-card').count()).toBe(PAGE_SIZE);
      // grouped by reason and column, in Chinese; no raw reason code anywhere a person reads
      const headings = await page.locator('#clerk .clerk-group h3').allInnerTexts();
      expect(headings.some((h) => h.includes(zh.reasons.bad_date!) && h.includes('受理日期'))).toBe(true);
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/\b(bad_date|unknown_office|bad_enum|bad_id_number|missing_required)\b/);
      // each card: file, row number, message, values; her unattributed-count note
      const card = page.locator('#clerk .reject-card').first();
      expect(await card.locator('.reject-file').innerText()).toMatch(/^cases_2026120[57]\.csv$/);
      expect(await card.locator('.reject-row').innerText()).toMatch(/^第 \d+ 行$/);
      expect((await card.locator('.reject-message').innerText()).length).toBeGreaterThan(5);
      expect(await page.locator('.clerk-note').getAttribute('data-unattributed')).toBe('2');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `clerk-quality-${viewport.name}.png`), fullPage: true });

      // every page, none lost
      const seen = new Set<string>();
      for (let n = 1; ; n++) {
        for (const c of await page.locator('#clerk .reject-card').all()) seen.add(`${await c.getAttribute('data-file')}:${await c.getAttribute('data-row')}`);
        const next = page.locator('.clerk-pager a[rel=next]');
        if ((await next.count()) === 0) break;
        await next.click();
        await page.waitForURL(new RegExp(`page=${n + 1}`));
      }
      expect(seen.size).toBe(total);
      expect(seen.has(`cases_20261207.csv:${MANY + 1}`)).toBe(true);

      // the freshness table: her county, each kind with its newest export and days since
      // no training export yet: said so, not a date
      expect(await page.locator('#submissions .submission-cell').count()).toBe(2);
      expect(await page.locator('#submissions .submission-none').count()).toBe(1);
      expect(await page.locator('#submissions .submission-cell[data-source=cases] .submission-date').innerText()).toBe('2026-12-07');
      expect(await page.locator('#submissions .submission-cell[data-source=cases]').getAttribute('data-days')).toBe('13');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('预检 lists what a dropped file would have rejected', async () => {
    const page = await clerkPage(viewport);
    try {
      expect((await page.goto(`${app.url}/validate`))?.status()).toBe(200);
      await page.locator('[data-validate-input]').setInputFiles(fixture);
      await expect.poll(() => page.locator('[data-validate-status]').innerText(), { timeout: 60_000 }).toContain('会被拒收 2 行');
      const rows = await page.locator('.validate-row').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.row));
      expect(rows).toEqual(['3', '4']);
      const text = await page.locator('[data-validate-result]').innerText();
      expect(text).toContain(zh.reasons.bad_date!);
      expect(text).toContain(zh.reasons.bad_enum!);
      expect(text).not.toMatch(/\bbad_(date|enum)\b/);
      // the row's values under their Chinese headers, the bad one marked
      expect(await page.locator('.validate-row').first().locator('.validate-bad dt').innerText()).toBe('受理日期');
      expect(text).not.toContain('received_date');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `clerk-validate-${viewport.name}.png`), fullPage: true });

      // an unknown name: refused with the accepted names, in Chinese
      const other = path.join(path.dirname(fixture), '导出.csv');
      writeFileSync(other, 'a,b\r\n');
      await page.locator('[data-validate-input]').setInputFiles(other);
      await expect.poll(() => page.locator('[data-validate-status]').innerText()).toContain('可接受的文件名');
    } finally {
      await page.close();
    }
  }, 120_000);
});
