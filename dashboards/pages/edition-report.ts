// The monthly report of an edition (/report?edition=YYYY-MM and its PDF), from frozen figures,
// laid out as a bureau issues it (edition-report.css): masthead with the issuing office and
// 第 N 期, title with the month, as-of date, then
//   一 总体情况      sentences: indicators meeting target, counties that lead and lag
//   二 排名          counties by reform index, with the change of rank against the previous edition
//   三 进步最快/需关注
//   四 各项指标      every indicator per county against its target
//   五 修订说明      revisions of this and earlier editions, with the files that caused them
// A county user's report is their county against the city (no other county is named).
// The figures are those of the year of the edition's month (else the edition's latest year).
import { formatDate, formatIndicator, formatNumber } from '../format.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { zhEditions } from '../i18n/zh-editions.ts';
import { FAVICON } from '../layout.ts';
import type { CatalogEntry, IndicatorValue } from '../queries/marts.ts';
import type { EditionManifest } from '../../pipelines/editions/store.ts';
import type { Revision } from '../../pipelines/editions/revisions.ts';

export interface EditionReportInput {
  manifest: EditionManifest;
  /** The edition's rows the reader may see. */
  rows: IndicatorValue[];
  /** The latest edition before this one, if any (its rows, same scope). */
  previous: { manifest: EditionManifest; rows: IndicatorValue[] } | null;
  /** Revisions of this edition and earlier ones that the reader may see. */
  revisions: Revision[];
  catalog: CatalogEntry[];
  /** A county user's county: the report is that county against the city. */
  county: { code: string; name: string } | null;
  issuingOffice: string;
  forPdf: boolean;
  css: string;
}

const EPS = 1e-9;

/** 第 N 期: the month of the edition (a missed month does not renumber the later ones). */
export function issueNumber(edition: string): number {
  return Number(edition.slice(5, 7));
}

/** 莲都区 → 莲都, 景宁畲族自治县 → 景宁: the short names that fit a table header. */
export function shortCountyName(name: string): string {
  return name.replace(/(畲族自治县|自治县|区|市|县)$/, '');
}

interface CountyScore {
  code: string;
  name: string;
  index: number;
  met: number;
  rank: number;
}

function rankCounties(rows: IndicatorValue[], year: string, targeted: Set<string>): CountyScore[] {
  const counties = rows.filter((r) => r.grain === 'county' && r.period === year && r.indicator_id === 'reform_index');
  const sorted = [...counties].sort((a, b) => b.value - a.value || a.unit_code.localeCompare(b.unit_code));
  // equal indices share a rank (1, 2, 2, 4)
  const out: CountyScore[] = [];
  sorted.forEach((r, i) => {
    const previous = out[i - 1];
    const rank = previous && Math.abs(previous.index - r.value) <= EPS ? previous.rank : i + 1;
    const met = rows.filter((x) => x.grain === 'county' && x.period === year && x.unit_code === r.unit_code && targeted.has(x.indicator_id) && x.meets_target === true).length;
    out.push({ code: r.unit_code, name: r.unit_name, index: r.value, met, rank });
  });
  return out;
}

function reportYear(edition: string, rows: IndicatorValue[]): string {
  const year = edition.slice(0, 4);
  const years = [...new Set(rows.map((r) => r.period))].sort();
  return years.includes(year) ? year : (years.at(-1) ?? year);
}

function rankChange(now: number, before: number | undefined): SafeHtml {
  if (before === undefined) return html`${zhEditions.noPrevious}`;
  if (before === now) return html`${zhEditions.unchanged}`;
  return before > now ? html`<span class="er-up">${zhEditions.up(before - now)}</span>` : html`<span class="er-down">${zhEditions.down(now - before)}</span>`;
}

/** A value in the indicator table: percent without its sign (the caption says so), the index as a score. */
function bare(indicatorId: string, value: number): string {
  return indicatorId === 'reform_index' ? formatIndicator(indicatorId, value) : (value * 100).toFixed(1);
}

