// The edition report's layout at the city's real size (all 9 counties, the server tests'
// fixture warehouse): the PDF printed by real Chromium keeps every county column of the
// indicator table inside the A4 text block, numbers its pages, leaves no page half empty but
// the last; every page is kept as a PNG in artifacts/report-pages/ (city-*.png).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../pipelines/config.ts';
import { editionsDirFor, takeEdition } from '../../pipelines/editions/store.ts';
import { publishedRunIdOf } from '../../pipelines/run/history.ts';
import { dataDirWith } from '../refresh/harness.ts';
import { buildFixtureWarehouse } from '../server/fixture-warehouse.ts';
import { startEditionServer, type EditionServer } from './world.ts';
import { shortCountyName } from '../../dashboards/pages/edition-report.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/report-pages');
let config: Config;
let server: EditionServer;

beforeAll(async () => {
  ({ config } = await dataDirWith({ editionScheduleEnabled: false }));
  await buildFixtureWarehouse(config.warehouseFile);
  await takeEdition({ dir: editionsDirFor(config.dataDir), warehouseFile: config.warehouseFile, edition: '2025-06', takenBy: 'schedule', now: new Date('2025-07-01T00:00:00Z'), runIdOf: publishedRunIdOf });
  server = await startEditionServer(config, () => new Date('2025-07-04T02:00:00Z'));
});

afterAll(async () => {
  await server?.close();
  if (config) rmSync(config.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('the edition report of the whole city, printed', () => {
  it('fits the 9 counties on A4 and leaves no half-empty page', async () => {
    const answer = await server.get('/report.pdf?edition=2025-06');
    expect(answer.status).toBe(200);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const name of readdirSync(ARTIFACTS).filter((n) => n.startsWith('city-'))) rmSync(path.join(ARTIFACTS, name));
    const pdf = path.join(ARTIFACTS, 'city-2025-06.pdf');
    writeFileSync(pdf, answer.body);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('丽水市司法所综合改革监测月报（2025年6月）');
    expect(text).toContain('2025年第6期');
    const counties = JSON.parse((await server.get('/api/indicators?edition=2025-06&grain=county&indicator=reform_index&period=2025')).body.toString('utf8')) as { rows: { unit_name: string }[] };
    expect(counties.rows).toHaveLength(9);
    for (const c of counties.rows) expect(text, c.unit_name).toContain(shortCountyName(c.unit_name));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    for (let page = 1; page <= pages; page++) expect(text).toContain(`第${page}页/共${pages}页`);
    execFileSync('pdftoppm', ['-r', '40', '-png', pdf, path.join(ARTIFACTS, 'city-page')]);
    expect(readdirSync(ARTIFACTS).filter((n) => n.startsWith('city-page'))).toHaveLength(pages);
    // nothing printed right of the text block (26 mm right margin): the county columns fit
    execFileSync('pdftoppm', ['-r', '20', '-gray', pdf, path.join(ARTIFACTS, 'city-gray')]);
    const grays = readdirSync(ARTIFACTS).filter((n) => n.startsWith('city-gray')).sort();
    for (const [i, name] of grays.entries()) {
      const ink = inkBox(readFileSync(path.join(ARTIFACTS, name)));
      expect(ink.right, name).toBeLessThanOrEqual(1 - 26 / 210 + 0.01);
      if (i < grays.length - 1) expect(ink.fill, name).toBeGreaterThan(0.5);
      rmSync(path.join(ARTIFACTS, name));
    }
  });
});

/** From a binary PGM (P5) of an A4 page: how far right ink goes (0..1 of the width), and how far down the text block (37 mm to 262 mm). */
function inkBox(pgm: Buffer): { right: number; fill: number } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
  const width = Number(header[1]);
  const height = Number(header[2]);
  const data = pgm.subarray(header[0].length);
  const top = Math.floor((37 / 297) * height);
  const bottom = Math.floor(((297 - 35) / 297) * height);
  let right = 0;
  let lowest = top;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! < 200) {
        right = Math.max(right, x);
        if (y >= top && y < bottom) lowest = Math.max(lowest, y);
      }
    }
  }
  return { right: (right + 1) / width, fill: (lowest - top) / (bottom - top) };
}
