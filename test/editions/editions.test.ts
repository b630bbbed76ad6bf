// Monthly editions end to end, on real parts: the refresh and rollback commands as child
// processes, the published DuckDB warehouse, the real app on a port, real Chromium for the PDF.
// An edition is taken; a later export corrects one case and one staff row; the edition's
// answers stay byte for byte, the live ones change, and GET /api/revisions lists exactly the
// figures that changed (worked out here from the live answers before and after) with the files;
// the edition's report shows them in 修订说明 (HTML and PDF, every PDF page kept as a PNG);
// `--rebuild` and `npm run rollback` leave editions and revisions as they were. A county user
// gets their county's rows only. The server's clock is fixed (4 December 2025).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { editionsDirFor } from '../../pipelines/editions/store.ts';
import { acquireRefreshLock } from '../../pipelines/run/lock.ts';
import type { Config } from '../../pipelines/config.ts';
import { dataDirWith, putInInbox, runCommand } from '../refresh/harness.ts';
import { COUNTY, correctionExports, demoExports, folderFingerprint, startEditionServer, type Correction, type EditionServer } from './world.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/report-pages');
const SCREENS = path.resolve(import.meta.dirname, '../../artifacts/editions');
const NOW = new Date('2025-12-04T02:00:00Z');
/** The server's clock; a test may move it. */
let clock = NOW;

interface Row {
  indicator_id: string;
  period: string;
  grain: string;
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  value: number;
}
interface RevisionRow extends Omit<Row, 'numerator' | 'denominator' | 'value' | 'unit_name'> {
  edition: string;
  county_code: string | null;
  old_numerator: number | null;
  old_denominator: number | null;
  old_value: number | null;
  new_numerator: number | null;
  new_denominator: number | null;
  new_value: number | null;
  run_id: string;
  files: string[];
}

let config: Config;
let server: EditionServer;
let correction: Correction;
let editionsDir: string;
const saved: Record<string, Buffer> = {};
let liveBefore: Row[];
let countyLiveBefore: Row[];
let revisions: RevisionRow[];

const key = (r: Pick<Row, 'indicator_id' | 'period' | 'grain' | 'unit_code'>) => `${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`;
const rowsOf = (body: Buffer) => (JSON.parse(body.toString('utf8')) as { rows: Row[] }).rows;