function valueCell(row: IndicatorValue | undefined): SafeHtml {
  if (!row) return html`<td class="er-num">—</td>`;
  const miss = row.meets_target === false;
  return html`<td class="er-num${miss ? ' er-miss' : ''}">${bare(row.indicator_id, row.value)}</td>`;
}

function targetCell(entry: CatalogEntry): SafeHtml {
  return html`<td class="er-num">${entry.target === null ? '—' : bare(entry.indicator_id, entry.target)}</td>`;
}


function figureHtml(indicatorId: string, numerator: number | null, denominator: number | null, value: number | null, missing: string): SafeHtml {
  if (value === null) return html`${missing}`;
  return html`${formatIndicator(indicatorId, value)}<br><span class="er-ratio">${formatNumber(numerator)}/${formatNumber(denominator)}</span>`;
}

/**
 * 修订说明: grouped by edition and by the publish that revised it, each group saying which files
 * caused it, then one row per revised figure (old, as issued; new, after the publish).
 */
function revisionsSection(heading: string, input: EditionReportInput, names: Map<string, string>): SafeHtml {
  const revisions = [...input.revisions].sort((a, b) => a.edition.localeCompare(b.edition) || a.run_id.localeCompare(b.run_id) || a.indicator_id.localeCompare(b.indicator_id) || a.unit_code.localeCompare(b.unit_code));
  if (revisions.length === 0) return html`<h2>${heading}</h2><p class="er-text">${zhEditions.noRevisions}</p>`;
  const groups = new Map<string, Revision[]>();
  for (const r of revisions) {
    const key = `${r.edition}|${r.run_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return html`<h2>${heading}</h2>
  <p class="er-note">${zhEditions.revisionsIntro}</p>
  ${[...groups.values()].map((group) => {
    const first = group[0]!;
    return html`<p class="er-cause">${zhEditions.revisionCause(zhEditions.issueShort(issueNumber(first.edition)), first.edition, formatDate(first.recorded_at.slice(0, 10)), first.files.join('、') || '—')}</p>
  <table class="er-table er-revisions" data-edition="${first.edition}" data-run="${first.run_id}">
    <thead><tr><th>${zhEditions.columns.indicator}</th><th>${zhEditions.columns.unit}</th><th>${zhEditions.columns.period}</th><th>${zhEditions.columns.oldValue}</th><th>${zhEditions.columns.newValue}</th></tr></thead>
    <tbody>${group.map(
      (r) => html`<tr data-indicator="${r.indicator_id}" data-unit="${r.unit_code}" data-edition="${r.edition}">
        <th>${names.get(r.indicator_id) ?? r.indicator_id}</th>
        <td>${r.unit_name}</td>
        <td>${r.period}</td>
        <td class="er-num">${figureHtml(r.indicator_id, r.old_numerator, r.old_denominator, r.old_value, zhEditions.appeared)}</td>
        <td class="er-num">${figureHtml(r.indicator_id, r.new_numerator, r.new_denominator, r.new_value, zhEditions.vanished)}</td>
      </tr>`,
    )}</tbody>
  </table>`;
  })}`;
}

export function renderEditionReport(input: EditionReportInput): string {
  const { manifest, rows, catalog } = input;
  const edition = manifest.edition;
  const yearNumber = Number(edition.slice(0, 4));
  const month = issueNumber(edition);
  const title = zhEditions.reportTitle(yearNumber, month);
  const year = reportYear(edition, rows);
  const targetedCatalog = catalog.filter((c) => c.is_targeted);
  const targeted = new Set(targetedCatalog.map((c) => c.indicator_id));
  const names = new Map(catalog.map((c) => [c.indicator_id, c.name_zh]));
  const ofYear = rows.filter((r) => r.period === year);
  const city = ofYear.filter((r) => r.grain === 'city');
  const cityOf = (id: string) => city.find((r) => r.indicator_id === id);
  const cityIndex = cityOf('reform_index');
  const cityMet = targetedCatalog.filter((c) => cityOf(c.indicator_id)?.meets_target === true).length;

  const header = html`<header class="er-masthead">
      <p class="er-masthead-name">${zhEditions.masthead}</p>
      <p class="er-issue">${zhEditions.issueNumber(yearNumber, month)}</p>
      <p class="er-issuer"><span>${zhEditions.issuedBy(input.issuingOffice)}</span><span>${zhEditions.takenOn(formatDate(manifest.taken_at.slice(0, 10)))}</span></p>
    </header>
    <h1 class="er-title">${zhEditions.masthead}<br>${zhEditions.titleMonth(yearNumber, month)}</h1>
    <p class="er-meta">${zhEditions.asOf(formatDate(manifest.as_of))}　${zhEditions.issueShort(month)}</p>`;

  let body: SafeHtml;
  if (input.county) {
    const county = input.county;
    const mine = ofYear.filter((r) => r.grain === 'county' && r.unit_code === county.code);
    const mineOf = (id: string) => mine.find((r) => r.indicator_id === id);
    const met = targetedCatalog.filter((c) => mineOf(c.indicator_id)?.meets_target === true).length;
    const index = mineOf('reform_index');
    body = html`<h2>${zhEditions.summaryHeading}</h2>
      <p class="er-text">${zhEditions.summaryCounty(county.name, met, targetedCatalog.length, cityMet)}</p>
      ${index && cityIndex ? html`<p class="er-text">${zhEditions.countyIndexLine(county.name, formatIndicator('reform_index', index.value), formatIndicator('reform_index', cityIndex.value))}</p>` : ''}
      <h2>${zhEditions.countyDetailHeading}</h2>
      <p class="er-note">${zhEditions.detailNote}</p>
      <table class="er-table er-detail" id="edition-detail">
        <thead><tr><th>${zhEditions.columns.indicator}</th><th>${zhEditions.columns.target}</th><th>${shortCountyName(county.name)}</th><th>${zhEditions.columns.city}</th></tr></thead>
        <tbody>${catalog.map(
          (c) => html`<tr><th>${c.name_zh}</th>${targetCell(c)}${valueCell(mineOf(c.indicator_id))}${valueCell(cityOf(c.indicator_id))}</tr>`,
        )}</tbody>
      </table>
      ${revisionsSection(zhEditions.countyRevisionsHeading, input, names)}`;
  } else {
    const ranking = rankCounties(rows, year, targeted);
    const previousYear = input.previous ? reportYear(input.previous.manifest.edition, input.previous.rows) : undefined;
    const previousRanking = input.previous && previousYear ? rankCounties(input.previous.rows, previousYear, targeted) : [];
    const previousOf = (code: string) => previousRanking.find((c) => c.code === code);
    // two at each end when there are enough counties to keep the ends apart
    const ends = ranking.length >= 4 ? 2 : 1;
    const leaders = ranking.slice(0, ends).map((c) => c.name).join('、');
    const laggards = ranking.slice(-ends).map((c) => c.name).join('、');
    const deltas = ranking
      .map((c) => ({ c, delta: previousOf(c.code) ? c.index - previousOf(c.code)!.index : undefined }))
      .filter((d): d is { c: CountyScore; delta: number } => d.delta !== undefined);
    const fastest = deltas.filter((d) => d.delta > EPS).sort((a, b) => b.delta - a.delta).slice(0, 2);
    // 需关注: every county whose index fell since the previous edition, and the last of the ranking
    const attention = new Map<string, string>();
    for (const d of deltas.filter((x) => x.delta < -EPS)) attention.set(d.c.code, zhEditions.fell(d.c.name, formatIndicator('reform_index', -d.delta)));
    const last = ranking.at(-1);
    if (last && !attention.has(last.code)) attention.set(last.code, zhEditions.lastRanked(last.name, last.met));
    const counties = ranking.map((c) => ({ code: c.code, name: c.name }));
    body = html`<h2>${zhEditions.summaryHeading}</h2>
      <p class="er-text">${zhEditions.summaryCity(cityMet, targetedCatalog.length, year)}${cityIndex ? zhEditions.indexLine(formatIndicator('reform_index', cityIndex.value)) : ''}</p>
      ${ranking.length > 0 ? html`<p class="er-text">${zhEditions.leadLag(leaders, laggards)}</p>` : ''}
      <h2>${zhEditions.rankingHeading}</h2>
      <table class="er-table" id="edition-ranking">
        <thead><tr><th>${zhEditions.columns.rank}</th><th>${zhEditions.columns.county}</th><th>${zhEditions.columns.index}</th><th>${zhEditions.columns.change}</th><th>${zhEditions.columns.metOf(targetedCatalog.length)}</th></tr></thead>
        <tbody>${ranking.map(
          (c) => html`<tr data-county="${c.code}"><td class="er-num">${c.rank}</td><th>${c.name}</th><td class="er-num">${formatIndicator('reform_index', c.index)}</td><td>${rankChange(c.rank, previousOf(c.code)?.rank)}</td><td class="er-num">${c.met}</td></tr>`,
        )}</tbody>
      </table>
      <h2>${zhEditions.moversHeading}</h2>
      <p class="er-text">${fastest.length > 0 ? zhEditions.fastestLine(fastest.map((d) => zhEditions.rose(d.c.name, formatIndicator('reform_index', d.delta))).join('、')) : input.previous ? zhEditions.noneFastest : zhEditions.fastestLine(zhEditions.noPrevious)}</p>
      <p class="er-text">${zhEditions.attentionLine([...attention.values()].join('、') || '—')}</p>
      <h2>${zhEditions.detailHeading}</h2>
      <p class="er-note">${zhEditions.detailNote}</p>
      <table class="er-table er-detail" id="edition-detail">
        <thead><tr><th>${zhEditions.columns.indicator}</th><th>${zhEditions.columns.target}</th>${counties.map((c) => html`<th>${shortCountyName(c.name)}</th>`)}<th>${zhEditions.columns.city}</th></tr></thead>
        <tbody>${catalog.map((c) => {
          const of = (code: string) => ofYear.find((r) => r.grain === 'county' && r.unit_code === code && r.indicator_id === c.indicator_id);
          return html`<tr><th>${c.name_zh}</th>${targetCell(c)}${counties.map((county) => valueCell(of(county.code)))}${valueCell(cityOf(c.indicator_id))}</tr>`;
        })}</tbody>
      </table>
      ${revisionsSection(zhEditions.revisionsHeading, input, names)}`;
  }

  const quote = (text: string) => `"${text.replace(/["\\]/g, '')}"`;
  // GB/T 9704: text block 156 mm × 225 mm; the page number sits in the bottom margin
  const pageCss = `@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: ${quote(zhEditions.pageParts[0])} counter(page) ${quote(zhEditions.pageParts[1])} counter(pages) ${quote(zhEditions.pageParts[2])}; font-size: 12pt; font-family: "Noto Serif CJK SC", serif; } }`;
  const toolbar = input.forPdf
    ? ''
    : html`<nav class="report-toolbar" aria-label="${title}">
        <a href="/">${zhEditions.backHome}</a>
        <a href="/report.pdf?edition=${edition}">${zhEditions.pdfLink}</a>
      </nav>`;
  return `<!DOCTYPE html>\n${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${FAVICON}">
<style>${raw(input.css)}
${raw(pageCss)}</style>
</head>
<body class="edition-report" data-edition="${edition}">
${toolbar}
<main class="er-paper">
${header}
${body}
</main>
</body>
</html>`.value}`;
}
