// The monthly report's ranking against the previous edition, on hand-made frozen rows whose
// answers are worked out here: three counties whose reform indices reorder between two
// editions (C climbs two places, A and B fall one each), 进步最快 / 需关注 from the change of
// index, and a county user's report that names no other county.
import { describe, expect, it } from 'vitest';
import { renderEditionReport } from '../../dashboards/pages/edition-report.ts';
import type { CatalogEntry, IndicatorValue } from '../../dashboards/queries/marts.ts';
import type { EditionManifest } from '../../pipelines/editions/store.ts';

const COUNTIES = { '331102': '莲都区', '331121': '青田县', '331122': '缙云县' } as const;

function manifest(edition: string): EditionManifest {
  return { edition, taken_at: `${edition}-28T00:00:00.000Z`, taken_by: 'schedule', run_id: 'r', as_of: `${edition}-27`, rows: 0, file: 'x', sha256: 'x' };
}

function row(indicator: string, grain: IndicatorValue['grain'], unit: string, value: number, target: number | null = null): IndicatorValue {
  return {
    indicator_id: indicator,
    period: '2025',
    grain,
    unit_code: unit,
    unit_name: grain === 'city' ? '丽水市' : COUNTIES[unit as keyof typeof COUNTIES],
    numerator: value * 10,
    denominator: 10,
    value,
    target,
    meets_target: target === null ? null : value >= target,
    as_of: '2025-11-27',
  };
}

function edition(index: Record<string, number>, coverage: Record<string, number>): IndicatorValue[] {
  return [
    ...Object.entries(index).map(([unit, v]) => row('reform_index', 'county', unit, v)),
    ...Object.entries(coverage).map(([unit, v]) => row('cluster_coverage', 'county', unit, v, 1)),
    row('reform_index', 'city', '3311', 0.8),
    row('cluster_coverage', 'city', '3311', 0.9, 1),
  ];
}

const catalog = [
  { indicator_id: 'cluster_coverage', name_zh: '片区覆盖率', is_targeted: true, target: 1, display_order: 1 },
  { indicator_id: 'reform_index', name_zh: '综合改革指数', is_targeted: false, target: null, display_order: 2 },
] as unknown as CatalogEntry[];

const previous = edition({ '331102': 0.9, '331121': 0.8, '331122': 0.7 }, { '331102': 1, '331121': 0.5, '331122': 0.5 });
const current = edition({ '331102': 0.85, '331121': 0.75, '331122': 0.95 }, { '331102': 1, '331121': 1, '331122': 0.5 });

function render(county: { code: string; name: string } | null): string {
  return renderEditionReport({
    manifest: manifest('2025-11'),
    rows: county ? current.filter((r) => r.grain === 'city' || r.unit_code === county.code) : current,
    previous: { manifest: manifest('2025-10'), rows: previous },
    revisions: [],
    catalog,
    county,
    issuingOffice: '丽水市司法局',
    forPdf: true,
    css: '',
  });
}

describe('the monthly report of an edition', () => {
  it('ranks the counties by reform index with the change of rank against the previous edition', () => {
    const page = render(null);
    const ranking = [...page.matchAll(/<tr data-county="(\d+)"><td class="er-num">(\d+)<\/td><th>[^<]+<\/th><td class="er-num">([\d.]+)<\/td><td>(?:<span class="er-(?:up|down)">)?([^<]+)/g)].map((m) => [m[1], Number(m[2]), m[3], m[4]]);
    expect(ranking).toEqual([
      ['331122', 1, '95.0', '↑2'],
      ['331102', 2, '85.0', '↓1'],
      ['331121', 3, '75.0', '↓1'],
    ]);
    expect(page).toContain('第 11 期');
    expect(page).toContain('丽水市司法所综合改革监测月报（2025年11月）');
    // 进步最快: only 缙云 rose (+25.0); 需关注: the two that fell
    expect(page).toContain('进步最快：缙云县（较上期上升 25.0）。');
    expect(page).toContain('需关注：莲都区（较上期下降 5.0）、青田县（较上期下降 5.0）。');
    // the summary: 0 of 1 targeted indicator met city-wide
    expect(page).toContain('1 项有目标值的指标中，0 项达到目标');
    expect(page).toContain('本期之前的月报均无修订。');
  });

  it('keeps equal ranks 持平, and without a previous edition says so', () => {
    const page = renderEditionReport({ manifest: manifest('2025-11'), rows: current, previous: { manifest: manifest('2025-10'), rows: current }, revisions: [], catalog, county: null, issuingOffice: '某司法局', forPdf: true, css: '' });
    expect([...page.matchAll(/<td>持平<\/td>/g)]).toHaveLength(3);
    expect(page).toContain('某司法局');
    expect(page).toContain('与上期相比，各县改革指数均未上升。');
    const first = renderEditionReport({ manifest: manifest('2025-11'), rows: current, previous: null, revisions: [], catalog, county: null, issuingOffice: '丽水市司法局', forPdf: true, css: '' });
    expect([...first.matchAll(/—（无上期）/g)].length).toBeGreaterThanOrEqual(3);
  });

  it("a county user's report is their county against the city, naming no other county", () => {
    const page = render({ code: '331121', name: '青田县' });
    expect(page).toContain('青田县');
    expect(page).not.toContain('莲都区');
    expect(page).not.toContain('缙云县');
    expect(page).not.toContain('id="edition-ranking"');
    expect(page).toContain('青田县 1 项有目标值的指标中，1 项达到目标（全市 0 项）。');
  });
});