async function ok(pathAndQuery: string, who: 'admin' | 'viewer' | 'county' = 'viewer', headers: Record<string, string> = {}): Promise<Buffer> {
  const answer = await server.get(pathAndQuery, who, headers);
  if (answer.status !== 200) throw new Error(`${pathAndQuery}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
  return answer.body;
}

/** Waits until the server has opened a warehouse newer than generation `before`. */
async function newGeneration(before: number | null): Promise<void> {
  const until = Date.now() + 30_000;
  while (server.warehouse.generation === before) {
    if (Date.now() > until) throw new Error('the server did not open the new warehouse');
    await server.warehouse.reload();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function refresh(args: string[] = []): Promise<void> {
  const before = server.warehouse.generation;
  const run = await runCommand('pipelines/cli/refresh.ts', args, config.dataDir);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  await newGeneration(before);
}

const EDITION_ANSWERS = ['/api/indicators?edition=2025-11', '/api/indicators?edition=2025-11&format=csv', '/api/indicators?edition=2025-11&grain=county&indicator=reform_index'];

beforeAll(async () => {
  ({ config } = await dataDirWith({ editionScheduleEnabled: false }));
  editionsDir = editionsDirFor(config.dataDir);
  const demo = await demoExports();
  correction = await correctionExports(demo);
  putInInbox(config, demo);
  const first = await runCommand('pipelines/cli/refresh.ts', [], config.dataDir);
  expect(first.code, first.stderr).toBe(0);
  server = await startEditionServer(config, () => clock);
});

afterAll(async () => {
  await server?.close();
  if (config) rmSync(config.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('monthly editions', () => {
  it('an admin takes the edition once; it is listed, kept owner-only, and refused a second time', async () => {
    expect((await server.post('/api/editions', { edition: '2025-11' }, 'viewer')).status).toBe(403);
    const bad = await server.post('/api/editions', { edition: '2025-13' });
    expect(bad.status).toBe(400);
    const taken = await server.post('/api/editions', { edition: '2025-11' });
    expect(taken.status, JSON.stringify(taken.json)).toBe(201);
    const health = JSON.parse((await ok('/api/health')).toString('utf8')) as { warehouse: { as_of: string; last_run: { run_id: string } } };
    expect(taken.json).toMatchObject({ edition: '2025-11', run_id: health.warehouse.last_run.run_id, as_of: health.warehouse.as_of, taken_by: 'chief', taken_at: NOW.toISOString() });
    // while a refresh holds the lock, no edition is taken
    const lock = await acquireRefreshLock(config.warehouseFile, { trigger: 'cli' });
    try {
      const busy = await server.post('/api/editions', { edition: '2025-10' });
      expect(busy.status).toBe(409);
      expect(busy.json).toMatchObject({ error: { code: 'refresh_running' } });
    } finally {
      await lock.release();
    }
    expect(existsSync(path.join(editionsDir, '2025-10.json'))).toBe(false);
    const again = await server.post('/api/editions', { edition: '2025-11' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'edition_exists' } });
    const list = JSON.parse((await ok('/api/editions')).toString('utf8')) as { edition: string }[];
    expect(list.map((e) => e.edition)).toEqual(['2025-11']);
    for (const name of readdirSync(editionsDir)) expect(statSync(path.join(editionsDir, name)).mode & 0o777, name).toBe(0o600);
  });

  it('answers from the frozen rows: at first the live answer, in JSON, CSV and Arrow; unknown editions are 404', async () => {
    const edition = await ok('/api/indicators?edition=2025-11');
    const live = await ok('/api/indicators');
    expect(edition.equals(live)).toBe(true);
    liveBefore = rowsOf(live);
    expect(liveBefore.length).toBeGreaterThan(100);
    for (const q of EDITION_ANSWERS) saved[q] = await ok(q);
    saved.arrow = await ok('/api/indicators?edition=2025-11', 'viewer', { accept: 'application/vnd.apache.arrow.stream' });
    expect(tableFromIPC(saved.arrow).numRows).toBe(liveBefore.length);
    expect(saved['/api/indicators?edition=2025-11&format=csv']!.toString('utf8')).toContain('indicator_id,period,grain,unit_code');
    expect((await server.get('/api/indicators?edition=2024-01')).status).toBe(404);
    expect((await server.get('/api/indicators?edition=2024-1')).status).toBe(400);
  });

  it('a county user gets their county (and the city) only, as from the live warehouse', async () => {
    const county = rowsOf(await ok('/api/indicators?edition=2025-11', 'county'));
    countyLiveBefore = rowsOf(await ok('/api/indicators', 'county'));
    expect(county).toEqual(countyLiveBefore);
    expect(county.length).toBeLessThan(liveBefore.length);
    for (const row of county) expect(row.grain === 'city' || row.unit_code.includes(COUNTY), key(row)).toBe(true);
    expect(county.some((r) => r.grain === 'office')).toBe(true);
    // the same rows in CSV and Arrow
    const csv = (await ok('/api/indicators?edition=2025-11&format=csv', 'county')).toString('utf8').trim().split(/\r?\n/);
    expect(csv.length - 1).toBe(county.length);
    expect(tableFromIPC(await ok('/api/indicators?edition=2025-11', 'county', { accept: 'application/vnd.apache.arrow.stream' })).numRows).toBe(county.length);
  });

  it('a later export that corrects a case and a staff row: the edition stays byte for byte, GET /api/revisions lists exactly what changed', async () => {
    const parquetBefore = folderFingerprint(editionsDir);
    putInInbox(config, correction.files);
    await refresh();
    for (const q of EDITION_ANSWERS) expect((await ok(q)).equals(saved[q]!), q).toBe(true);
    expect((await ok('/api/indicators?edition=2025-11', 'viewer', { accept: 'application/vnd.apache.arrow.stream' })).equals(saved.arrow!)).toBe(true);
    const parquetAfter = folderFingerprint(editionsDir);
    for (const [name, hash] of Object.entries(parquetBefore)) expect(parquetAfter[name], name).toBe(hash);

    const liveAfter = rowsOf(await ok('/api/indicators'));
    const before = new Map(liveBefore.map((r) => [key(r), r]));
    const after = new Map(liveAfter.map((r) => [key(r), r]));
    const moved = (a: Row | undefined, b: Row | undefined) =>
      !a || !b || Math.abs(a.numerator - b.numerator) > 1e-9 || Math.abs(a.denominator - b.denominator) > 1e-9 || Math.abs(a.value - b.value) > 1e-9;
    const expected = [...new Set([...before.keys(), ...after.keys()])].filter((k) => moved(before.get(k), after.get(k))).sort();
    expect(expected.some((k) => k.startsWith('mediation_success_rate|'))).toBe(true);
    expect(expected.some((k) => k.startsWith('public_lawyer_coverage|'))).toBe(true);

    revisions = JSON.parse((await ok('/api/revisions?edition=2025-11')).toString('utf8')) as RevisionRow[];
    expect(revisions.map(key).sort()).toEqual(expected);
    const runId = (JSON.parse((await ok('/api/health')).toString('utf8')) as { warehouse: { last_run: { run_id: string } } }).warehouse.last_run.run_id;
    for (const r of revisions) {
      const was = before.get(key(r));
      const now = after.get(key(r));
      expect([r.old_numerator, r.old_denominator, r.old_value], key(r)).toEqual(was ? [was.numerator, was.denominator, was.value] : [null, null, null]);
      expect([r.new_numerator, r.new_denominator, r.new_value], key(r)).toEqual(now ? [now.numerator, now.denominator, now.value] : [null, null, null]);
      expect(r.edition).toBe('2025-11');
      expect(r.run_id).toBe(runId);
      expect([...r.files].sort()).toEqual(['cases_20251203.csv', 'offices_20251203.csv', 'staff_20251203.csv']);
    }

    // a county user: the revisions of their county's units, no other
    const county = JSON.parse((await ok('/api/revisions?edition=2025-11', 'county')).toString('utf8')) as RevisionRow[];
    const countyUnits = new Set(countyLiveBefore.filter((r) => r.grain !== 'city').map(key));
    expect(county.map(key).sort()).toEqual(revisions.map(key).filter((k) => countyUnits.has(k)).sort());
  });

  it('pages: the edition picker, which figures a page shows, a badge on each live figure that differs from the last edition', async () => {
    const revised = new Set(revisions.map(key));
    const figuresOn = (page: string) =>
      [...page.matchAll(/data-indicator="([^"]*)" data-period="([^"]*)" data-grain="([^"]*)" data-unit="([^"]*)" data-value="([^"]*)"( data-edition-differs="[^"]*")?/g)].map((m) => ({
        key: `${m[1]}|${m[2]}|${m[3]}|${m[4]}`,
        value: Number(m[5]),
        badge: m[6] !== undefined,
      }));
    const live = (await ok('/?year=2025')).toString('utf8');
    expect(live).toContain('data-shown="live"');
    expect(live).toContain('<a href="/report?edition=2025-11">最新月报（第 11 期）</a>');
    expect(live).toMatch(/<select name="edition"[^>]*>[\s\S]*<option value="2025-11">2025年11月（第 11 期）<\/option>/);
    const shown = figuresOn(live);
    for (const f of shown) expect(f.badge, f.key).toBe(revised.has(f.key));
    // a county page shows every indicator: the revised ones carry the badge, no other
    const county = revisions.find((r) => r.grain === 'county')!;
    const countyPage = (await ok(`/county/${county.unit_code}?year=2025`)).toString('utf8');
    const countyFigures = figuresOn(countyPage);
    expect(countyFigures.filter((f) => f.badge).length).toBeGreaterThan(0);
    for (const f of countyFigures) expect(f.badge, f.key).toBe(revised.has(f.key));
    expect(countyPage).toContain('与第 11 期月报不同');

    const frozen = new Map(liveBefore.map((r) => [key(r), r.value]));
    const edition = (await ok('/?year=2025&edition=2025-11')).toString('utf8');
    expect(edition).toContain('data-shown="2025-11"');
    expect(edition).toContain('2025年11月月报（冻结数据）');
    // the as-of date of the edition's figures (the November snapshot), not the live one (December's)
    expect(edition).toMatch(/<p class="as-of">数据截至 2025年11月30日<\/p>/);
    expect(live).toMatch(/<p class="as-of">数据截至 2025年12月3日<\/p>/);
    const editionFigures = figuresOn(edition);
    expect(editionFigures.length).toBe(shown.length);
    for (const f of editionFigures) {
      expect(f.badge).toBe(false);
      expect(f.value, f.key).toBe(frozen.get(f.key));
    }
    expect((await server.get('/?edition=2025-10')).status).toBe(404);
  });

  it('in Chromium: the picker switches 总览 to the edition, the badge is drawn beside a revised figure (screenshots kept)', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, extraHTTPHeaders: { authorization: `Bearer ${server.tokens.viewer}` } });
      const page = await context.newPage();
      await page.goto(`${server.url}/?year=2025`);
      expect(await page.locator('.edition-shown').getAttribute('data-shown')).toBe('live');
      await page.selectOption('select[name="edition"]', '2025-11');
      await Promise.all([page.waitForURL(/edition=2025-11/), page.locator('.edition-picker button[type="submit"]').click()]);
      expect(await page.locator('.edition-shown').getAttribute('data-shown')).toBe('2025-11');
      expect(await page.locator('select[name="edition"]').inputValue()).toBe('2025-11');
      mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENS, 'overview-edition-2025-11.png'), fullPage: false });

      const county = revisions.find((r) => r.grain === 'county')!;
      await page.goto(`${server.url}/county/${county.unit_code}?year=2025`);
      const badge = page.locator('[data-edition-differs]').first();
      await badge.scrollIntoViewIfNeeded();
      expect(await badge.evaluate((el) => getComputedStyle(el, '::after').content)).toBe('"与第 11 期月报不同"');
      await page.screenshot({ path: path.join(SCREENS, 'county-badge.png'), fullPage: false });
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('charts: the month not over is drawn as partial (截至…), from the server clock', async () => {
    try {
      clock = new Date('2025-11-20T04:00:00Z');
      const during = (await ok('/cases?year=2025')).toString('utf8');
      expect(during).toContain('截至11月20日');
      expect(during).toContain('本月尚未结束');
      clock = NOW;
      const after = (await ok('/cases?year=2025')).toString('utf8');
      expect(after).not.toContain('截至11月');
    } finally {
      clock = NOW;
    }
  });

  it('the edition report shows the title, the issue number, the ranking and the revisions in 修订说明; the live report is marked 非正式', async () => {
    const page = (await ok('/report?edition=2025-11')).toString('utf8');
    expect(page).toContain('丽水市司法所综合改革监测月报（2025年11月）');
    expect(page).toContain('2025年第 11 期');
    expect(page).toContain('丽水市司法局');
    expect(page).toContain('id="edition-ranking"');
    expect(page).toContain('修订说明');
    const revisionRows = [...page.matchAll(/<tr data-indicator="([^"]+)" data-unit="([^"]+)" data-edition="2025-11">/g)].map((m) => `${m[1]}|${m[2]}`);
    expect(revisionRows.sort()).toEqual(revisions.map((r) => `${r.indicator_id}|${r.unit_code}`).sort());
    expect(page).toContain('cases_20251203.csv');
    expect(page).not.toContain('非正式');
    expect((await ok('/report')).toString('utf8')).toContain('非正式');

    const county = (await ok('/report?edition=2025-11', 'county')).toString('utf8');
    expect(county).toContain('莲都区');
    for (const other of ['青田县', '缙云县', '遂昌县', '松阳县', '云和县', '庆元县', '景宁畲族自治县', '龙泉市']) expect(county, other).not.toContain(other);
    expect(county).not.toContain('id="edition-ranking"');
  });

  it('the PDF (real Chromium): pdftotext finds title, issue number, ranking and 修订说明; every page kept as a PNG, none half empty but the last', async () => {
    const pdf = await ok('/report.pdf?edition=2025-11');
    rmSync(ARTIFACTS, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdfFile = path.join(ARTIFACTS, 'edition-2025-11.pdf');
    writeFileSync(pdfFile, pdf);
    // the 22 pt title wraps within the 156 mm text block: compare without white space
    const text = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('丽水市司法所综合改革监测月报（2025年11月）');
    expect(text).toContain('2025年第11期');
    expect(text).toContain('丽水市司法局');
    expect(text).toContain('改革指数排名');
    const ranking = [...(await ok('/report?edition=2025-11')).toString('utf8').matchAll(/<tr data-county="\d+"><td class="er-num">(\d+)<\/td><th>([^<]+)<\/th>/g)].map((m) => `${m[1]}${m[2]}`);
    expect(ranking.length).toBeGreaterThan(1);
    for (const line of ranking) expect(text, line).toContain(line);
    expect(text).toContain('修订说明');
    expect(text).toContain('cases_20251203.csv');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page <= pages; page++) expect(text).toContain(`第${page}页/共${pages}页`);
    execFileSync('pdftoppm', ['-r', '40', '-png', pdfFile, path.join(ARTIFACTS, 'page')]);
    expect(readdirSync(ARTIFACTS).filter((n) => n.endsWith('.png'))).toHaveLength(pages);
    // the lowest ink of every page but the last reaches past half of the text block
    execFileSync('pdftoppm', ['-r', '20', '-gray', pdfFile, path.join(ARTIFACTS, 'gray')]);
    const grays = readdirSync(ARTIFACTS).filter((n) => n.startsWith('gray')).sort();
    for (const name of grays.slice(0, -1)) {
      const fill = textBlockFill(readFileSync(path.join(ARTIFACTS, name)));
      expect(fill, name).toBeGreaterThan(0.5);
    }
    for (const name of grays) rmSync(path.join(ARTIFACTS, name));
  });

  it("the next edition's report: the change of rank against the previous edition, and 修订说明 listing the earlier edition's revisions", async () => {
    expect((await server.post('/api/editions', { edition: '2025-12' })).status).toBe(201);
    const ranks = async (edition: string) => {
      const rows = rowsOf(await ok(`/api/indicators?edition=${edition}&grain=county&indicator=reform_index&period=2025`));
      const sorted = [...rows].sort((a, b) => b.value - a.value || a.unit_code.localeCompare(b.unit_code));
      return new Map(sorted.map((r, i) => [r.unit_code, i + 1]));
    };
    const before = await ranks('2025-11');
    const now = await ranks('2025-12');
    const page = (await ok('/report?edition=2025-12')).toString('utf8');
    expect(page).toContain('2025年第 12 期');
    const shown = [...page.matchAll(/<tr data-county="(\d+)"><td class="er-num">(\d+)<\/td><th>[^<]+<\/th><td class="er-num">[\d.]+<\/td><td>(?:<span class="er-(?:up|down)">)?([^<]+)/g)];
    expect(shown.length).toBe(now.size);
    for (const [, code, rank, change] of shown) {
      const delta = before.get(code!)! - now.get(code!)!;
      expect(Number(rank), code).toBe(now.get(code!));
      expect(change, code).toBe(delta === 0 ? '持平' : delta > 0 ? `↑${delta}` : `↓${-delta}`);
    }
    const listed = [...page.matchAll(/<tr data-indicator="([^"]+)" data-unit="([^"]+)" data-edition="2025-11">/g)].map((m) => `${m[1]}|${m[2]}`);
    expect(page).toContain('第 11 期（2025-11）于');
    expect(listed.sort()).toEqual(revisions.map((r) => `${r.indicator_id}|${r.unit_code}`).sort());
  });

  it('--rebuild and npm run rollback leave the editions and the revisions intact', async () => {
    const fingerprint = folderFingerprint(editionsDir);
    expect(Object.keys(fingerprint)).toContain('revisions.jsonl');
    const revisionsBody = await ok('/api/revisions?edition=2025-11');
    await refresh(['--rebuild']);
    expect(JSON.parse((await ok('/api/revisions?edition=2025-11')).toString('utf8'))).toEqual(JSON.parse(revisionsBody.toString('utf8')));
    expect(folderFingerprint(editionsDir)).toEqual(fingerprint);
    for (const q of EDITION_ANSWERS) expect((await ok(q)).equals(saved[q]!), q).toBe(true);
    const before = server.warehouse.generation;
    const rollback = await runCommand('pipelines/cli/rollback.ts', [], config.dataDir);
    expect(rollback.code, rollback.stderr).toBe(0);
    await newGeneration(before);
    expect(folderFingerprint(editionsDir)).toEqual(fingerprint);
    for (const q of EDITION_ANSWERS) expect((await ok(q)).equals(saved[q]!), q).toBe(true);
    expect((await ok('/api/revisions?edition=2025-11')).equals(revisionsBody)).toBe(true);
  });
});

/**
 * How far down the GB/T 9704 text block (top 37 mm to bottom 35 mm of 297 mm) a page's lowest
 * ink reaches, 0..1, from a binary PGM (P5) of the page.
 */
function textBlockFill(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
  const width = Number(header[1]);
  const height = Number(header[2]);
  const data = pgm.subarray(header[0].length);
  const top = Math.floor((37 / 297) * height);
  const bottom = Math.floor(((297 - 35) / 297) * height);
  let lowest = top;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! < 200) {
        lowest = y;
        break;
      }
    }
  }
  return (lowest - top) / (bottom - top);
}
